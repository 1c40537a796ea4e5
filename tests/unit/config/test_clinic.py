"""Clinic settings: name, address, phone, logo and accent colour on both documents; every bad
value is one line naming what to write instead (issue 17)."""

from __future__ import annotations

import io
import subprocess

import pytest
from PIL import Image

from helpers.repo import EXAMPLES
from orthofit.config.clinic import DEFAULT_ACCENT, Clinic, load_clinic
from orthofit.errors import CaseFileError, ValidationError


def _png(path, size=(120, 40), color=(31, 95, 139)):
    Image.new("RGB", size, color).save(path, format="PNG")
    return path


def test_the_default_needs_no_file():
    assert load_clinic(None) == Clinic() and Clinic().accent_colour == DEFAULT_ACCENT


def test_a_clinic_file_with_its_logo(tmp_path):
    _png(tmp_path / "logo.png")
    f = tmp_path / "clinic.toml"
    f.write_text(
        'name = "Riverside  Podiatry"\naddress = "12 High Street"\nphone = "0117 496 0000"\n'
        'logo = "logo.png"\naccent_colour = "#2A7F62"\n',
        encoding="utf-8",
    )
    c = load_clinic(f)
    assert (c.name, c.address, c.phone, c.accent_colour) == (
        "Riverside Podiatry",
        "12 High Street",
        "0117 496 0000",
        "#2a7f62",
    )
    assert c.logo is not None and c.logo.startswith(b"\x89PNG") and c.logo_path == tmp_path / "logo.png"


@pytest.mark.parametrize(
    "text, words",
    [
        ('nmae = "X"\n', "name"),
        ('accent_colour = "blue"\n', "#1f5f8b"),
        ("name = 3\n", "text in quotes"),
        ('logo = "missing.png"\n', "missing.png"),
        ('logo = "bad.png"\n', "PNG or JPEG"),
        ('logo = "huge.png"\n', "million pixels"),
        ('name = "' + "x" * 300 + '"\n', "keep it to 200"),
    ],
)
def test_bad_clinic_settings_are_one_line(tmp_path, text, words):
    (tmp_path / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)  # a PNG signature and nothing else
    Image.new("1", (6000, 5000)).save(tmp_path / "huge.png", format="PNG")  # 30 Mpx, small on disk
    f = tmp_path / "clinic.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises((ValidationError, CaseFileError)) as err:
        load_clinic(f)
    message = str(err.value)
    assert words in message and "\n" not in message, message


def test_the_clinic_heads_both_documents_with_its_logo(cli, tmp_path):
    _png(tmp_path / "logo.png")
    f = tmp_path / "clinic.toml"
    f.write_text('name = "Riverside Podiatry"\nphone = "0117 496 0000"\nlogo = "logo.png"\n', encoding="utf-8")
    out = tmp_path / "out"
    r = cli("fit", EXAMPLES / "normal-adult.toml", "--out", out, "--clinic", f)
    assert r.code == 0, r.err
    for name in ("EX-NORMAL-report.pdf", "EX-NORMAL-lab-sheet.pdf"):
        text = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", str(out / name), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Riverside Podiatry · 0117 496 0000" in text, name
        images = subprocess.run(
            ["pdfimages", "-f", "1", "-l", "1", "-list", str(out / name)], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        assert any(" 120    40 " in line for line in images), images  # the logo, at its own pixels
    import json

    manifest = json.loads((out / "EX-NORMAL-manifest.json").read_text("utf-8"))
    assert str(f) in manifest["inputs"] and str(tmp_path / "logo.png") in manifest["inputs"]


def test_a_broken_logo_stops_before_anything_is_written(cli, tmp_path):
    (tmp_path / "logo.png").write_bytes(io.BytesIO(b"\x89PNG\r\n\x1a\nnot really").getvalue())
    f = tmp_path / "clinic.toml"
    f.write_text('logo = "logo.png"\n', encoding="utf-8")
    r = cli("fit", EXAMPLES / "normal-adult.toml", "--out", tmp_path / "out", "--clinic", f)
    assert r.code == 2 and "logo" in r.err and len(r.err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
