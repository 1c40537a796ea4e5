"""Lay out the report's blocks (:mod:`orthofit.report.content`) as a PDF with reportlab.

* Every text is escaped before reportlab sees it: reportlab's Paragraph parses a small
  markup language, so a name like ``<b>x</b>`` or ``A & B`` must be escaped to print as typed
  and not break the build.
* The bundled DejaVu Sans is embedded, and CJK runs use the PDF standard Asian fonts
  (:mod:`orthofit.report.fonts`), so names in any common script print.
* ``invariant`` mode: no creation date or random document id, so the same input gives the
  same bytes.

No file access: :func:`report_pdf_bytes` returns the bytes; the caller writes them.
"""

from __future__ import annotations

import io

from orthofit import __version__
from orthofit.report.content import Bullets, Figure, Heading, Notice, PageBreak, Para, ReportContent, Table
from orthofit.report.fonts import draw_string, markup

PAPERS = ("a4", "letter")
_MARGIN_MM = 18.0
_ACCENT = "#1f5f8b"
_WARN = "#b3261e"


def _styles(regular: str, bold: str) -> dict:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("body", fontName=regular, fontSize=10.5, leading=14.5, spaceAfter=5)
    return {
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName=bold,
            fontSize=19,
            leading=23,
            spaceAfter=10,
            textColor=colors.HexColor(_ACCENT),
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName=bold,
            fontSize=15,
            leading=19,
            spaceBefore=4,
            spaceAfter=8,
            textColor=colors.HexColor(_ACCENT),
            keepWithNext=1,  # a heading never ends a page alone
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=bold, fontSize=11.5, leading=15, spaceBefore=8, spaceAfter=4, keepWithNext=1
        ),
        "body": base,
        "lead": ParagraphStyle("lead", parent=base, fontSize=10, textColor=colors.HexColor("#333333")),
        "small": ParagraphStyle(
            "small", parent=base, fontSize=8, leading=10.5, spaceAfter=3, textColor=colors.HexColor("#333333")
        ),
        "grade": ParagraphStyle(
            "grade", parent=base, fontSize=8, leading=10.5, spaceAfter=10, textColor=colors.HexColor("#555555")
        ),
        "caption": ParagraphStyle(
            "caption", parent=base, fontSize=8.5, leading=11, textColor=colors.HexColor("#444444")
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5, spaceAfter=0),
        "cell_small": ParagraphStyle("cell_small", parent=base, fontSize=7, leading=8.8, spaceAfter=0),
        "cell_head": ParagraphStyle("cell_head", parent=base, fontName=bold, fontSize=9, leading=11.5, spaceAfter=0),
        "cell_head_small": ParagraphStyle(
            "cell_head_small", parent=base, fontName=bold, fontSize=7, leading=8.8, spaceAfter=0
        ),
        "notice_head": ParagraphStyle(
            "notice_head", parent=base, fontName=bold, fontSize=14, leading=18, textColor=colors.HexColor(_WARN)
        ),
    }


def _p(text: str, style):
    from reportlab.platypus import Paragraph

    return Paragraph(markup(text), style)


def _figure(block: Figure, width: float):
    from orthofit.report import figures as rf

    d = block.data
    if block.kind == "footprint":
        return rf.footprint_figure(d["rings"], d["fp"], d["side"], width, d["labels"])
    if block.kind == "insole_top":
        return rf.insole_top_figure(d["vertices"], d["faces"], width, d["labels"])
    if block.kind == "insole_side":
        return rf.insole_side_figure(d["vertices"], d["faces"], width, d["labels"])
    if block.kind == "chain":
        return rf.chain_figure(d["highlight"], width, d["labels"])
    raise ValueError(f"unknown figure kind {block.kind!r}")


def _figure_cell(block: Figure, width: float, st: dict) -> list:
    return [_figure(block, width), _p(block.caption, st["caption"])]


def _bullets(items: tuple[str, ...], style):
    from reportlab.platypus import ListFlowable, ListItem

    return ListFlowable(
        [ListItem(_p(t, style), leftIndent=12) for t in items],
        bulletType="bullet",
        start="•",
        leftIndent=12,
        bulletFontName=style.fontName,
        bulletFontSize=style.fontSize,
    )


def _flowables(content: ReportContent, st: dict, text_width: float) -> list:
    from reportlab.lib import colors
    from reportlab.platypus import KeepTogether, Spacer, TableStyle
    from reportlab.platypus import PageBreak as RLPageBreak
    from reportlab.platypus import Table as RLTable

    out: list = []
    blocks = list(content.blocks)
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if isinstance(b, Heading):
            out.append(_p(b.text, st["title" if b.level == 0 else "h1" if b.level == 1 else "h2"]))
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            if isinstance(following, Bullets):
                # reportlab's keepWithNext does not hold a heading to a list (a container), so
                # the heading and the list's first item are kept together here
                style = st[following.style]
                out[-1] = KeepTogether([out[-1], _bullets(following.items[:1], style)])
                if len(following.items) > 1:
                    out.append(_bullets(following.items[1:], style))
                out.append(Spacer(1, 4))
                i += 2
                continue
        elif isinstance(b, Para):
            out.append(_p(b.text, st[b.style]))
        elif isinstance(b, Bullets):
            out.append(_bullets(b.items, st[b.style]))
            out.append(Spacer(1, 4))
        elif isinstance(b, Notice):
            cell = [_p(b.heading, st["notice_head"])] + [_p(t, st["body"]) for t in b.lines]
            box = RLTable([[cell]], colWidths=[text_width])
            box.setStyle(
                TableStyle(
                    [
                        ("BOX", (0, 0), (-1, -1), 2, colors.HexColor(_WARN)),
                        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fdecea")),
                        ("LEFTPADDING", (0, 0), (-1, -1), 10),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                        ("TOPPADDING", (0, 0), (-1, -1), 8),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                    ]
                )
            )
            out.extend([box, Spacer(1, 10)])
        elif isinstance(b, Table):
            small = b.style == "small"
            head, cell = st["cell_head_small" if small else "cell_head"], st["cell_small" if small else "cell"]
            data = [[_p(h, head) for h in b.header]] + [[_p(c, cell) for c in row] for row in b.rows]
            t = RLTable(data, colWidths=[w * text_width for w in b.widths], repeatRows=1)
            t.setStyle(
                TableStyle(
                    [
                        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor(_ACCENT)),
                        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#cccccc")),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("TOPPADDING", (0, 0), (-1, -1), 2),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                    ]
                )
            )
            out.extend([t, Spacer(1, 6)])
        elif isinstance(b, Figure):
            # Half-width figures go two to a row.
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            if b.width_frac <= 0.5 and isinstance(following, Figure) and following.width_frac <= 0.5:
                w = 0.5 * text_width - 6
                row = [_figure_cell(b, w, st), _figure_cell(following, w, st)]
                t = RLTable([row], colWidths=[0.5 * text_width] * 2)
                t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
                out.extend([t, Spacer(1, 6)])
                i += 2
                continue
            out.append(KeepTogether(_figure_cell(b, b.width_frac * text_width, st)))
            out.append(Spacer(1, 6))
        elif isinstance(b, PageBreak):
            out.append(RLPageBreak())
        else:
            raise TypeError(f"unknown report block {type(b).__name__}")
        i += 1
    return out


def report_pdf_bytes(content: ReportContent, paper: str = "a4") -> bytes:
    """The report as PDF bytes (``paper``: "a4" or "letter")."""
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    from orthofit.config.templates import fill
    from orthofit.report.fonts import register_fonts

    regular, bold = register_fonts()
    st = _styles(regular, bold)
    size = {"a4": A4, "letter": LETTER}[paper]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=size,
        leftMargin=_MARGIN_MM * mm,
        rightMargin=_MARGIN_MM * mm,
        topMargin=_MARGIN_MM * mm,
        bottomMargin=_MARGIN_MM * mm,
        title=content.title,
        author=content.author,
        subject=content.subject,
        creator=f"orthofit {__version__}",
        producer=f"orthofit {__version__} (reportlab)",
        invariant=1,
    )

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFillColorRGB(0.4, 0.4, 0.4)
        text = fill(content.footer, page=document.page, patient=content.patient_label, date=content.date)
        draw_string(canvas, size[0] / 2.0, 10 * mm, text, 8, centred=True)
        canvas.restoreState()

    doc.build(_flowables(content, st, doc.width), onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()
