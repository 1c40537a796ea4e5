"""Figures of the two-document report: gauges, the body chain, side profiles, shaded views.

Like :mod:`orthofit.report.figures`, each function returns a reportlab ``Drawing`` of the
width asked for (points), from its arguments only (no files, no clock), so the same case
gives the same PDF bytes. Wording comes in through the arguments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Path, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from orthofit.model.enums import Side
from orthofit.report.figures import (
    ACCENT,
    FONT_SIZE,
    INK,
    MARGIN,
    MUTED_INK,
    OTHER_LINK,
    OUTLINE,
    PROFILE_FILL,
    wrap_lines,
)
from orthofit.report.fonts import register_fonts
from orthofit.report.render import DEFAULT_AZIMUTH_DEG, png_bytes, render_mesh

BAND_FILL = colors.HexColor("#cfe8d4")  # the usual range: a calm green
BAND_EDGE = colors.HexColor("#4f9a5f")
TRACK_FILL = colors.HexColor("#eeeeee")
LEFT_MARK = ACCENT
RIGHT_MARK = colors.HexColor("#c05a00")
BODY_FILL = colors.HexColor("#f1ece6")
BODY_EDGE = colors.HexColor("#8a7f73")


# --- gauges ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GaugeRow:
    """One measure on a gauge: its name, the usual range for the patient's age (either end
    may be open), the left and right values (None: not measured), their texts, and the words
    at the two ends of the scale (what a low and a high value mean).
    """

    name: str
    low: float | None
    high: float | None
    left: float | None
    right: float | None
    left_text: str
    right_text: str
    low_end: str
    high_end: str


def gauge_figure(rows: Sequence[GaugeRow], width_pt: float, labels: Mapping[str, str]) -> Drawing:
    """Each measure as a horizontal scale with the usual range shaded and the left (L) and
    right (R) values marked, so a patient sees where each value sits without a formula.

    ``labels``: ``usual`` (the band's name in the legend), ``left``, ``right``.
    """
    regular, bold = register_fonts()
    name_w = min(0.36 * width_pt, max(stringWidth(r.name, bold, FONT_SIZE + 1) for r in rows) + 8)
    x0 = MARGIN + name_w
    x1 = width_pt - MARGIN - 6
    row_h = 50.0
    legend_h = 16.0
    height = len(rows) * row_h + legend_h + 2 * MARGIN
    d = Drawing(width_pt, height)
    y = height - MARGIN
    for i, r in enumerate(rows):
        y_bar = y - 24
        g = Group()
        for k, line in enumerate(wrap_lines(r.name, name_w - 6, FONT_SIZE + 1, bold)[:2]):
            g.add(String(MARGIN, y - 12 - k * 11, line, fontName=bold, fontSize=FONT_SIZE + 1, fillColor=INK))
        pts = [v for v in (r.low, r.high, r.left, r.right) if v is not None]
        span = (max(pts) - min(pts)) or max(abs(max(pts)) * 0.5, 1.0)
        lo_d, hi_d = min(pts) - 0.45 * span, max(pts) + 0.45 * span

        def px(v: float, lo_d: float = lo_d, hi_d: float = hi_d) -> float:
            return x0 + (v - lo_d) / (hi_d - lo_d) * (x1 - x0)

        g.add(Rect(x0, y_bar - 4, x1 - x0, 8, fillColor=TRACK_FILL, strokeColor=None, strokeWidth=0, rx=4, ry=4))
        b0 = px(r.low) if r.low is not None else x0
        b1 = px(r.high) if r.high is not None else x1
        g.add(Rect(b0, y_bar - 4, b1 - b0, 8, fillColor=BAND_FILL, strokeColor=BAND_EDGE, strokeWidth=0.6))
        for bound in (r.low, r.high):
            if bound is not None:
                g.add(
                    String(
                        px(bound),
                        y_bar - 14,
                        f"{bound:g}",
                        fontName=regular,
                        fontSize=FONT_SIZE - 1,
                        fillColor=MUTED_INK,
                        textAnchor="middle",
                    )
                )
        g.add(String(x0, y_bar - 14, r.low_end, fontName=regular, fontSize=FONT_SIZE - 1, fillColor=MUTED_INK))
        g.add(
            String(
                x1,
                y_bar - 14,
                r.high_end,
                fontName=regular,
                fontSize=FONT_SIZE - 1,
                fillColor=MUTED_INK,
                textAnchor="end",
            )
        )
        marks = [(v, t, c) for v, t, c in ((r.left, "L", LEFT_MARK), (r.right, "R", RIGHT_MARK)) if v is not None]
        xs = [px(v) for v, _, _ in marks]
        if len(xs) == 2 and abs(xs[0] - xs[1]) < 11:  # equal values: the letters side by side
            mid = (xs[0] + xs[1]) / 2
            xs = [mid - 5.5, mid + 5.5] if xs[0] <= xs[1] else [mid + 5.5, mid - 5.5]
        for (value, letter, c), xm in zip(marks, xs, strict=True):
            xv = px(value)
            g.add(Line(xv, y_bar - 5, xv, y_bar + 5, strokeColor=c, strokeWidth=1.6))
            g.add(Polygon([xm, y_bar + 5, xm - 4.5, y_bar + 13, xm + 4.5, y_bar + 13], fillColor=c, strokeColor=None))
            g.add(
                String(
                    xm,
                    y_bar + 15,
                    letter,
                    fontName=bold,
                    fontSize=FONT_SIZE,
                    fillColor=c,
                    textAnchor="middle",
                )
            )
        name_lines = min(2, len(wrap_lines(r.name, name_w - 6, FONT_SIZE + 1, bold)))
        for k, text in enumerate((f"{labels['left']} {r.left_text}", f"{labels['right']} {r.right_text}")):
            g.add(
                String(
                    MARGIN,
                    y - 14 - name_lines * 11 - k * 10,
                    text,
                    fontName=regular,
                    fontSize=FONT_SIZE,
                    fillColor=INK,
                )
            )
        d.add(g, name=f"gauge_{i}")
        y -= row_h
    # Legend
    yl = MARGIN + 3
    d.add(Rect(MARGIN, yl, 16, 7, fillColor=BAND_FILL, strokeColor=BAND_EDGE, strokeWidth=0.6))
    d.add(String(MARGIN + 20, yl + 0.5, labels["usual"], fontName=regular, fontSize=FONT_SIZE, fillColor=INK))
    xl = MARGIN + 30 + stringWidth(labels["usual"], regular, FONT_SIZE)
    for letter, text, c in (("L", labels["left"], LEFT_MARK), ("R", labels["right"], RIGHT_MARK)):
        d.add(Polygon([xl + 4.5, yl, xl, yl + 8, xl + 9, yl + 8], fillColor=c, strokeColor=None))
        d.add(String(xl + 13, yl + 0.5, f"{letter} = {text}", fontName=regular, fontSize=FONT_SIZE, fillColor=INK))
        xl += 26 + stringWidth(f"{letter} = {text}", regular, FONT_SIZE)
    return d


# --- the body chain ---------------------------------------------------------------------------

#: A lower body seen from the side, facing right, in units of a 100-high box (floor at 0):
#: lower back, buttock, thigh, knee, calf, heel and foot.
_BODY = (
    (40, 100), (42, 89), (44.5, 79), (44, 70), (42.5, 60), (41, 47), (42.5, 41), (40, 35), (38.5, 22),
    (37.5, 11), (38.5, 6.5), (47, 4.5), (55, 2.5), (57, 1), (56, 0), (24.5, 0), (22.5, 2.5), (24.5, 7.5),
    (26.5, 14), (27.5, 23), (25.5, 31), (27.5, 40), (26.5, 52), (23, 64), (22, 72), (24.5, 80), (27.5, 88),
    (26, 100),
)  # fmt: skip
#: Where each node of the chain sits on the body (same units).
_NODES = {
    "lower_back": (30.0, 91.0),
    "pelvis": (33.0, 80.0),
    "hip": (34.0, 69.0),
    "knee": (34.0, 40.0),
    "ankle": (31.5, 7.0),
    "foot": (44.0, 2.5),
}
#: Each link: from node, to node, how far right of the body its arc bulges (units).
_ARCS = {
    "pronation_tibial_rotation": ("foot", "knee", 14.0),
    "high_arch_shock": ("foot", "hip", 24.0),
    "pelvic_tilt": ("hip", "pelvis", 10.0),
    "leg_length_pelvic_obliquity": ("foot", "pelvis", 34.0),
    "back_to_feet": ("lower_back", "foot", -9.0),  # down the back, left of the node names
}


def body_chain_figure(
    links: Sequence[str], applies: Mapping[str, str], width_pt: float, labels: Mapping[str, str]
) -> Drawing:
    """How the foot links to the knee, hip, pelvis and lower back, drawn on a body outline.

    Parameters
    ----------
    links : sequence of str
        Every link to list, in order (numbered from 1).
    applies : dict of str to str
        The links that apply to this patient, each with the finding that starts it: drawn
        in colour, the others thin and grey.
    width_pt : float
        Figure width, points.
    labels : dict of str to str
        Node names (``foot`` ... ``lower_back``), one text per link, ``legend_applies`` and
        ``legend_other``.

    Returns
    -------
    Drawing
        ``link_<key>`` is the Group of each link's arc.
    """
    regular, bold = register_fonts()
    unknown = (set(links) | set(applies)) - set(_ARCS)
    if unknown:
        raise ValueError(f"unknown chain link(s) {sorted(unknown)}; use {', '.join(_ARCS)}")
    body_h = 230.0
    k = body_h / 100.0
    x_body = MARGIN + 46 * k  # room for the node names and the back-to-feet arc on the left
    text_x = x_body + 50 * k
    text_w = width_pt - text_x - MARGIN
    line_h = FONT_SIZE * 1.3
    items = []
    for key in links:
        text = labels[key]
        if key in applies:
            text += f" ({applies[key]})"
        items.append((key, wrap_lines(text, text_w - 16, FONT_SIZE + 0.5, bold if key in applies else regular)))
    list_h = sum(len(w) * line_h + 6 for _, w in items)
    height = max(body_h, list_h) + 2 * MARGIN + 16
    d = Drawing(width_pt, height)
    base = MARGIN + 16  # legend below

    def at(p):
        return x_body + (p[0] - 40) * k, base + p[1] * k

    outline = [c for p in _BODY for c in at(p)]
    d.add(Polygon(outline, fillColor=BODY_FILL, strokeColor=BODY_EDGE, strokeWidth=0.8, strokeLineJoin=1))
    for node, p in _NODES.items():
        x, y = at(p)
        d.add(Circle(x, y, 3.2, fillColor=colors.white, strokeColor=BODY_EDGE, strokeWidth=0.8))
        if node == "foot":  # under the foot, the others left of the body
            tx, ty, anchor = x + 2, y - 11, "start"
        else:
            tx, ty, anchor = at((13.0, p[1]))[0], y - 3, "end"
        d.add(
            String(
                tx, ty, labels[node], fontName=regular, fontSize=FONT_SIZE - 0.5, fillColor=MUTED_INK, textAnchor=anchor
            )
        )
    for number, key in enumerate(links, start=1):
        start, end, bulge = _ARCS[key]
        strong = key in applies
        color, sw = (ACCENT, 2.0) if strong else (OTHER_LINK, 0.7)
        (xa, ya), (xb, yb) = at(_NODES[start]), at(_NODES[end])
        xc = max(xa, xb) + bulge * k if bulge > 0 else min(xa, xb) + bulge * k
        g = Group()
        p = Path(strokeColor=color, strokeWidth=sw, fillColor=None)
        p.moveTo(xa, ya)
        p.curveTo(xc, ya, xc, yb, xb, yb)
        if not strong:
            p.strokeDashArray = [2, 2]
        g.add(p)
        # the arrow head at the end node, pointing along the curve's last tangent
        tx, ty = xb - xc, 0.0
        _head(g, xb, yb, tx, ty, color, 5.0 if strong else 3.5)
        xm, ym = 0.125 * xa + 0.75 * xc + 0.125 * xb, (ya + yb) / 2
        g.add(Circle(xm, ym, 6, fillColor=color if strong else colors.white, strokeColor=color, strokeWidth=sw))
        g.add(
            String(
                xm,
                ym - 3,
                str(number),
                fontName=bold,
                fontSize=FONT_SIZE,
                textAnchor="middle",
                fillColor=colors.white if strong else MUTED_INK,
            )
        )
        d.add(g, name=f"link_{key}")
    y = height - MARGIN - FONT_SIZE - max(0.0, (body_h - list_h) / 2)
    for number, (key, lines) in enumerate(items, start=1):
        strong = key in applies
        font, color = (bold, ACCENT) if strong else (regular, MUTED_INK)
        d.add(String(text_x, y, str(number), fontName=bold, fontSize=FONT_SIZE + 0.5, fillColor=color))
        for j, line in enumerate(lines):
            d.add(String(text_x + 14, y - j * line_h, line, fontName=font, fontSize=FONT_SIZE + 0.5, fillColor=color))
        y -= len(lines) * line_h + 6
    x, y = MARGIN, MARGIN + 1
    for text, (color, sw) in ((labels["legend_applies"], (ACCENT, 2.0)), (labels["legend_other"], (OTHER_LINK, 0.7))):
        d.add(Line(x, y + 3, x + 16, y + 3, strokeColor=color, strokeWidth=sw))
        d.add(String(x + 20, y, text, fontName=regular, fontSize=FONT_SIZE, fillColor=INK))
        x += 20 + stringWidth(text, regular, FONT_SIZE) + 16
    return d


def _head(g: Group, x: float, y: float, dx: float, dy: float, color, size: float) -> None:
    n = float(np.hypot(dx, dy)) or 1.0
    ux, uy = dx / n, dy / n
    bx, by = x - ux * size, y - uy * size
    g.add(
        Polygon(
            [x, y, bx - uy * size * 0.5, by + ux * size * 0.5, bx + uy * size * 0.5, by - ux * size * 0.5],
            fillColor=color,
            strokeColor=None,
            strokeWidth=0,
        )
    )


# --- side profiles ----------------------------------------------------------------------------


def edge_profiles(vertices, faces, side: Side, step_mm: float = 2.0) -> dict[str, tuple[np.ndarray, ...]]:
    """The insole's top and bottom along its inner (medial) and outer (lateral) edges.

    Each vertex is placed across the insole's width at its station along x (0 at the
    lateral edge, 1 at the medial); the outer quarter of each side is that side's edge strip,
    and in every ``step_mm`` station the strip's highest and lowest points are its top and
    bottom.

    Returns
    -------
    dict
        ``"medial"``, ``"lateral"`` and ``"centre"`` (the middle fifth: the heel seat, where a
        heel lift shows; the edges carry the cup's rim): (x (k,), top (k,), bottom (k,)) in mm.
    """
    v = np.asarray(vertices, dtype=float)
    used = np.zeros(len(v), dtype=bool)
    used[np.asarray(faces, dtype=np.int64).ravel()] = True
    v = v[used]
    x0, x1 = float(v[:, 0].min()), float(v[:, 0].max())
    count = max(2, int(np.ceil((x1 - x0) / step_mm)))
    idx = np.minimum(((v[:, 0] - x0) / (x1 - x0) * count).astype(int), count - 1)
    ymin = np.full(count, np.inf)
    ymax = np.full(count, -np.inf)
    np.minimum.at(ymin, idx, v[:, 1])
    np.maximum.at(ymax, idx, v[:, 1])
    across = (v[:, 1] - ymin[idx]) / np.maximum(ymax[idx] - ymin[idx], 1e-9)
    if side is Side.LEFT:  # medial is -y for a left foot
        across = 1.0 - across
    centres = x0 + (np.arange(count) + 0.5) * (x1 - x0) / count
    out: dict[str, tuple[np.ndarray, ...]] = {}
    strips = (("medial", across >= 0.75), ("lateral", across <= 0.25), ("centre", np.abs(across - 0.5) <= 0.1))
    for name, strip in strips:
        top = np.full(count, -np.inf)
        bottom = np.full(count, np.inf)
        np.maximum.at(top, idx[strip], v[strip, 2])
        np.minimum.at(bottom, idx[strip], v[strip, 2])
        ok = np.isfinite(top) & np.isfinite(bottom)
        top = np.interp(centres, centres[ok], top[ok])
        bottom = np.interp(centres, centres[ok], bottom[ok])
        xs = np.concatenate([[x0], centres, [x1]])
        out[name] = (xs, np.r_[top[0], top, top[-1]], np.r_[bottom[0], bottom, bottom[-1]])
    return out


#: The profiles' vertical stretch, drawn on the axis: 2 keeps a 2 mm change visible while an
#: 18 mm cup stays in proportion. Fixed, so left and right (and two visits) compare.
PROFILE_EXAGGERATION = 2.0


def profiles_figure(
    profiles: Mapping[Side, Mapping[str, tuple[np.ndarray, ...]]],
    width_pt: float,
    labels: Mapping[str, str],
    z_top_mm: float,
) -> Drawing:
    """Side profiles of each insole, inner and outer edge: a column per foot (left, right), a
    row per edge, every panel on the same scale (heel left, mm on the height axis, the
    stretch written above), the top surface over the bottom so a heel lift shows as height
    under the heel.

    ``labels``: ``medial``, ``lateral``, ``centre`` (the dashed line's legend), ``left``,
    ``right``, ``exaggeration`` (with ``{factor}``).
    """
    regular, bold = register_fonts()
    x_len = max(float(p["medial"][0][-1] - p["medial"][0][0]) for p in profiles.values())
    axis_w = 30.0  # room for "20 mm" left of the axis
    col_w = (width_pt - 2 * MARGIN) / 2
    scale = (col_w - axis_w - 6) / x_len
    zscale = scale * PROFILE_EXAGGERATION
    panel_h = z_top_mm * zscale + 16
    height = 2 * panel_h + 2 * MARGIN + 12
    d = Drawing(width_pt, height)
    note = labels["exaggeration"].replace("{factor}", f"{PROFILE_EXAGGERATION:g}")
    d.add(
        Line(
            MARGIN,
            height - MARGIN - 5,
            MARGIN + 14,
            height - MARGIN - 5,
            strokeColor=ACCENT,
            strokeDashArray=[3, 2],
        )
    )
    d.add(
        String(MARGIN + 18, height - MARGIN - 8, labels["centre"], fontName=regular, fontSize=FONT_SIZE, fillColor=INK)
    )
    d.add(
        String(
            width_pt - MARGIN,
            height - MARGIN - 8,
            note,
            fontName=regular,
            fontSize=FONT_SIZE,
            fillColor=MUTED_INK,
            textAnchor="end",
        )
    )
    step = 5.0 if z_top_mm > 12 else 2.0
    ticks = np.arange(0.0, z_top_mm + 1e-9, step)
    for column, side in enumerate((Side.LEFT, Side.RIGHT)):
        if side not in profiles:
            continue
        left = MARGIN + column * col_w + axis_w
        for row, edge in enumerate(("medial", "lateral")):
            xs, top, bottom = profiles[side][edge]
            y_top = height - MARGIN - 12 - row * panel_h
            y_base = y_top - panel_h + 4
            px = left + (xs - xs[0]) * scale
            poly = np.concatenate(
                [
                    np.column_stack([px, y_base + top * zscale]),
                    np.column_stack([px, y_base + bottom * zscale])[::-1],
                ]
            )
            d.add(
                Line(
                    left,
                    y_base,
                    left + x_len * scale,
                    y_base,
                    strokeColor=MUTED_INK,
                    strokeWidth=0.4,
                    strokeDashArray=[2, 2],
                )
            )
            d.add(
                Polygon(
                    poly.ravel().tolist(),
                    fillColor=PROFILE_FILL,
                    strokeColor=OUTLINE,
                    strokeWidth=0.7,
                    strokeLineJoin=1,
                ),
                name=f"profile_{side.value}_{edge}",
            )
            if "centre" in profiles[side]:  # the middle's top, dashed: the heel seat and any lift
                xc, topc, _ = profiles[side]["centre"]
                pts = np.column_stack([left + (xc - xs[0]) * scale, y_base + topc * zscale]).ravel().tolist()
                d.add(
                    PolyLine(pts, strokeColor=ACCENT, strokeWidth=0.8, strokeDashArray=[3, 2]),
                    name=f"centre_{side.value}_{edge}",
                )
            title = f"{labels[side.value]}, {labels[edge]}"
            d.add(String(left + 2, y_top - 8, title, fontName=bold, fontSize=FONT_SIZE, fillColor=INK))
            d.add(Line(left - 2, y_base, left - 2, y_base + ticks[-1] * zscale, strokeColor=INK, strokeWidth=0.5))
            for t in ticks:
                yt = y_base + t * zscale
                d.add(Line(left - 4, yt, left - 2, yt, strokeColor=INK, strokeWidth=0.5))
                text = f"{t:g}" if t < ticks[-1] else f"{t:g} mm"
                d.add(
                    String(
                        left - 5,
                        yt - 2.5,
                        text,
                        fontName=regular,
                        fontSize=FONT_SIZE - 1.5,
                        fillColor=INK,
                        textAnchor="end",
                    )
                )
    return d


# --- shaded 3D views ---------------------------------------------------------------------------


def shaded_view(
    vertices,
    faces,
    width_pt: float,
    max_height_pt: float | None = None,
    cull: bool = True,
    azimuth_deg: float | None = None,
    color=(0.56, 0.72, 0.86),
) -> tuple[bytes, float, float]:
    """A shaded 3D view of a mesh (:func:`orthofit.report.render.render_mesh`) as PNG bytes
    and its size on the page (points), to scale, fitted into ``width_pt`` (and
    ``max_height_pt``). The PDF holds it as an image object (not an inline image, which some
    PDF readers' text extraction trips over).
    """
    v = np.asarray(vertices, dtype=float)
    # About 1.5 pixels per point of the printed width (108 dpi; the renderer supersamples
    # twice over), at most 2 per mm.
    extent = float(np.ptp(v[:, 0]))
    px_per_mm = float(np.clip(1.5 * width_pt / max(extent, 1.0), 0.3, 2.0))
    rgba = render_mesh(
        v, faces, px_per_mm, DEFAULT_AZIMUTH_DEG if azimuth_deg is None else azimuth_deg, cull=cull, color=color
    )
    h_px, w_px = rgba.shape[:2]
    w = width_pt
    h = w * h_px / w_px
    if max_height_pt is not None and h > max_height_pt:
        h = max_height_pt
        w = h * w_px / h_px
    return png_bytes(rgba), w, h


__all__ = [
    "GaugeRow",
    "gauge_figure",
    "body_chain_figure",
    "edge_profiles",
    "profiles_figure",
    "shaded_view",
    "PROFILE_EXAGGERATION",
    "PolyLine",
]
