"""The shop-scanner CSV reader (issue 14): the documented format is read into a case; a wrong
unit, a missing or misleading column, a value out of range and hostile files (too large, binary,
UTF-16, another encoding, a device, two patients) are refused with one line that says what is
wrong and how to fix it."""

from __future__ import annotations

import pytest

from helpers.repo import EXAMPLES
from orthofit.errors import CaseFileError, UserError, ValidationError
from orthofit.io.shop_csv import load_shop_csv
from orthofit.model.enums import Sex

HEADER = "id,age,side,foot_length_mm,ball_width_mm,ball_girth_mm,dorsal_height_standing_mm,arch_edge_height_mm"


def _csv(tmp_path, text: str | bytes, name: str = "shop.csv"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def _refused(path, error: type[UserError], *words: str) -> str:
    with pytest.raises(error) as info:
        load_shop_csv(path)
    message = str(info.value)
    assert "\n" not in message and len(message) <= 500, message
    for w in words:
        assert w in message, message
    return message


def test_the_bundled_example_is_a_case_with_both_feet():
    case = load_shop_csv(EXAMPLES / "shop-scanner.csv")
    assert (case.patient.id, case.patient.age_years, case.patient.sex) == ("EX-SHOP", 45.0, Sex.FEMALE)
    left, right = case.left, case.right
    assert (left.foot_length_mm, left.ball_width_mm, left.ball_girth_mm) == (248.0, 96.0, 236.0)
    assert (left.dorsal_height_standing_mm, left.arch_edge_height_mm) == (63.0, 15.0)
    assert (right.foot_length_mm, right.dorsal_height_standing_mm, right.arch_edge_height_mm) == (250.0, 58.0, 12.0)
    assert left.truncated_foot_length_mm is None and right.truncated_foot_length_mm is None  # scanners rarely print it
    assert case.source.endswith("shop-scanner.csv")


def test_one_foot_sides_as_letters_empty_cells_and_header_spacing(tmp_path):
    text = " ID , Age ,Side,Foot_Length_mm,ball_width_mm\nP-1,40,R,251.5,\n"
    case = load_shop_csv(_csv(tmp_path, text))
    assert case.right.foot_length_mm == 251.5 and case.right.ball_width_mm is None
    assert case.left.is_empty


def test_semicolons_with_decimal_commas_and_a_byte_order_mark(tmp_path):
    text = "\ufeffid;age;side;foot_length_mm;dorsal_height_standing_mm\nP-1;40;left;248,5;61,5\n"
    case = load_shop_csv(_csv(tmp_path, text))
    assert (case.left.foot_length_mm, case.left.dorsal_height_standing_mm) == (248.5, 61.5)


def test_blank_lines_do_not_hide_a_foot(tmp_path):
    text = "id,age,side,foot_length_mm\n\nP-1,40,left,250\n\n\nP-1,40,right,252\n\n"
    case = load_shop_csv(_csv(tmp_path, text))
    assert (case.left.foot_length_mm, case.right.foot_length_mm) == (250.0, 252.0)


@pytest.mark.parametrize(
    "column, words",
    [
        ("foot_length_cm", ("foot_length_cm is in centimetres", "multiply the values by 10", "foot_length_mm")),
        ("foot_length_in", ("inches", "multiply the values by 25.4", "foot_length_mm")),
        ("foot_length_m", ("metres", "by 1000", "foot_length_mm")),
        ("foot_length", ("has no unit", "name it foot_length_mm")),
    ],
)
def test_a_column_in_another_unit_or_none_is_refused_with_the_conversion(tmp_path, column, words):
    path = _csv(tmp_path, f"id,age,side,{column}\nP-1,40,left,25\n")
    _refused(path, CaseFileError, column, "millimetres", *words)


@pytest.mark.parametrize(
    "column, use",
    [
        ("instep_height_mm", "dorsal_height_standing_mm"),  # orthofit's instep is at 55 %, the AHI's height at 50 %
        ("arch_height_mm", "arch_edge_height_mm"),
        ("plantar_arch_height_mm", "arch_edge_height_mm"),
    ],
)
def test_a_column_orthofit_means_otherwise_is_refused_naming_the_right_one(tmp_path, column, use):
    path = _csv(tmp_path, f"id,age,side,foot_length_mm,{column}\nP-1,40,left,250,20\n")
    _refused(path, CaseFileError, f"column {column}", use)


@pytest.mark.parametrize("missing", ["id", "age", "side", "foot_length_mm"])
def test_a_missing_required_column_is_named(tmp_path, missing):
    cols = [c for c in ("id", "age", "side", "foot_length_mm") if c != missing]
    values = {"id": "P-1", "age": "40", "side": "left", "foot_length_mm": "250"}
    path = _csv(tmp_path, ",".join(cols) + "\n" + ",".join(values[c] for c in cols) + "\n")
    _refused(path, CaseFileError, f"no {missing} column", "id, age, side, foot_length_mm")


def test_an_unknown_column_is_refused_with_the_columns(tmp_path):
    _refused(
        _csv(tmp_path, "id,age,side,foot_length_mm,shoe_size\nP-1,40,left,250,42\n"),
        CaseFileError,
        "unknown column 'shoe_size'",
        "arch_edge_height_mm",
    )


@pytest.mark.parametrize(
    "column, value, words",
    [
        ("foot_length_mm", "26.5", ("= 26.5 is out of range", "60 to 400 mm", "the shop CSV takes millimetres")),
        ("foot_length_mm", "2650", ("out of range", "60 to 400 mm")),
        ("dorsal_height_standing_mm", "6.1", ("dorsal_height_standing_mm", "10 to 150 mm", "like centimetres")),
        ("arch_edge_height_mm", "-3", ("arch_edge_height_mm = -3 is out of range", "0 to 80 mm")),
        ("ball_girth_mm", "1e400", ("ball_girth_mm is inf", "finite")),
        ("foot_length_mm", "nan", ("foot_length_mm is nan",)),
        ("ball_width_mm", "96 mm", ("ball_width_mm = '96 mm' is not a number", "without its unit")),
    ],
)
def test_a_value_out_of_range_or_not_a_number_is_refused_naming_row_and_column(tmp_path, column, value, words):
    cols = ["id", "age", "side", "foot_length_mm"] + ([column] if column != "foot_length_mm" else [])
    row = {"id": "P-1", "age": "40", "side": "left", "foot_length_mm": "250", column: value}
    path = _csv(tmp_path, ",".join(cols) + "\n" + ",".join(row[c] for c in cols) + "\n")
    _refused(path, ValidationError, "row 2 (left foot)", *words)


@pytest.mark.parametrize(
    "body, error, words",
    [
        ("P-1,40,left,250\nP-2,40,right,250\n", ValidationError, ("row 3", "id 'P-2'", "one patient")),
        ("P-1,40,left,250\nP-1,41,right,250\n", ValidationError, ("row 3", "age", "one patient")),
        ("P-1,40,left,250\nP-1,40,L,251\n", ValidationError, ("second left foot", "one row per foot")),
        ("P-1,40,left,250\nP-1,40,right,250\nP-1,40,right,250\n", ValidationError, ("more than 2 rows", "batch")),
        ("P-1,40,middle,250\n", ValidationError, ("side = 'middle'", "left or right")),
        ("P-1,40,left,250,7\n", ValidationError, ("5 cells but the header has 4",)),
        ("P-1,,left,250\n", ValidationError, ("no age", "years")),
        ("P 1,40,left,250\n", ValidationError, ("patient.id", "letters, digits")),
        ("P-1,400,left,250\n", ValidationError, ("age = 400 is out of range",)),
        ("P-1,40,left,\n", ValidationError, ("no foot_length_mm",)),
        ('P-1,40,left,"250\n', CaseFileError, ("cannot be read as CSV",)),
        ("", CaseFileError, ("header but no rows",)),
    ],
)
def test_rows_that_do_not_make_one_patients_feet_are_refused(tmp_path, body, error, words):
    _refused(_csv(tmp_path, "id,age,side,foot_length_mm\n" + body), error, *words)


def test_a_truncated_length_longer_than_the_foot_is_refused_as_in_a_case_file(tmp_path):
    path = _csv(tmp_path, "id,age,side,foot_length_mm,truncated_foot_length_mm\nP-1,40,left,250,260\n")
    _refused(path, ValidationError, "shop.csv", "truncated_foot_length_mm (260) must be shorter")


def test_a_control_character_in_a_name_is_refused_and_not_printed(tmp_path):
    path = _csv(tmp_path, "id,age,name,side,foot_length_mm\nP-1,40,Ann\x1b[31mRed,left,250\n")
    message = _refused(path, ValidationError, "patient.name", "U+001B")
    assert "\x1b" not in message


# --- hostile files ------------------------------------------------------------------------------


def test_a_file_over_its_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as fh:  # sparse: no disk is used, and nothing may read it
        fh.truncate(64 * (1 << 20))
    _refused(path, CaseFileError, "64.0 MB", "at most 1 MB", "Input limits")


def test_sixty_thousand_rows_under_the_size_limit_stop_after_the_third(tmp_path):
    path = _csv(tmp_path, "id,age,side,foot_length_mm\n" + "P-1,40,left,250\n" * 60_000)
    _refused(path, ValidationError, "more than 2 rows")


@pytest.mark.parametrize(
    "kind, words",
    [
        ("binary", ("NUL bytes", "not a CSV text file")),
        ("utf-16", ("NUL bytes", "UTF-16")),
        ("latin-1", ("not a text file in UTF-8", "save the CSV as UTF-8")),
        ("empty", ("is empty",)),
    ],
)
def test_binary_or_wrongly_encoded_files_are_refused(tmp_path, kind, words):
    good = "id,age,name,side,foot_length_mm\nP-1,40,Zoë,left,250\n"
    data = {
        "binary": bytes(range(256)) * 8,
        "utf-16": good.encode("utf-16"),
        "latin-1": good.encode("latin-1"),
        "empty": b"",
    }[kind]
    message = _refused(_csv(tmp_path, data), CaseFileError, *words)
    assert "\x00" not in message


@pytest.mark.parametrize("kind", ["dev-zero", "folder", "fifo", "missing"])
def test_a_device_folder_pipe_or_missing_file_is_refused_without_reading_it(tmp_path, kind):
    import os

    path = tmp_path / f"{kind}.csv"
    if kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)  # opening it for reading would wait for a writer for ever
    words = {"dev-zero": "character device", "folder": "is a folder", "fifo": "named pipe", "missing": "not found"}
    _refused(path, CaseFileError, words[kind])
