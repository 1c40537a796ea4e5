"""Names in any script print in the report, and its text layer gives them back exactly: one
report per script (``orthofit report``, about 1 s each), read back with poppler's
``pdftotext`` (what copy-and-paste sees) and ``pdffonts`` (which font set the name, embedded
or not). poppler-utils is installed by .ci/run."""

from __future__ import annotations

import subprocess

import pytest

from helpers.repo import EXAMPLES

CASE = EXAMPLES / "normal-adult.toml"

# script -> (name, the font that prints its non-Latin part, embedded?)
NAMES = {
    "devanagari": ("अनन्या शर्मा", "NotoSansDevanagari", True),
    "thai": ("สมชาย ใจดี", "NotoSansThai", True),
    "hangul": ("김민준", "NotoSansKR", True),
    "emoji": ("Ana 🦶", "NotoEmoji", True),  # beyond U+FFFF: the ToUnicode map's surrogates
    "han": ("李小龍", "STSong-Light", False),  # a PDF standard Asian font, not embedded
    "kana": ("さくら", "HeiseiMin-W3", False),
    "latin": ("Zoë Łukasiewicz-Ødegård Ñúñez", "DejaVuSans", True),
    "greek": ("Ελένη Παπαδοπούλου", "DejaVuSans", True),
    "cyrillic": ("Наталья Иванова", "DejaVuSans", True),
    "hebrew": ("דוד לוי", "DejaVuSans", True),  # drawn right to left
    "arabic": ("محمد علي", "DejaVuSans", True),  # right to left, letters unjoined
    "mixed": ("Ana🦶❤️ 김민준(Kim) प्रिया", "NotoEmoji", True),
}
RTL = {"hebrew", "arabic"}
QUICK = 4  # about 0.8 s each: the first four (the bundled Noto fonts) stay in the quick loop


def _run(*argv) -> str:
    r = subprocess.run(argv, capture_output=True, text=True, encoding="utf-8")
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize(
    "script", [pytest.param(k, id=k, marks=() if i < QUICK else pytest.mark.slow) for i, k in enumerate(NAMES)]
)
def test_name_prints_and_extracts_exactly(cli, tmp_path, script):
    name, font, embedded = NAMES[script]
    case = tmp_path / "case.toml"
    case.write_text(
        CASE.read_text(encoding="utf-8").replace('name = "Maria Jensen"', f'name = "{name}"', 1), encoding="utf-8"
    )
    pdf = tmp_path / "report.pdf"
    r = cli("report", case, "--out", pdf)
    assert r.code == 0, r

    text = _run("pdftotext", "-f", "1", "-l", "1", "-enc", "UTF-8", str(pdf), "-")
    lines = text.splitlines()
    patient = next(line for line in lines if line.startswith("Patient: "))
    footer = next(line for line in lines if line.startswith("Page 1 "))  # drawn on the canvas
    assert name in patient and name in footer, text
    if script not in RTL:  # poppler wraps a right-to-left run in U+202B ... U+202C
        assert patient.startswith(f"Patient: {name} (EX-NORMAL) · Age: "), patient
        assert footer.startswith(f"Page 1 · {name} · "), footer

    fonts = _run("pdffonts", "-f", "1", "-l", "1", str(pdf)).splitlines()[2:]
    row = next((f.split() for f in fonts if f.split()[0].split("+")[-1].startswith(font)), None)
    assert row is not None, fonts
    assert (row[-5] == "yes") == embedded, row  # columns: ... emb sub uni object ID
