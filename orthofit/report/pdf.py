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
from typing import Any

from orthofit import __version__
from orthofit.report.content import Bullets, Figure, Heading, Notice, PageBreak, Para, ReportContent, Table
from orthofit.report.fonts import draw_string, markup

PAPERS = ("a4", "letter")
_MARGIN_MM = 18.0
_ACCENT = "#1f5f8b"
_WARN = "#b3261e"


def _styles(regular: str, bold: str, accent: str = _ACCENT, scale: float = 1.0) -> dict:
    """The paragraph styles, every size and space multiplied by ``scale``."""
    styles = _base_styles(regular, bold, accent)
    if scale != 1.0:
        for style in styles.values():
            for attr in ("fontSize", "leading", "spaceBefore", "spaceAfter"):
                setattr(style, attr, getattr(style, attr) * scale)
    return styles


def _base_styles(regular: str, bold: str, accent: str) -> dict:
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
            textColor=colors.HexColor(accent),
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName=bold,
            fontSize=15,
            leading=19,
            spaceBefore=4,
            spaceAfter=8,
            textColor=colors.HexColor(accent),
            keepWithNext=1,  # a heading never ends a page alone
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=bold, fontSize=11.5, leading=15, spaceBefore=8, spaceAfter=4, keepWithNext=1
        ),
        "body": base,
        "tight": ParagraphStyle("tight", parent=base, fontSize=10, leading=13.5, spaceAfter=1),
        "tiny": ParagraphStyle(
            "tiny", parent=base, fontSize=6.8, leading=8.6, spaceAfter=1.5, textColor=colors.HexColor("#333333")
        ),
        "small_warn": ParagraphStyle(
            "small_warn", parent=base, fontName=bold, fontSize=8.5, leading=11, textColor=colors.HexColor(_WARN)
        ),
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
    from orthofit.report import diagrams as dg
    from orthofit.report import figures as rf

    d = block.data
    if block.kind == "footprint":
        return rf.footprint_figure(d["rings"], d["fp"], d["side"], width, d["labels"])
    if block.kind == "footprint_plain":
        return rf.footprint_figure(d["rings"], d["fp"], d["side"], width, d["labels"], indices=False)
    if block.kind == "insole_top":
        return rf.insole_top_figure(d["vertices"], d["faces"], width, d["labels"], d.get("z_range"))
    if block.kind == "shaded":
        from reportlab.platypus import Image

        png, w, h = dg.shaded_view(
            d["vertices"],
            d["faces"],
            width,
            max_height_pt=0.62 * width,
            cull=d["cull"],
            azimuth_deg=d.get("azimuth"),
            color=d["color"],
        )
        return Image(io.BytesIO(png), width=w, height=h)
    if block.kind == "gauges":
        return dg.gauge_figure(d["rows"], width, d["labels"])
    if block.kind == "body_chain":
        return dg.body_chain_figure(d["links"], d["applies"], width, d["labels"])
    if block.kind == "profiles":
        return dg.profiles_figure(d["profiles"], width, d["labels"], d["z_top"])
    if block.kind == "pressure":
        from orthofit.report.pressure_figure import pressure_figure

        return pressure_figure(d["pictures"], d["titles"], width, d["vmax"], d["labels"], d["names"])
    raise ValueError(f"unknown figure kind {block.kind!r}")


def _figure_cell(block: Figure, width: float, st: dict, cache: dict | None = None) -> list:
    """The figure and its caption; ``cache`` keeps a figure built for one layout for the next
    (a second, tighter layout of the same document draws the same figures).
    """
    key = (id(block), round(width, 3))
    if cache is not None and key in cache:
        fig = cache[key]
    else:
        fig = _figure(block, width)
        if cache is not None:
            cache[key] = fig
    return [fig, _p(block.caption, st["caption"])] if block.caption else [fig]


def _plain(text: str, style, width: float):
    """``text`` as a plain table cell when it fits one line in the regular font (reportlab
    draws it directly: a Paragraph costs a line-breaking pass), else as a Paragraph.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from orthofit.report.fonts import runs

    if (
        len(runs(text)) <= 1
        and "\n" not in text
        and stringWidth(text, style.fontName, style.fontSize) <= width - 2 * _CELL_PADDING
    ):
        return text
    return _p(text, style)


#: reportlab's default left and right cell padding, points.
_CELL_PADDING = 6.0


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


def _flowables(
    content: ReportContent, st: dict, text_width: float, accent: str = _ACCENT, cache: dict | None = None
) -> list:
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
        elif isinstance(b, Bullets) and b.columns == 2:
            # Two columns (the references): rows of two items, first column top to bottom.
            half = (len(b.items) + 1) // 2
            cells = [_p("• " + x, st[b.style]) for x in b.items]
            rows = [[cells[k], cells[k + half] if k + half < len(cells) else ""] for k in range(half)]
            t = RLTable(rows, colWidths=[0.5 * text_width] * 2)
            t.setStyle(
                TableStyle(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                        ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                        ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                    ]
                )
            )
            out.extend([t, Spacer(1, 4)])
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
            note = st["tiny"]
            data: list[list[Any]] = [[_p(h, head) for h in b.header]]
            for k, row in enumerate(b.rows):
                if k in b.group_rows:
                    data.append([_p(row[0], head)] + [""] * (len(row) - 1))
                elif k in b.note_rows:
                    data.append([_p(row[0], note)] + [""] * (len(row) - 1))
                else:  # a short plain cell needs no Paragraph
                    data.append([_plain(c, cell, w * text_width) for c, w in zip(row, b.widths, strict=True)])
            widths = [w * text_width for w in b.widths]
            t = RLTable(data, colWidths=widths, repeatRows=1)
            style = [
                ("FONT", (0, 1), (-1, -1), cell.fontName, cell.fontSize, cell.leading),
                ("TEXTCOLOR", (0, 1), (-1, -1), cell.textColor),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor(accent)),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#cccccc")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2 if not small else 1.2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2 if not small else 1.2),
            ]
            for k in b.group_rows:
                style += [("SPAN", (0, k + 1), (-1, k + 1)), ("BACKGROUND", (0, k + 1), (-1, k + 1), "#eef3f7")]
            for k in b.note_rows:
                style += [("SPAN", (0, k + 1), (-1, k + 1)), ("LINEBELOW", (0, k + 1), (-1, k + 1), 0, colors.white)]
            t.setStyle(TableStyle(style))
            out.extend([t, Spacer(1, 6)])
        elif isinstance(b, Figure):
            # Half-width figures go two to a row.
            following = blocks[i + 1] if i + 1 < len(blocks) else None
            if b.width_frac <= 0.5 and isinstance(following, Figure) and following.width_frac <= 0.5:
                w = 0.5 * text_width - 6
                pair = [_figure_cell(b, w, st, cache), _figure_cell(following, w, st, cache)]
                t = RLTable([pair], colWidths=[0.5 * text_width] * 2)
                t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
                out.extend([t, Spacer(1, 6)])
                i += 2
                continue
            out.append(KeepTogether(_figure_cell(b, b.width_frac * text_width, st, cache)))
            out.append(Spacer(1, 6))
        elif isinstance(b, PageBreak):
            out.append(RLPageBreak())
        else:
            raise TypeError(f"unknown report block {type(b).__name__}")
        i += 1
    return out


def _logo(data: bytes):
    """The logo as a reportlab ImageReader with its size on the page (points): at most 12 mm
    high and 45 mm wide, in the top margin of the first page.
    """
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader

    reader = ImageReader(io.BytesIO(data))
    w_px, h_px = reader.getSize()
    scale = min(12 * mm / h_px, 45 * mm / w_px)
    return reader, w_px * scale, h_px * scale


#: A document whose last page would hold less than this share of a page is laid out again in
#: slightly smaller type (:data:`_COMPACT_SCALE`), so it ends on a fuller page or one earlier.
MIN_LAST_PAGE_FILL = 0.2
_COMPACT_SCALE = 0.9


def report_pdf_bytes(content: ReportContent, paper: str = "a4") -> bytes:
    """The document as PDF bytes (``paper``: "a4" or "letter").

    A multi-page document whose last page would be nearly empty (under
    :data:`MIN_LAST_PAGE_FILL`) is laid out once more in type 10 % smaller, and the layout
    with the fuller last page (or fewer pages) is kept.
    """
    cache: dict = {}
    pdf, pages, fill = _layout(content, paper, 1.0, cache)
    if pages > 1 and fill < MIN_LAST_PAGE_FILL:
        tighter, t_pages, t_fill = _layout(content, paper, _COMPACT_SCALE, cache)
        if t_pages < pages or t_fill > fill:
            return tighter
    return pdf


def _layout(content: ReportContent, paper: str, scale: float, cache: dict) -> tuple[bytes, int, float]:
    """Lay the document out with its type scaled by ``scale``: (PDF bytes, pages, how full
    the last page is, 0 to 1).
    """
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    from orthofit.config.templates import fill
    from orthofit.report.fonts import register_fonts

    class Doc(SimpleDocTemplate):
        last = (0, 0.0)

        def afterFlowable(self, flowable):  # noqa: N802 (reportlab's hook name)
            frame = getattr(self, "frame", None)
            if frame is not None:  # none between pages
                used = (frame._y1 + frame._height - frame._topPadding - frame._y) / frame._height
                self.last = (self.page, used)

    regular, bold = register_fonts()
    clinic = content.clinic
    st = _styles(regular, bold, clinic.accent_colour, scale)
    size = {"a4": A4, "letter": LETTER}[paper]
    buf = io.BytesIO()
    doc = Doc(
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

    head = " · ".join(x for x in (clinic.name, clinic.address, clinic.phone) if x)
    logo = _logo(clinic.logo) if clinic.logo else None

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFillColorRGB(0.4, 0.4, 0.4)
        text = fill(content.footer, page=document.page, patient=content.patient_label, date=content.date)
        draw_string(canvas, size[0] / 2.0, 10 * mm, text, 8, centred=True)
        if head:  # the clinic on every page head, in its colour
            from reportlab.lib import colors

            canvas.setFillColor(colors.HexColor(clinic.accent_colour))
            draw_string(canvas, _MARGIN_MM * mm, size[1] - 11 * mm, head, 8)
        if logo is not None and document.page == 1:
            reader, w, h = logo
            canvas.drawImage(reader, size[0] - _MARGIN_MM * mm - w, size[1] - 4 * mm - h, w, h, mask="auto")
        canvas.restoreState()

    flowables = _flowables(content, st, doc.width, clinic.accent_colour, cache)
    doc.build(flowables, onFirstPage=footer, onLaterPages=footer)
    page, used = doc.last
    return buf.getvalue(), page, used
