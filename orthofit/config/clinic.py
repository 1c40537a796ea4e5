"""The clinic's identity on both documents: name, address, phone, logo and accent colour.

A clinic settings file is a small TOML file::

    name = "Riverside Podiatry"
    address = "12 High Street, Bristol BS1 4AA"
    phone = "0117 496 0000"
    logo = "logo.png"          # PNG or JPEG, beside this file (or an absolute path)
    accent_colour = "#1f5f8b"  # headings and rules, as #rrggbb

Every key is optional; without a file (the default) the documents carry the clinic named in
the case file (``[clinician] clinic``), if any, and orthofit's blue. The logo is read and
checked here (format, size, pixel count), so a hostile or broken image is one line of error
before anything is built, never a crash while the PDF is laid out.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orthofit.config.keys import check_keys
from orthofit.config.tomlfile import read_bytes, read_toml
from orthofit.errors import CaseFileError, ValidationError, shown

#: orthofit's own accent colour (headings, rules), used when the clinic gives none.
DEFAULT_ACCENT = "#1f5f8b"
#: A logo larger than orthofit.config.limits' 5 MB is refused (a letterhead logo is a few
#: hundred kilobytes at most), and so is one of more pixels (a decompression bomb is small on disk, huge in memory).
MAX_LOGO_PIXELS = 25_000_000
_KEYS = ("name", "address", "phone", "logo", "accent_colour")
_TEXT_MAX = 200


@dataclass(frozen=True)
class Clinic:
    """The clinic shown on the documents (empty strings: not shown)."""

    name: str = ""
    address: str = ""
    phone: str = ""
    #: The logo as PNG or JPEG bytes, checked to open as an image; None: no logo.
    logo: bytes | None = None
    #: Accent colour, "#rrggbb".
    accent_colour: str = DEFAULT_ACCENT
    #: The settings file it came from, and the logo's file (None: the default, no logo).
    path: Path | None = None
    logo_path: Path | None = None


def load_clinic(path: str | Path | None) -> Clinic:
    """Read a clinic settings file (None: the default clinic, :class:`Clinic`).

    Raises
    ------
    CaseFileError
        The file or its logo cannot be read, or is not valid TOML.
    ValidationError
        An unknown key (naming the closest), a value of the wrong kind, a colour that is not
        ``#rrggbb``, or a logo that is not a PNG or JPEG image of reasonable size.
    """
    if path is None:
        return Clinic()
    path = Path(path)
    raw = read_toml(path, "clinic settings file", CaseFileError)
    where = f"clinic settings {path}"
    check_keys(raw, _KEYS, where, ValidationError)
    texts: dict[str, str] = {}
    for key in ("name", "address", "phone"):
        texts[key] = _text(raw.get(key, ""), key, where)
    accent = raw.get("accent_colour", DEFAULT_ACCENT)
    if not isinstance(accent, str) or not re.fullmatch(r"#[0-9a-fA-F]{6}", accent.strip()):
        raise ValidationError(f'{where}: accent_colour = {shown(accent)} is not a colour; write it as "#1f5f8b"')
    logo = logo_path = None
    if "logo" in raw:
        name = raw["logo"]
        if not isinstance(name, str) or not name.strip():
            raise ValidationError(f'{where}: logo must be a file name in quotes, e.g. logo = "logo.png"')
        logo_path = Path(name) if Path(name).is_absolute() else path.parent / name
        logo = check_logo(read_bytes(logo_path, "clinic logo", CaseFileError, " (.png or .jpg)"), logo_path)
    return Clinic(
        name=texts["name"],
        address=texts["address"],
        phone=texts["phone"],
        logo=logo,
        accent_colour=accent.strip().lower(),
        path=path,
        logo_path=logo_path,
    )


def _text(value: Any, key: str, where: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(f'{where}: {key} must be text in quotes, e.g. {key} = "..."')
    text = " ".join(value.split())
    if len(text) > _TEXT_MAX:
        raise ValidationError(f"{where}: {key} is {len(text)} characters; keep it to {_TEXT_MAX}")
    return text


def check_logo(data: bytes, where: Path | str) -> bytes:
    """``data`` if it is a PNG or JPEG image Pillow opens and decodes within the size limits.

    Raises
    ------
    ValidationError
        Not a PNG or JPEG, broken, or too large (what it is and what to use instead).
    """
    from PIL import Image, UnidentifiedImageError

    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        raise ValidationError(f"clinic logo {where} is not a PNG or JPEG image; save the logo as .png or .jpg")
    try:
        with Image.open(io.BytesIO(data)) as img:
            w, h = img.size
            if w * h > MAX_LOGO_PIXELS:
                raise ValidationError(
                    f"clinic logo {where} is {w} x {h} pixels; use a logo of at most {MAX_LOGO_PIXELS // 1_000_000} "
                    "million pixels (a few hundred across is plenty)"
                )
            img.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as err:
        raise ValidationError(
            f"clinic logo {where} cannot be read as an image ({type(err).__name__}); save it again as PNG or JPEG"
        ) from None
    return data
