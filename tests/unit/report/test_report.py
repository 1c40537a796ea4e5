"""The two documents, patient report and lab sheet: their statements per example case, the
red-flag notice on page 1, names that print as typed, byte-identical builds, valid PDFs that
render, and what the patient's report must never hold (issue 17)."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
import tomllib
from dataclasses import replace

import pytest
from pypdf import PdfReader

from helpers.cli import run_process
from helpers.repo import EXAMPLES, ROOT
from helpers.steps import assess_case, settings
from orthofit.config.templates import TemplateError, check_template, load_report_template
from orthofit.io.case_file import load_case, parse_case
from orthofit.model.enums import Side
from orthofit.model.redflags import PAINFUL_RIGID_FLAT_FOOT_CHILD, RED_FLAGS
from orthofit.pipeline.insoles import make_insoles
from orthofit.report.document import make_documents

DATE = "2026-11-21"


def build_both(case, profile="neutral", paper="a4", template=None) -> tuple[bytes, bytes]:
    s = settings(profile, paper=paper)
    if template is not None:
        s = replace(s, template=template)
    a = assess_case(case, profile=profile)
    sides = [sd for sd in Side if a.case.foot(sd).foot_length_mm is not None]
    outputs = make_insoles(a, s, sides)
    return make_documents(a, outputs, s, date=DATE)


def build(case, profile="neutral", paper="a4", template=None) -> bytes:
    """The patient report alone."""
    return build_both(case, profile, paper, template)[0]


def pages_text(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join(p.extract_text().split()) for p in reader.pages]


@pytest.fixture(scope="module")
def reports():
    """Every example's report and lab sheet (about 8 s: the tests using it are marked slow):
    name -> (report PDF, its pages' text, lab sheet PDF, its pages' text).
    """
    out = {}
    for path in sorted(EXAMPLES.glob("*.toml")):
        pdf, lab = build_both(load_case(path))
        out[path.stem] = (pdf, pages_text(pdf), lab, pages_text(lab))
    return out


# What each example must say (whitespace-normalised substrings of the whole text).
MUST = {
    "normal-adult": ["Left foot: a normal arch", "Insoles have not been shown to prevent back pain", "about 2 degrees"],
    "flat-pronated-adult": [
        "a low (flat) arch",
        "tends to roll inward",
        "NICE NG59",
        "It has not been shown that insoles correct the posture of the spine",
        "limit how far your foot rolls inward",
        "Clinician: Dr Amina Haddad",
    ],
    "high-arch-supinated-adult": ["a high arch", "shaped to touch the whole sole"],
    "knee-oa-hallux-adult": [
        "shift some load away from the inner side of your knee",
        "did not ease knee pain more than a flat insole",
        "moderate certainty of little or no effect on knee pain",
        "make your big toe joint bend less when you walk",
        "Menz et al. 2016",
        "Example Foot Clinic",  # the clinic of the case file, on the page head
    ],
    "asymmetric-adult": ["Your leg-length difference was measured", "heel lift"],
    "child": ["Children's feet are still growing", "normal stage of development", "Neither foot needs an insole"],
    "red-flag": ["Please see your doctor", "foot drop", "do not replace this visit", "a doctor should examine it"],
    "scanned-adult": ["Some measurements come from a 3D scan", "Your left foot (3D scan)"],
}
# What each example's lab sheet must say.
LAB_MUST = {
    "asymmetric-adult": ["Heel lift", "heel lift 7 mm"],
    "scanned-adult": ["Scans", "dupontgu_left_foot_m.stl", "±"],
    "child": ["no insole made", "a flexible flat foot is normal development at age 7"],
    "red-flag": ["Referral first: foot_drop"],
}
NEVER = ["will cure", "cures", "guarantee", "will relieve", "will fix", "corrects your posture", "100%"]


def test_the_size_line_names_each_scales_convention():
    """The patient's shoe sizes say which convention each follows (clinical-basis.md §4.2)."""
    from orthofit.report.patient import patient_content

    a = assess_case(load_case(EXAMPLES / "normal-adult.toml"))
    content = patient_content(a, [], load_report_template(), settings().thresholds, DATE)
    lines = [b.text for b in content.blocks if "Shoe size" in getattr(b, "text", "")]
    assert lines == [
        "Left foot: 245 mm long. Shoe size EU 39 (Paris point, last = foot + 15 mm), "
        "UK 6 (Brannock scale, as shoe shops measure).",
        "Right foot: 246 mm long. Shoe size EU 39 (Paris point, last = foot + 15 mm), "
        "UK 6 (Brannock scale, as shoe shops measure).",
    ]


def test_every_example_has_expectations():
    assert set(MUST) == {p.stem for p in EXAMPLES.glob("*.toml")}


@pytest.mark.slow  # reports: every example's report, about 8 s
@pytest.mark.parametrize("name", sorted(MUST))
def test_example_statements(reports, name):
    text = " ".join(reports[name][1])
    for s in MUST[name]:
        assert s in text, f"{name}: missing {s!r}"
    lab = " ".join(reports[name][3])
    for s in LAB_MUST.get(name, ()):
        assert s in lab, f"{name} lab sheet: missing {s!r}"
    for low in (text.lower(), lab.lower()):
        for s in NEVER:
            assert s not in low, f"{name}: promises {s!r}"
    # page 1 says what the insoles can and cannot do for the feet (when there are insoles); the
    # back-pain limit only where back pain is recorded (issue 17: not to a child or a patient
    # without back pain)
    first = reports[name][1][0]
    assert ("They do not change the shape of your feet" in first) is (name != "child")
    back_pain = load_case(EXAMPLES / f"{name}.toml").symptoms.low_back_pain
    assert ("not a proven treatment for back pain" in first) is back_pain


@pytest.mark.slow  # reports: every example's report, about 8 s
@pytest.mark.parametrize("name", sorted(MUST))
def test_the_patients_report_holds_no_parameter_formula_or_file_they_do_not_have(reports, name):
    """Issue 17: at most four pages; no parameter names, no formulas, no index a patient does
    not know by name, no "clinical.md"; those are on the lab sheet."""
    from orthofit.config.params import parameter_names
    from orthofit.config.thresholds import load_thresholds

    pdf, pages, _, lab_pages = reports[name]
    assert len(pages) <= 4, f"{name}: {len(pages)} pages"
    text = " ".join(pages)
    assert "clinical-basis.md" not in text and "clinical.md" not in text and "§" not in text
    for param in parameter_names():
        if "_" in param:  # "length", "shoe", "construction" are plain words
            assert param not in text, f"{name}: parameter {param} in the patient's report"
    for rule in load_thresholds().rules.values():
        if rule.formula:
            assert rule.formula not in text, f"{name}: formula {rule.formula!r}"
    for index in ("Staheli", "Clarke", "Chippaux", "FPI-6", "RCSP", "CPEI", "Navicular drop"):
        assert index not in text, f"{name}: {index} by name"
    assert "The last page is for your clinician" not in text and "For the clinician or lab" not in text
    lab = " ".join(lab_pages)
    assert "Prescription and lab sheet" in lab and "References" in lab


@pytest.mark.slow  # reports: every example's report, about 8 s
def test_back_pain_statement_only_with_back_pain(reports):
    assert "NICE NG59" not in " ".join(reports["normal-adult"][1])  # no back pain recorded


@pytest.mark.slow  # reports: every example's report, about 8 s
def test_red_flag_notice_comes_first(reports):
    first = reports["red-flag"][1][0]
    assert first.index("Please see your doctor") < first.index("What we found")
    assert "do not replace this visit" in first
    assert "See a doctor today." in first  # foot drop with back pain: same day, as on the lab sheet
    assert "foot_drop (same-day" in " ".join(reports["red-flag"][3])
    for name in ("normal-adult", "flat-pronated-adult"):
        assert "Please see your doctor" not in reports[name][1][0]


@pytest.mark.slow  # reports: every example's report, about 8 s
def test_lab_sheet_names_every_parameter_in_words_and_the_file_hashes(cli, reports, tmp_path):
    _, _, lab_pdf, pages = reports["flat-pronated-adult"]
    lab = " ".join(pages)
    from orthofit.config.params import parameter_table

    for row in parameter_table():
        if row.get("feature") in (None, "core", "base", "heel_cup", "arch", "medial_heel_skive", "rearfoot_post"):
            assert row["label"] in lab, row["label"]
    assert "arch_blend_mm" not in lab and "Arch support fade width" in lab
    # the hashes are those of the files `orthofit insole` writes for the same case and profile
    r = cli("insole", EXAMPLES / "flat-pronated-adult.toml", "--out", tmp_path)
    assert r.code == 0, r.err
    flat = lab.replace(" ", "")
    for f in sorted(tmp_path.iterdir()):
        assert hashlib.sha256(f.read_bytes()).hexdigest()[:16] in flat, f.name
    assert "Cavanagh PR, Rodgers MM" in lab and "orthofit 0." in lab
    # every measure with its definition, usual range and source
    assert "CSI = narrowest midfoot width / widest forefoot width" in lab and "Chippaux-Smirak" in lab
    assert "usual " in lab and "Cavanagh & Rodgers 1987" in lab


@pytest.mark.parametrize(
    "name",
    [  # a full report each, 0.8 s: two in the quick loop
        "Zoë Łukasiewicz-Ødegård 李小龍 Ελένη",
        "<b>Bold</b> & <i>co</i> <br/>",
        pytest.param("O'Brien & Sons <font size=40>x</font>", marks=pytest.mark.slow),
        pytest.param("Ünïcödé ✓ — “quotes”", marks=pytest.mark.slow),
    ],
)
def test_names_print_as_typed(name):
    raw = tomllib.loads((EXAMPLES / "normal-adult.toml").read_text("utf-8"))
    raw["patient"]["name"] = name
    raw["clinician"] = {"name": name, "clinic": "A & B <clinic>"}
    report, lab = build_both(parse_case(raw))
    text = " ".join(pages_text(report))
    assert f"Patient: {name} (" in text
    assert f"Clinician: {name}" in text and "A & B <clinic>" in text  # the clinic heads each page
    assert f"Patient {name} (" in " ".join(pages_text(lab))


@pytest.mark.slow  # four builds, two of them processes: about 3.5 s
def test_two_builds_are_byte_identical(tmp_path):
    case = load_case(EXAMPLES / "asymmetric-adult.toml")
    assert build_both(case) == build_both(case)
    outs = []
    for k in range(2):  # two processes (each its own hash seed) write the same bytes
        out = tmp_path / f"r{k}.pdf"
        r = run_process("report", EXAMPLES / "red-flag.toml", "--out", out)
        assert r.code == 0, r.err
        outs.append((out.read_bytes(), (tmp_path / f"r{k}-lab-sheet.pdf").read_bytes()))
    assert outs[0] == outs[1]


@pytest.mark.parametrize("paper, size", [("a4", (595, 842)), ("letter", (612, 792))])
def test_paper_and_metadata(paper, size):
    pdf = build(load_case(EXAMPLES / "flat-pronated-adult.toml"), paper=paper)
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size
    meta = reader.metadata
    assert meta.title == "Your foot assessment and insoles"
    assert meta.author == "Dr Amina Haddad"
    assert meta.subject and "orthofit" in meta.creator
    fonts = set()
    for page in reader.pages:
        for f in page["/Resources"]["/Font"].values():
            fonts.add(str(f.get_object()["/BaseFont"]))
    assert any("DejaVuSans" in f for f in fonts)  # embedded, not a standard font


@pytest.mark.slow  # reports: every example's two PDFs, every page rendered: about 20 s
def test_qpdf_check_and_every_page_of_both_documents_renders(reports, tmp_path):
    """Issue 17: every page of every example's report and lab sheet renders; the report has at
    most four pages; the lab sheet's last page is not a near-empty one."""
    from PIL import Image

    for name, (pdf, pages, lab, lab_pages) in reports.items():
        for kind, data, n in (("report", pdf, len(pages)), ("lab", lab, len(lab_pages))):
            path = tmp_path / f"{name}-{kind}.pdf"
            path.write_bytes(data)
            r = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
            assert r.returncode == 0, r.stdout + r.stderr
            stem = tmp_path / f"{name}-{kind}"
            r = subprocess.run(["pdftoppm", "-png", "-r", "30", str(path), str(stem)], capture_output=True, text=True)
            assert r.returncode == 0, r.stderr
            pngs = sorted(tmp_path.glob(f"{name}-{kind}-*.png"))
            assert len(pngs) == n, (name, kind)
            assert all(p.stat().st_size > 1000 for p in pngs)
            if kind == "report":
                assert n <= 4, f"{name}: the report has {n} pages"
            elif n > 1:
                assert _filled(Image.open(pngs[-1])) > 0.2, f"{name}: the lab sheet's last page is near empty"


def _filled(page) -> float:
    """How far down a page its content reaches (0 to 1), between the head and the footer."""
    import numpy as np

    g = np.asarray(page.convert("L"), dtype=float)
    h = g.shape[0]
    body = g[int(0.05 * h) : int(0.92 * h)]
    rows = np.flatnonzero((body < 200).any(axis=1))
    return (rows[-1] + 1) / len(body) if len(rows) else 0.0


def test_template_covers_every_red_flag_and_names_only_known_fields():
    t = load_report_template()
    for name in [*RED_FLAGS, PAINFUL_RIGID_FLAT_FOOT_CHILD.name]:
        assert t["red_flags"][name].strip()
    check_template(t)  # every {field} a text uses is one orthofit fills in


def test_an_edited_template_with_an_unknown_field_is_a_clear_error(cli, tmp_path):
    text = (ROOT / "templates" / "report.toml").read_text("utf-8")
    bad = tmp_path / "report.toml"
    bad.write_text(
        text.replace('intro = "This report explains', 'intro = "Dear {pateint}. This report explains'), encoding="utf-8"
    )
    out = tmp_path / "r.pdf"
    r = cli("report", EXAMPLES / "normal-adult.toml", "--out", out, "--template", bad)
    assert r.code == 2 and "{pateint}" in r.err and len(r.err.strip().splitlines()) == 1
    assert not out.exists()
    with pytest.raises(TemplateError):
        build(load_case(EXAMPLES / "normal-adult.toml"), template={"meta": {}})


@pytest.mark.parametrize("ends", ['["flatter"]', '["flatter", "higher", "odd"]', "[]"])
def test_a_gauge_with_other_than_two_end_words_is_a_clear_error(cli, tmp_path, ends):
    """A gauge's ends are a pair (low, high): CI's hostile-template search dropped one word and
    the report failed with an internal error instead of a line naming the list."""
    text = (ROOT / "templates" / "report.toml").read_text("utf-8")
    line = next(x for x in text.splitlines() if x.startswith("chippaux_smirak_pct = ["))
    bad = tmp_path / "report.toml"
    bad.write_text(text.replace(line, f"chippaux_smirak_pct = {ends}"), encoding="utf-8")
    out = tmp_path / "r.pdf"
    r = cli("report", EXAMPLES / "child.toml", "--out", out, "--template", bad)
    assert r.code == 2 and "feet.gauge_ends.chippaux_smirak_pct" in r.err, r
    assert "list of 2 texts" in r.err and len(r.err.strip().splitlines()) == 1
    assert not out.exists()


def test_an_estimated_arch_height_index_is_marked_and_the_mark_explained():
    """A shop scanner's case (no truncated length): its AHI is estimated from the foot
    length; the table marks it "≈" and a line under the table says what that means, in the
    patient's words; a case whose AHI is measured has neither."""
    from orthofit.pipeline.inputs import read_case

    text = " ".join(pages_text(build(read_case(EXAMPLES / "shop-scanner.csv"))))
    assert "≈0.3" in text
    assert "≈ marks a value worked out from your foot length" in text
    assert "and it has no measurement that shows how it rolls" in text and "and it we" not in text
    measured = " ".join(pages_text(build(load_case(EXAMPLES / "normal-adult.toml"))))
    assert "≈" not in measured


@pytest.mark.slow  # reports: every example's report, about 8 s
def test_no_page_ends_with_a_heading(reports):
    """A heading keeps with what follows it: no page of any example's report or lab sheet ends
    with one (the stiffness-zone heading once stood alone at the foot of a page)."""
    wording = tomllib.loads((ROOT / "templates" / "report.toml").read_text("utf-8"))
    headings = [v for k, v in _strings(wording) if k.endswith("heading") and "{" not in v]
    assert "Stiffness zones (the slicer projects)" in headings
    for name, (_, pages, _, lab_pages) in reports.items():
        for doc in (pages, lab_pages):
            for number, text in enumerate(doc[:-1], 1):
                body = re.sub(r"\s*(Lab sheet · page|Page) \d+ · [^·]* · \d{4}-\d{2}-\d{2}\s*", " ", text).strip()
                ends = [h for h in headings if body.endswith(" ".join(h.split()))]
                assert not ends, f"{name}: page {number} ends with the heading {ends[0]!r}"


def _strings(table, prefix=""):
    """Every (key, text) in a TOML table, nested tables included."""
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _strings(value, f"{prefix}{key}.")
        elif isinstance(value, str):
            yield f"{prefix}{key}", value


def test_a_chain_with_no_link_for_this_patient_says_so():
    """Issue 17: the child's diagram colours nothing, and its caption does not speak of
    coloured links it does not have."""
    text = " ".join(pages_text(build(load_case(EXAMPLES / "child.toml"))))
    assert "None of your findings starts any of these links" in text
    assert "A coloured link starts from one of your own findings" not in text
