"""A catalogue of bad input: every user mistake ends in exit 2 and one helpful line.

Each case starts from a valid minimal case file, breaks one thing, and runs the command line
in-process (``orthofit assess CASE``, the ``cli`` fixture). The contract checked for every case:

* exit status 2;
* stderr is exactly one non-empty line, ``orthofit: error: ...``, with no traceback;
* stdout is empty;
* the message names what is wrong (the field, the closest valid key, the range, the unit).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

#: A valid case: every bad case below changes exactly one thing in it.
MINIMAL = """\
[patient]
id = "P-1"
age = 40

[left]
foot_length_mm = 250
navicular_drop_mm = 8
"""

#: Stand-ins for the case path itself when the breakage is the path, not the content.
MISSING = object()
FOLDER = object()


def replaced(old: str, new: str) -> str:
    """MINIMAL with ``old`` replaced by ``new`` (``old`` must occur exactly once)."""
    assert MINIMAL.count(old) == 1, f"{old!r} is not in MINIMAL exactly once"
    return MINIMAL.replace(old, new)


def with_left(line: str) -> str:
    """MINIMAL with one more line in its [left] table (the last table of MINIMAL)."""
    return MINIMAL + line + "\n"


def with_table(text: str) -> str:
    """MINIMAL with another table appended."""
    return MINIMAL + "\n" + text


def write_case(tmp_path: Path, content) -> Path:
    if content is MISSING:
        return tmp_path / "no-such-case.toml"
    if content is FOLDER:
        folder = tmp_path / "a-folder"
        folder.mkdir()
        return folder
    path = tmp_path / "case.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def assert_one_line_user_error(result, words, paths=()) -> None:
    """The exit-2 contract; ``words`` must appear in the message once file paths are removed
    (the paths contain the test name, which could otherwise supply a word by accident)."""
    report = f"exit {result.code}\nstdout:\n{result.out}\nstderr:\n{result.err}"
    assert "Traceback" not in result.err, report
    assert result.code == 2, report
    assert result.out == "", report
    lines = result.err.splitlines()
    assert len(lines) == 1, f"stderr must be exactly one line\n{report}"
    assert result.err.endswith("\n"), report
    line = lines[0]
    assert line.startswith("orthofit: error: "), report
    message = line[len("orthofit: error: ") :]
    assert message.strip(), report
    for path in paths:
        message = message.replace(str(path), "<path>")
    for word in words:
        assert word in message, f"{word!r} missing from the message: {message!r}"


# (case content, words the message must contain)
CASE_FILE_ERRORS = [
    # --- the file itself
    pytest.param(MISSING, ["case file not found: <path>"], id="missing-file"),
    pytest.param(FOLDER, ["<path> is a folder", ".toml"], id="folder-not-file"),
    pytest.param("", ["[patient]"], id="empty-file-no-patient"),
    pytest.param(bytes(range(0x80, 0x100)) * 2, ["UTF-8"], id="random-bytes-not-utf8"),
    pytest.param(MINIMAL.encode("utf-16"), ["UTF-8"], id="utf16-file"),
    pytest.param(replaced("age = 40", "age = = 40"), ["not valid TOML", "line 3"], id="invalid-toml-syntax"),
    pytest.param(replaced("[left]", "[left"), ["not valid TOML", "line 5"], id="unclosed-table-header"),
    # --- keys and tables
    pytest.param(
        replaced("navicular_drop_mm", "navicular_drp_mm"),
        ["navicular_drp_mm", "[left]", "did you mean 'navicular_drop_mm'"],
        id="misspelt-left-key",
    ),
    pytest.param(
        with_left("shoe_colour = 3"),
        ["shoe_colour", "[left]", "foot_length_mm"],
        id="unknown-left-key-lists-valid-keys",
    ),
    pytest.param(replaced("[left]", "[rigth]"), ["rigth", "did you mean 'right'"], id="misspelt-top-level-table"),
    pytest.param(
        replaced("[patient]", "[patiant]"), ["patiant", "did you mean 'patient'"], id="misspelt-patient-table"
    ),
    pytest.param(
        replaced("age = 40", "age = 40\nwieght_kg = 70"), ["wieght_kg", "'weight_kg'"], id="misspelt-patient-key"
    ),
    pytest.param(
        "left = 250\n" + MINIMAL.replace("[left]\n", "[right]\n"),
        ["'left'", "table", "[left]"],
        id="section-given-as-value",
    ),
    pytest.param(with_left('"a\\nb" = 1'), ["[left]"], id="unknown-key-with-newline"),
    # --- red flags
    pytest.param(
        with_table("[red_flags]\nfoot_dropp = true\n"),
        ["foot_dropp", "[red_flags]", "'foot_drop'"],
        id="misspelt-red-flag",
    ),
    pytest.param(
        with_table("[red_flags]\nbroken_toe = true\n"),
        ["broken_toe", "[red_flags]", "saddle_numbness"],
        id="unknown-red-flag",
    ),
    pytest.param(
        with_table('[red_flags]\nfoot_drop = "yes"\n'),
        ["red_flags.foot_drop", "true or false", "'yes'"],
        id="red-flag-as-string",
    ),
    pytest.param(
        with_table("[red_flags]\nfoot_drop = 1\n"), ["red_flags.foot_drop", "true or false"], id="red-flag-as-number"
    ),
    # --- patient
    pytest.param(replaced('id = "P-1"\n', ""), ["patient.id", "missing"], id="missing-patient-id"),
    pytest.param(replaced("age = 40\n", ""), ["patient.age", "missing"], id="missing-patient-age"),
    pytest.param(replaced('"P-1"', '"../../x"'), ["patient.id", "'../../x'", "file names"], id="id-dotdot-path"),
    pytest.param(replaced('"P-1"', '"/etc/x"'), ["patient.id", "'/etc/x'", "file names"], id="id-absolute-path"),
    pytest.param(replaced('"P-1"', '"a\\\\b"'), ["patient.id", "file names"], id="id-backslash"),
    pytest.param(replaced('"P-1"', '""'), ["patient.id", "file names"], id="id-empty"),
    pytest.param(replaced('"P-1"', "17"), ["patient.id", "17"], id="id-a-number"),
    pytest.param(replaced('"P-1"', '"P-1\\n"'), ["patient.id", "file names"], id="id-trailing-newline"),
    pytest.param(replaced("age = 40", "age = -3"), ["patient.age", "-3", "0 to 120 years"], id="negative-age"),
    pytest.param(replaced("age = 40", 'age = "forty"'), ["patient.age", "number", "'forty'"], id="age-as-text"),
    pytest.param(replaced("age = 40", 'age = 40\nsex = "f"'), ["patient.sex", "'female'"], id="bad-sex"),
    # --- numbers in a foot table
    pytest.param(
        replaced("foot_length_mm = 250", "foot_length_mm = -250"),
        ["left.foot_length_mm", "-250", "60 to 400 mm"],
        id="negative-length",
    ),
    pytest.param(
        replaced("foot_length_mm = 250", "foot_length_mm = 900"),
        ["left.foot_length_mm", "900", "60 to 400 mm"],
        id="900-mm-foot",
    ),
    pytest.param(
        replaced("foot_length_mm = 250", "foot_length_mm = 26.2"),
        ["left.foot_length_mm", "26.2", "centimetres", "millimetres"],
        id="foot-length-in-cm",
    ),
    pytest.param(
        replaced("foot_length_mm = 250", "foot_length_mm = 0.262"),
        ["left.foot_length_mm", "like metres", "millimetres"],
        id="foot-length-in-metres",
    ),
    pytest.param(
        replaced("navicular_drop_mm = 8", "navicular_drop_mm = nan"),
        ["left.navicular_drop_mm", "nan", "finite"],
        id="nan-measurement",
    ),
    pytest.param(
        replaced("foot_length_mm = 250", "foot_length_mm = inf"),
        ["left.foot_length_mm", "inf", "finite"],
        id="inf-measurement",
    ),
    pytest.param(
        replaced("foot_length_mm = 250", "foot_length_mm = -inf"),
        ["left.foot_length_mm", "finite"],
        id="minus-inf-measurement",
    ),
    pytest.param(
        replaced("foot_length_mm = 250", 'foot_length_mm = "250"'),
        ["left.foot_length_mm", "must be a number", "'250'"],
        id="string-for-number",
    ),
    pytest.param(
        replaced("foot_length_mm = 250", "foot_length_mm = true"),
        ["left.foot_length_mm", "must be a number", "True"],
        id="boolean-for-number",
    ),
    pytest.param(
        replaced("foot_length_mm = 250", "foot_length_mm = [250]"),
        ["left.foot_length_mm", "must be a number"],
        id="list-for-number",
    ),
    pytest.param(with_left("rcsp_deg = 45"), ["left.rcsp_deg", "45", "-30 to 30 degrees"], id="rcsp-out-of-range"),
    pytest.param(
        with_left("truncated_foot_length_mm = 260"),
        ["left.truncated_foot_length_mm", "left.foot_length_mm", "shorter"],
        id="truncated-longer-than-foot",
    ),
    pytest.param(
        with_left("truncated_foot_length_mm = 250"),
        ["left.truncated_foot_length_mm", "left.foot_length_mm", "shorter"],
        id="truncated-equal-to-foot",
    ),
    pytest.param(with_left('arch_on_tiptoe = "yes"'), ["left.arch_on_tiptoe", "true or false"], id="tiptoe-as-string"),
    # --- FPI-6
    pytest.param(with_left("fpi6 = [0, 0, 3, 0, 0, 0]"), ["left.fpi6", "item 3", "-2 to +2"], id="fpi-item-3"),
    pytest.param(with_left("fpi6 = [0, 0, 0, 0, -3, 0]"), ["left.fpi6", "item 5", "-2 to +2"], id="fpi-item-minus-3"),
    pytest.param(with_left("fpi6 = [0, 1, 0, 1, 0]"), ["left.fpi6", "six"], id="fpi-five-items"),
    pytest.param(with_left("fpi6 = [0, 1, 0, 1, 0, 1, 0]"), ["left.fpi6", "six"], id="fpi-seven-items"),
    pytest.param(
        with_left("fpi6 = [0, 1.5, 0, 1, 0, 0]"), ["left.fpi6", "item 2", "1.5", "whole number"], id="fpi-item-1.5"
    ),
    pytest.param(with_left("fpi6 = [0, true, 0, 1, 0, 0]"), ["left.fpi6", "item 2"], id="fpi-item-boolean"),
    pytest.param(with_left("fpi6 = [0, nan, 0, 1, 0, 0]"), ["left.fpi6", "item 2"], id="fpi-item-nan"),
    pytest.param(with_left("fpi6 = 5"), ["left.fpi6", "six"], id="fpi-not-a-list"),
    # --- leg length
    pytest.param(
        with_table("[leg_length]\ndifference_mm = 10\n"),
        ["leg_length.shorter_side", "missing"],
        id="leg-length-without-shorter-side",
    ),
    pytest.param(
        with_table('[leg_length]\ndifference_mm = 10\nshorter_side = "middle"\n'),
        ["leg_length.shorter_side", "'middle'", "'left'", "'right'"],
        id="shorter-side-middle",
    ),
    pytest.param(
        with_table('[leg_length]\nshorter_side = "left"\n'),
        ["leg_length.difference_mm", "missing"],
        id="leg-length-without-difference",
    ),
    pytest.param(
        with_table('[leg_length]\ndifference_mm = -4\nshorter_side = "left"\n'),
        ["leg_length.difference_mm", "-4", "0 to 100 mm"],
        id="negative-leg-length",
    ),
    # --- symptoms
    pytest.param(
        with_table('[symptoms]\nfoot_pain = ["knee"]\n'),
        ["symptoms.foot_pain", "'knee'", "'heel'"],
        id="unknown-foot-pain-site",
    ),
    pytest.param(with_table("[symptoms]\nfoot_pain = 3\n"), ["symptoms.foot_pain", "list"], id="foot-pain-number"),
    pytest.param(
        with_table('[symptoms]\nlow_back_pain = "no"\n'),
        ["symptoms.low_back_pain", "true or false"],
        id="low-back-pain-string",
    ),
    # --- footprint
    pytest.param(
        with_left("footprint_mm = [[0, 0], [100, 0], [200, 0]]"), ["footprint", "left"], id="footprint-collinear"
    ),
    pytest.param(
        with_left("footprint_mm = [[0, 0], [100, 20]]"), ["left.footprint_mm", "3"], id="footprint-two-points"
    ),
    pytest.param(
        with_left("footprint_mm = [[0, 0], [100, inf], [200, 50]]"),
        ["left.footprint_mm", "point 2", "finite"],
        id="footprint-inf-coordinate",
    ),
    pytest.param(
        with_left("footprint_mm = [[0, 0], [100, nan], [200, 50]]"),
        ["left.footprint_mm", "point 2", "finite"],
        id="footprint-nan-coordinate",
    ),
    pytest.param(
        with_left("footprint_mm = [[0, 0], [1e6, 0], [200, 50]]"),
        ["left.footprint_mm", "point 2", "600"],
        id="footprint-huge-coordinate",
    ),
    pytest.param(
        with_left("footprint_mm = [[0, 0], [100, 0, 5], [200, 50]]"),
        ["left.footprint_mm", "point 2", "[x, y]"],
        id="footprint-3d-point",
    ),
    pytest.param(
        with_left("footprint_mm = [[0, 0], [40, 0], [40, 40], [0, 40]]"),
        ["footprint", "40 mm long", "millimetres"],
        id="footprint-too-short",
    ),
    # --- scans
    pytest.param(with_left('scan = "missing.stl"'), ["left.scan", "not found", "missing.stl"], id="scan-missing"),
    pytest.param(with_left('scan = "foot.docx"'), ["left.scan", "STL, OBJ or PLY"], id="scan-wrong-format"),
    pytest.param(with_left("scan = 3"), ["left.scan", "path"], id="scan-not-text"),
    pytest.param(
        with_left('scan = "a.stl"\nscan_units = "feet"'), ["left.scan_units", "'feet'", '"mm"'], id="scan-units-unknown"
    ),
    pytest.param(
        with_left('scan = "a.stl"\nscan_condition = "lying"'),
        ["left.scan_condition", "standing"],
        id="scan-condition-unknown",
    ),
    pytest.param(
        with_left('scan_units = "mm"'), ["left.scan_units", "without", "left.scan"], id="scan-units-without-scan"
    ),
    pytest.param(with_left('scann = "a.stl"'), ["scann", "scan"], id="scan-misspelt"),
]


@pytest.mark.parametrize("content, words", CASE_FILE_ERRORS)
def test_bad_case_file(cli, tmp_path, content, words):
    path = write_case(tmp_path, content)
    result = cli("assess", path)
    assert_one_line_user_error(result, words, paths=[path])


def test_minimal_case_is_valid(cli, tmp_path):
    """The starting point of every bad case must itself pass, or the catalogue proves nothing."""
    result = cli("assess", "--json", write_case(tmp_path, MINIMAL))
    assert result.code == 0, result.err
    assert result.err == ""
    data = json.loads(result.out)
    assert data["feet"]["left"]["indices"]["navicular_drop_mm"] == 8


# (thresholds file content or None for a missing file, words the message must contain)
THRESHOLDS_ERRORS = [
    pytest.param(None, ["thresholds file not found: <path>"], id="thresholds-missing-file"),
    pytest.param("bogus_key = 1\n", ["bogus_key", "thresholds"], id="thresholds-unknown-top-level-key"),
    pytest.param(
        "[sizing]\nallowance_mmm = 12\n", ["allowance_mmm", "[sizing]", "'allowance_mm'"], id="thresholds-misspelt-key"
    ),
    pytest.param("[sizing\n", ["thresholds", "not valid TOML"], id="thresholds-invalid-toml"),
    pytest.param(bytes(range(0x80, 0x100)), ["thresholds"], id="thresholds-not-utf8"),
    pytest.param("[sizing]\nallowance_mm = nan\n", ["sizing.allowance_mm", "finite"], id="thresholds-nan"),
    pytest.param("population = 5\n", ["[population]"], id="thresholds-table-as-number"),
    # wrong types inside otherwise known entries
    pytest.param("[sizing]\nallowance_range_mm = 5\n", ["allowance_range_mm"], id="thresholds-range-not-a-list"),
    pytest.param(
        "[navicular_drop_mm]\nupper_limit_mm = 5\n", ["upper_limit_mm"], id="thresholds-upper-limits-not-a-table"
    ),
    pytest.param("[arch_index]\ngroups = 5\n", ["arch_index", "groups"], id="thresholds-groups-not-a-list"),
    pytest.param(
        '[classification]\narch_measure_priority = "ahi_standing"\n',
        ["arch_measure_priority"],
        id="thresholds-priority-not-a-list",
    ),
]


@pytest.mark.parametrize("content, words", THRESHOLDS_ERRORS)
def test_bad_thresholds_file(cli, tmp_path, content, words):
    case = write_case(tmp_path, MINIMAL)
    thresholds = tmp_path / "missing-thresholds.toml"
    if content is not None:
        thresholds = tmp_path / "mine.toml"
        if isinstance(content, bytes):
            thresholds.write_bytes(content)
        else:
            thresholds.write_text(content, encoding="utf-8")
    result = cli("assess", "--thresholds", thresholds, case)
    assert_one_line_user_error(result, words, paths=[thresholds, case])


def test_thresholds_folder(cli, tmp_path):
    case = write_case(tmp_path, MINIMAL)
    result = cli("assess", "--thresholds", tmp_path, case)
    assert_one_line_user_error(result, ["folder"], paths=[case, tmp_path])


@pytest.mark.parametrize(
    "args",
    [
        ["assess", "--nd-criterion", "bogus", "CASE"],
        ["assess", "--no-such-option", "CASE"],
        ["assess"],
        ["frobnicate", "CASE"],
        [],
    ],
    ids=["bogus-nd-criterion", "unknown-option", "no-case-path", "unknown-command", "no-command"],
)
def test_bad_command_line(cli, tmp_path, args):
    """argparse errors: usage may take several lines, but exit 2 and no traceback."""
    case = write_case(tmp_path, MINIMAL)
    result = cli(*[case if a == "CASE" else a for a in args])
    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    assert result.out == ""
    assert "error" in result.err


@pytest.mark.parametrize(
    "feet",
    [
        "",
        "\n[left]\n\n[right]\n",
        "\n[left]\n",
    ],
    ids=["feet-absent", "feet-empty-tables", "left-empty-right-absent"],
)
def test_no_measurements_is_not_an_error(cli, tmp_path, feet):
    """A missing measurement is never a crash: no foot measured gives nulls, not an error."""
    path = write_case(tmp_path, '[patient]\nid = "P-1"\nage = 40\n' + feet)
    result = cli("assess", "--json", path)
    assert result.code == 0, result.err
    assert result.err == ""
    data = json.loads(result.out)
    for side in ("left", "right"):
        foot = data["feet"][side]
        assert foot["measured"] is False
        assert foot["arch_type"] is None
        assert foot["pronation"] is None
        assert foot["shoe_size"] is None
        assert foot["indices"], "the indices must still be listed, each null"
        assert all(v is None for v in foot["indices"].values()), foot["indices"]
        assert foot["reasons"] and all(isinstance(r, str) and r for r in foot["reasons"])
    assert data["referral"] is False
    text = cli("assess", path)
    assert text.code == 0, text.err
    assert "not determined" in text.out
