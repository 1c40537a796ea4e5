"""Regenerate the report's bundled Noto font subsets in ``orthofit/data/fonts/``.

The report (:mod:`orthofit.report.fonts`) embeds DejaVu Sans for most alphabets and these
subsets for the scripts DejaVu lacks. This script is run by hand, once, when a subset is to
change; orthofit itself never needs fontTools.

Sources: the Noto fonts as the npm registry ships them in the Fontsource packages (woff2 with
TrueType ``glyf`` outlines, which reportlab needs; the Debian CJK package is CFF only). Fetch
the four pinned tarballs with the ordinary npm client into one folder::

    npm pack @fontsource/noto-sans-devanagari@5.3.0 @fontsource/noto-sans-thai@5.3.0
    npm pack @fontsource/noto-sans-kr@5.3.0 @fontsource/noto-emoji@5.3.2

and run, with ``pip install fonttools brotli`` (brotli decodes woff2)::

    python tools/subset_fonts.py FOLDER_WITH_THE_TGZ_FILES

The tarballs' SHA-256 are checked against :data:`SOURCES`; the output is byte-for-byte the
same on every run (no timestamps). What is kept:

* Devanagari (U+0900-097F, A8E0-A8FF, 1CD0-1CFF) and Thai (U+0E00-0E7F), with ZWNJ, ZWJ
  and the dotted circle, and all their layout tables (GSUB/GPOS: conjuncts, mark positions)
  so that a later switch to shaped text needs no new subset.
* Hangul: all 11,172 modern syllables (U+AC00-D7A3) and the compatibility jamo
  (U+3131-318E), not only the 2,350 of KS X 1001, so every Korean name prints; no layout
  tables (precomposed syllables need none).
* Noto Emoji (monochrome): every single-code-point emoji of the package, no layout tables
  (sequences such as skin tones, ZWJ families and flags print as their parts).

Regular weight only; hinting instructions are dropped (a PDF needs none).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "orthofit" / "data" / "fonts"

#: output file -> (npm tarball, its SHA-256, woff2 member inside it, unicode ranges, keep layout,
#: family name written into the subset's name table)
SOURCES = {
    "NotoSansDevanagari-Regular.ttf": (
        "fontsource-noto-sans-devanagari-5.3.0.tgz",
        "8d42be0e944481b61e68c7702037d4143e96bf48dbb72d19ea05d0cacc1323d5",
        "package/files/noto-sans-devanagari-devanagari-400-normal.woff2",
        [(0x0900, 0x097F), (0xA8E0, 0xA8FF), (0x1CD0, 0x1CFF), (0x200C, 0x200D), (0x25CC, 0x25CC)],
        True,
        "Noto Sans Devanagari",
    ),
    "NotoSansThai-Regular.ttf": (
        "fontsource-noto-sans-thai-5.3.0.tgz",
        "263b3705d8dd9e3a24d267b2a2832d2252c81737f7aa45eec2ae57f87e8ad7aa",
        "package/files/noto-sans-thai-thai-400-normal.woff2",
        [(0x0E00, 0x0E7F), (0x200C, 0x200D), (0x25CC, 0x25CC)],
        True,
        "Noto Sans Thai",
    ),
    "NotoSansKR-Hangul-Regular.ttf": (
        "fontsource-noto-sans-kr-5.3.0.tgz",
        "36277539698ccda64b110855eaa890d2a4737e403d225da1cbe3c90123fff602",
        "package/files/noto-sans-kr-korean-400-normal.woff2",
        [(0xAC00, 0xD7A3), (0x3131, 0x318E)],
        False,
        "Noto Sans KR",  # the package's 400 instance is misnamed "Noto Sans KR Thin"
    ),
    "NotoEmoji-Regular.ttf": (
        "fontsource-noto-emoji-5.3.2.tgz",
        "1fe49bb2cf7c2d78f93c0a69b6a431dcfd0d585b7831eba87fae6888ccf8d373",
        "package/files/noto-emoji-emoji-400-normal.woff2",
        None,  # every code point the package maps, less ASCII and Latin-1 (DejaVu has those)
        False,
        "Noto Emoji",
    ),
}
LICENSE = "LICENSE-Noto.txt"


def _read(tgz: Path, sha256: str, member: str) -> tuple[bytes, str]:
    """The member's bytes and the package's LICENSE text, after checking the tarball's hash."""
    data = tgz.read_bytes()
    got = hashlib.sha256(data).hexdigest()
    if got != sha256:
        sys.exit(f"{tgz.name}: SHA-256 {got}, expected {sha256}")
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        font = tar.extractfile(member)
        lic = tar.extractfile("package/LICENSE")
        assert font is not None and lic is not None
        return font.read(), lic.read().decode("utf-8")


def _set_names(font, family: str) -> None:
    """Name the subset ``family`` Regular (style-linking and PostScript names alike)."""
    name = font["name"]
    for nid in (16, 17):  # typographic family/subfamily: the same as 1 and 2 here
        name.removeNames(nameID=nid)
    for nid, value in (
        (1, family),
        (2, "Regular"),
        (4, f"{family} Regular"),
        (6, family.replace(" ", "") + "-Regular"),
    ):
        name.setName(value, nid, 3, 1, 0x409)
        name.setName(value, nid, 1, 0, 0)
    name.removeNames(nameID=3)
    name.setName(f"{family.replace(' ', '')}-Regular orthofit subset", 3, 3, 1, 0x409)


def subset_one(woff2: bytes, ranges, layout: bool, family: str):
    """The subset font (a fontTools TTFont, flavour TrueType) of one source."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(woff2), recalcTimestamp=False)
    font.flavor = None
    cmap = font.getBestCmap()
    if ranges is None:
        unicodes = sorted(c for c in cmap if c > 0xFF)
    else:
        unicodes = sorted(c for c in cmap if any(lo <= c <= hi for lo, hi in ranges))
    options = subset.Options()
    options.layout_features = ["*"] if layout else []
    options.hinting = False
    options.name_IDs = ["*"]  # keep the copyright, licence and URL records
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["STAT", "vhea", "vmtx", "BASE"]
    if not layout:
        options.drop_tables += ["GSUB", "GPOS", "GDEF"]
    sub = subset.Subsetter(options)
    sub.populate(unicodes=unicodes)
    sub.subset(font)
    _set_names(font, family)
    return font, len(unicodes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("src", type=Path, help="folder holding the four npm tarballs (see the docstring)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write the fonts (default {OUT})")
    args = parser.parse_args(argv)

    ofl = ""
    notices = []
    for name, (tgz, sha, member, ranges, layout, family) in SOURCES.items():
        woff2, lic = _read(args.src / tgz, sha, member)
        font, n = subset_one(woff2, ranges, layout, family)
        font.save(str(args.out / name), reorderTables=True)
        copyright_ = font["name"].getDebugName(0)
        version = font["name"].getDebugName(5)
        notices.append(f"{name}: {font['name'].getDebugName(4)} {version}, a subset ({n} code points)\n")
        notices.append(f"  of {member.rsplit('/', 1)[1]} from npm {tgz.removesuffix('.tgz')}\n")
        notices.append(f"  {copyright_}\n  Package notice: {lic.splitlines()[0]}\n\n")
        ofl = lic.split("\n", 2)[2].lstrip("\n")  # the licence text after the copyright line
        size = (args.out / name).stat().st_size
        print(f"{name}: {n} code points, {size / 1e6:.2f} MB")
    text = (
        "The Noto font subsets in this folder (made by tools/subset_fonts.py) are licensed under\n"
        "the SIL Open Font License 1.1, below. They keep the upstream font names: the only\n"
        "Reserved Font Name among them is Adobe's 'Source' (Noto Sans KR), which they do not use.\n\n"
        + "".join(notices)
        + ofl
    )
    (args.out / LICENSE).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
