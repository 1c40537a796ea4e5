"""The report's fonts: every character goes to the first bundled font whose character map
has it, so a name prints in the script it was typed in, and the PDF's text layer (what
copy-and-paste and ``pdftotext`` read) gives back exactly the characters typed.

Bundled in ``orthofit/data/fonts`` and embedded in every PDF (only the glyphs used), in the
order they are tried:

1. DejaVu Sans (regular and bold): Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew, Arabic
   letters and most symbols. Licence ``LICENSE-DejaVu.txt`` (Bitstream Vera licence).
2. Noto Sans Devanagari, 3. Noto Sans Thai, 4. Noto Sans KR (all 11,172 modern Hangul
   syllables and the compatibility jamo), 5. Noto Emoji (monochrome outlines): subsets made
   by ``tools/subset_fonts.py``, regular weight only (in bold text these runs print in the
   regular weight). Licence ``LICENSE-Noto.txt`` (SIL Open Font License 1.1).

Chinese characters and Japanese kana are not bundled (a Han font is tens of megabytes and a
name may use any of tens of thousands of characters); they are set in the PDF standard Asian
fonts that reportlab names and PDF readers supply (Adobe's STSong for Han, HeiseiMin for
kana), which are not embedded: a reader without them substitutes a font or shows boxes, but
the text layer holds the characters either way.

What prints imperfectly: reportlab draws one glyph per character with no shaping here
(reportlab 5 can shape with the optional uharfbuzz, but its shaped text replaces conjuncts and
reordered marks with private-use characters in the text layer, so a shaped name no longer
copies out as typed, and it shapes a word in the font of its first letter). So:

* Devanagari prints letter by letter: a conjunct shows as its consonants with a visible
  virama (न्य as न् + य), the short i sign ि stands after its consonant instead of before it,
  and a reph (र्) stands on the line. Readable, and the text layer is exact.
* Thai prints well; a tone mark above an upper vowel (as in ที่) can touch it.
* Right-to-left runs (Hebrew, Arabic) are turned round for drawing (:func:`visual_order`), so
  a Hebrew name reads right to left and ``pdftotext`` gives it back as typed; but Arabic
  letters print in their unjoined (isolated) forms, a run that wraps onto a second line is
  not re-ordered per line, and there is no full bidirectional algorithm (no embedding
  levels or isolates): right-to-left paragraphs are not supported.
* Emoji print one glyph per code point: skin tones, ZWJ families and flags show as their
  parts. Hangul typed as separate conjoining jamo (NFD) is not covered.

A character no font has keeps the current run's font and prints as that font's missing-glyph
box, but is still in the text layer. The figures' labels (:mod:`orthofit.report.figures`)
are drawn in DejaVu Sans alone, without this choice of font.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from xml.sax.saxutils import escape

FONT_DIR = Path(__file__).resolve().parents[1] / "data" / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"

#: The bundled fonts tried, in this order, for a character DejaVu Sans lacks: (reportlab
#: name, file in :data:`FONT_DIR`). Regular weight only.
FALLBACKS = (
    ("NotoSansDevanagari", "NotoSansDevanagari-Regular.ttf"),
    ("NotoSansThai", "NotoSansThai-Regular.ttf"),
    ("NotoSansKR", "NotoSansKR-Hangul-Regular.ttf"),
    ("NotoEmoji", "NotoEmoji-Regular.ttf"),
)

#: PDF standard Asian fonts (not embedded; PDF readers supply them), for Han and kana.
CJK_FONTS = {"han": "STSong-Light", "kana": "HeiseiMin-W3"}

#: Each bundled font's character map (code points), filled by :func:`register_fonts`.
_COVERAGE: dict[str, frozenset[int]] = {}

#: Marks and format characters (virama, vowel signs, ZWJ, variation selectors) stay in the
#: font of the character before them when that font has them.
_ATTACHED = {"Mn", "Mc", "Me", "Cf"}


def register_fonts() -> tuple[str, str]:
    """Register the bundled fonts with reportlab (once) and return (regular, bold) names."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if REGULAR not in _COVERAGE:
        _fix_to_unicode()
        fonts = [(REGULAR, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf"), *FALLBACKS]
        for name, file in fonts:
            font = TTFont(name, str(FONT_DIR / file))
            pdfmetrics.registerFont(font)
            if name != BOLD:
                _COVERAGE[name] = frozenset(font.face.charToGlyph)
        for name, _ in fonts:
            if name != BOLD:  # a fallback has no bold: its <b> text stays regular
                bold = BOLD if name == REGULAR else name
                addMapping(name, 0, 0, name)
                addMapping(name, 1, 0, bold)
                addMapping(name, 0, 1, name)
                addMapping(name, 1, 1, bold)
    return REGULAR, BOLD


def _fix_to_unicode() -> None:
    """Make reportlab write characters beyond U+FFFF (emoji) into a font's ToUnicode map as
    UTF-16 surrogate pairs, as PDF requires: reportlab 5.1 writes their code point as five or
    six hex digits, which readers cut to four, so 🦶 (U+1F9B6) copied out as ᾛ (U+1F9B).
    Maps of characters within U+FFFF are left to reportlab, byte for byte.
    """
    from reportlab.pdfbase import ttfonts

    original = ttfonts.makeToUnicodeCMap
    if getattr(original, "_orthofit", False):
        return

    def make_to_unicode_cmap(fontname: str, subset: list[int]) -> str:
        cmap = original(fontname, subset)
        for i, v in enumerate(subset):
            if v > 0xFFFF:
                utf16 = chr(v).encode("utf-16-be").hex().upper()
                cmap = cmap.replace(f"\n<{i:02X}> <{v:04X}>\n", f"\n<{i:02X}> <{utf16}>\n", 1)
        return cmap

    make_to_unicode_cmap._orthofit = True  # type: ignore[attr-defined]
    ttfonts.makeToUnicodeCMap = make_to_unicode_cmap


#: Brackets swapped when a right-to-left run is turned round for drawing.
_MIRROR = dict(zip("()[]{}<>«»", ")(][}{><»«", strict=True))


def visual_order(text: str) -> str:
    """``text`` with each right-to-left run (Hebrew, Arabic letters and what stands between
    two of them) turned round for drawing left to right, as the Unicode bidirectional
    algorithm shows it in a left-to-right line: PDF text is drawn in visual order, and PDF
    readers turn such runs back when they extract text. Numbers keep their order, a letter
    keeps its combining marks after it, and brackets are mirrored. Text without right-to-left
    letters is returned as it is. A run that a line break splits is not re-ordered per line.
    """
    bidi = [unicodedata.bidirectional(ch) for ch in text]
    if not any(b in ("R", "AL") for b in bidi):
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if bidi[i] not in ("R", "AL"):
            out.append(text[i])
            i += 1
            continue
        # the run: to the last strong right-to-left letter (and its marks) before a strong L
        end = i
        j = i
        while j < n and bidi[j] != "L":
            if bidi[j] in ("R", "AL"):
                end = j + 1
                while end < n and bidi[end] == "NSM":
                    end += 1
            j += 1
        units: list[str] = []  # letters with their marks, and numbers, each kept in order
        k = i
        while k < end:
            m = k + 1
            if bidi[k] in ("EN", "AN"):
                while m < end and (
                    bidi[m] in ("EN", "AN")
                    or (bidi[m] in ("CS", "ES", "ET") and m + 1 < end and bidi[m + 1] in ("EN", "AN"))
                ):
                    m += 1
            while m < end and bidi[m] in ("NSM", "BN"):
                m += 1
            unit = text[k:m]
            units.append(_MIRROR.get(unit, unit))
            k = m
        out.extend(reversed(units))
        i = end
    return "".join(out)


def _cjk_script(ch: str) -> str | None:
    """The standard Asian font's script ("han" or "kana") for ``ch``, None if neither."""
    o = ord(ch)
    if 0x3040 <= o <= 0x30FF or 0x31F0 <= o <= 0x31FF or 0xFF66 <= o <= 0xFF9F:
        return "kana"
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


#: The right-to-left letters (bidirectional class R or AL: Hebrew, Arabic, Syriac, Thaana,
#: their presentation forms, the right-to-left mark, the historic scripts of the SMP) that
#: :func:`visual_order` re-orders; text without any is drawn as it is.
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\u200f\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff]")


def _font_for(ch: str, current: str | None) -> str:
    """The font that prints ``ch`` after a run in ``current`` (None at the start)."""
    o = ord(ch)
    if current in _COVERAGE and o in _COVERAGE[current] and unicodedata.category(ch) in _ATTACHED:
        return current
    for name in (REGULAR, *(n for n, _ in FALLBACKS)):
        if o in _COVERAGE[name]:
            return name
    script = _cjk_script(ch)
    if script is not None:
        return CJK_FONTS[script]
    return current or REGULAR


def runs(text: str) -> list[tuple[str, str | None]]:
    """``text`` in drawing order (:func:`visual_order`) split into runs: (chunk, None) for
    DejaVu Sans, (chunk, font name) for a run in another font (:func:`_font_for`). Registers
    the fonts used.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    register_fonts()
    # Most texts are all in DejaVu Sans and left to right: one run, without looking at each
    # character (the per-character choice below took a third of the report's build time).
    if not text:
        return []
    if _COVERAGE[REGULAR].issuperset(map(ord, text)) and not _RIGHT_TO_LEFT.search(text):
        return [(text, None)]
    out: list[tuple[str, str]] = []
    for ch in visual_order(text):
        font = _font_for(ch, out[-1][1] if out else None)
        if out and out[-1][1] == font:
            out[-1] = (out[-1][0] + ch, font)
        else:
            if font in CJK_FONTS.values() and font not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(UnicodeCIDFont(font))
            out.append((ch, font))
    return [(chunk, None if font == REGULAR else font) for chunk, font in out]


def markup(text: str) -> str:
    """``text`` escaped for a reportlab Paragraph (so ``<b>`` or ``&`` print as typed), with
    each run DejaVu Sans lacks in a font that has it.
    """
    return "".join(
        escape(chunk) if font is None else f'<font name="{font}">{escape(chunk)}</font>' for chunk, font in runs(text)
    )


def draw_string(canvas, x: float, y: float, text: str, size: float, centred: bool = False) -> None:
    """Draw one line on a canvas with the same font choice as :func:`markup`."""
    from reportlab.pdfbase import pdfmetrics

    regular, _ = register_fonts()
    parts = [(chunk, font or regular) for chunk, font in runs(text)]
    width = sum(pdfmetrics.stringWidth(c, f, size) for c, f in parts)
    x0 = x - width / 2.0 if centred else x
    for chunk, font in parts:
        canvas.setFont(font, size)
        canvas.drawString(x0, y, chunk)
        x0 += pdfmetrics.stringWidth(chunk, font, size)
