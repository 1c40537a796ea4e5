"""The report's fonts: DejaVu Sans (regular and bold), bundled in ``orthofit/data/fonts`` and
embedded in every PDF, so names in Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew and
most other alphabets print the same on every machine (the 14 standard PDF fonts cover
Latin-1 only). Licence: ``orthofit/data/fonts/LICENSE-DejaVu.txt`` (Bitstream Vera licence;
DejaVu changes in the public domain).

Chinese, Japanese and Korean characters are not in DejaVu, and a CJK font is tens of
megabytes; they are set in the PDF standard Asian fonts that reportlab names and every PDF
reader supplies (Adobe's STSong, HeiseiMin, HYSMyeongJo), so a name such as 李小龍 prints
instead of empty boxes. :func:`markup` picks the font run by run.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

FONT_DIR = Path(__file__).resolve().parents[1] / "data" / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"


def register_fonts() -> tuple[str, str]:
    """Register the bundled fonts with reportlab (once) and return (regular, bold) names."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if REGULAR not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, REGULAR)
        addMapping(REGULAR, 1, 1, BOLD)
    return REGULAR, BOLD


#: PDF standard Asian fonts (not embedded; every PDF reader supplies them), by script.
CJK_FONTS = {"han": "STSong-Light", "kana": "HeiseiMin-W3", "hangul": "HYSMyeongJo-Medium"}


def _script(ch: str) -> str | None:
    o = ord(ch)
    if 0x3040 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0xFF66 <= o <= 0xFF9F:
        return "kana"
    if 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
        return "hangul"
    if (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x20000 <= o <= 0x2FA1F
        or 0xF900 <= o <= 0xFAFF
        or 0x3000 <= o <= 0x303F
        or 0xFF00 <= o <= 0xFF65
    ):
        return "han"
    return None


def runs(text: str) -> list[tuple[str, str | None]]:
    """``text`` split into runs: (chunk, None) for the bundled font, (chunk, font name) for
    characters it lacks that a standard Asian font has. Registers the fonts used.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    regular, _ = register_fonts()
    covered = pdfmetrics.getFont(regular).face.charToGlyph
    out: list[tuple[str, str | None]] = []
    for ch in text:
        font = None
        if ord(ch) not in covered and (script := _script(ch)) is not None:
            font = CJK_FONTS[script]
            if font not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(UnicodeCIDFont(font))
        if out and out[-1][1] == font:
            out[-1] = (out[-1][0] + ch, font)
        else:
            out.append((ch, font))
    return out


def markup(text: str) -> str:
    """``text`` escaped for a reportlab Paragraph (so ``<b>`` or ``&`` print as typed), with
    CJK runs in a font that has them.
    """
    return "".join(
        escape(chunk) if font is None else f'<font name="{font}">{escape(chunk)}</font>' for chunk, font in runs(text)
    )


def draw_string(canvas, x: float, y: float, text: str, size: float, centred: bool = False) -> None:
    """Draw one line on a canvas with the same font fallback as :func:`markup`."""
    from reportlab.pdfbase import pdfmetrics

    regular, _ = register_fonts()
    parts = [(chunk, font or regular) for chunk, font in runs(text)]
    width = sum(pdfmetrics.stringWidth(c, f, size) for c, f in parts)
    x0 = x - width / 2.0 if centred else x
    for chunk, font in parts:
        canvas.setFont(font, size)
        canvas.drawString(x0, y, chunk)
        x0 += pdfmetrics.stringWidth(chunk, font, size)
