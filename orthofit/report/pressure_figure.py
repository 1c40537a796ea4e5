"""The maximum-pressure picture of a walking recording, for the lab sheet and the report.

Each sensor is drawn as the cell it is, in the foot's frame (heel at the left, toes at the
right, a right foot's inner side at the top, as every figure of :mod:`orthofit.report.figures`),
coloured by its highest pressure on one scale for every picture set side by side; the
centre-of-pressure path of the representative step is drawn over it, and the regions'
borders and names when asked. A pedar insole has no sensor positions, so its numbered
sensors are drawn on their schematic grid, and the figure says so.

The colours are ColorBrewer's YlOrRd, a sequential scale that darkens evenly from pale yellow
(low) to dark red (high), so more pressure reads as more ink and the picture survives grey-scale
printing and colour blindness.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from reportlab.graphics.shapes import Circle, Drawing, Group, Polygon, PolyLine, Rect, String
from reportlab.lib import colors

from orthofit.measure.walking.analysis import COP_FORCE_SHARE, WalkAnalysis
from orthofit.measure.walking.regions import Region
from orthofit.report.figures import FONT_SIZE, INK, MARGIN, MUTED_INK, OUTLINE
from orthofit.report.fonts import register_fonts

#: ColorBrewer YlOrRd, 9 classes.
PRESSURE_PALETTE = ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026")
#: Short names of the regions on the lab sheet's picture.
SHORT = {
    Region.HEEL_MEDIAL: "heel M",
    Region.HEEL_LATERAL: "heel L",
    Region.MIDFOOT: "midfoot",
    Region.MTH1: "MTH1",
    Region.MTH2_3: "MTH2-3",
    Region.MTH4_5: "MTH4-5",
    Region.HALLUX: "hallux",
    Region.LESSER_TOES: "toes",
}
#: Schematic cell of a pedar insole, mm (along, across) [D]: a 26 cm insole's rows and columns.
PEDAR_CELL_MM = (17.0, 13.0)
_BAR_STEPS = 48


def nice_max(kpa: float) -> float:
    """The top of the colour scale: ``kpa`` rounded up to a step of 50 (100 above 500)."""
    step = 100.0 if kpa > 500 else 50.0
    return max(step, math.ceil(kpa / step) * step)


def picture_data(walk: WalkAnalysis) -> dict[str, Any]:
    """What :func:`pressure_figure` draws for one foot: each loaded cell's corners in the
    foot's frame (mm) and its pressure, the centre-of-pressure path, the regions' borders and
    label places.
    """
    step = walk.step
    values = np.nan_to_num(walk.max_kpa)
    rows, cols = values.shape
    schematic = step.sensor_xy_mm is None
    corners = _corners(rows, cols, walk, schematic)  # (rows + 1, cols + 1, 2)
    loaded = values > 0
    r, c = np.nonzero(loaded)
    quads = np.stack([corners[r, c], corners[r, c + 1], corners[r + 1, c + 1], corners[r + 1, c]], axis=1)
    edges: list[np.ndarray] = []
    region = step.region_map
    for dr, dc in ((0, 1), (1, 0)):
        a = region[: rows - dr, : cols - dc]
        b = region[dr:, dc:]
        rr, cc = np.nonzero((a != b) & (a >= 0) & (b >= 0))
        if dc:  # neighbours across a column border: the edge x = c + 1
            p0, p1 = corners[rr, cc + 1], corners[rr + 1, cc + 1]
        else:
            p0, p1 = corners[rr + 1, cc], corners[rr + 1, cc + 1]
        edges.extend(np.stack([p0, p1], axis=1))
    centres = 0.25 * (corners[:-1, :-1] + corners[1:, :-1] + corners[:-1, 1:] + corners[1:, 1:])
    names = []
    for k, reg in enumerate(Region):
        cells = region == k
        if cells.any():
            at = centres[cells].mean(axis=0)
            names.append((SHORT[reg], float(at[0]), float(at[1])))
    cop = None
    if step.cop_mm is not None and step.force_n is not None:
        keep = step.force_n >= COP_FORCE_SHARE * step.force_n.max()
        path = step.cop_mm[keep]
        cop = path[~np.isnan(path).any(axis=1)]
    return {
        "quads": quads,
        "values": values[r, c],
        "edges": np.asarray(edges).reshape(-1, 2, 2),
        "names": names,
        "cop": cop,
        "schematic": schematic,
        "side": walk.side,
        "peak": float(values.max()),
    }


def _corners(rows: int, cols: int, walk: WalkAnalysis, schematic: bool) -> np.ndarray:
    """Cell corners in the foot's frame, (rows + 1, cols + 1, 2) mm."""
    rr, cc = np.mgrid[0 : rows + 1, 0 : cols + 1]
    if schematic:
        along, across = PEDAR_CELL_MM
        # row 0 is the heel; the medial column (west for a right insole, east for a left)
        # goes to +y for a right foot and -y for a left one: y = (middle - column) x across
        return np.stack([rr * along, (cols / 2.0 - cc) * across], axis=-1).astype(float)
    fp = walk.step.footprint
    assert fp is not None and fp.frame is not None
    # the recording's cell size is not kept in the analysis; it is the distance between
    # neighbouring sensor centres
    xy = walk.step.sensor_xy_mm
    assert xy is not None
    pc = float(np.hypot(*(xy[0, 1] - xy[0, 0]))) if cols > 1 else 5.0
    pr = float(np.hypot(*(xy[1, 0] - xy[0, 0]))) if rows > 1 else pc
    plan = np.stack([cc * pc, rr * pr], axis=-1).reshape(-1, 2).astype(float)
    return fp.frame.apply(plan).reshape(rows + 1, cols + 1, 2)


def colours(values: np.ndarray, vmax: float) -> list:
    """Colours of ``values`` (kPa) on the scale 0..``vmax``, rounded to 8 bits per channel."""
    anchors = np.array([colors.HexColor(h).rgb() for h in PRESSURE_PALETTE])
    t = np.clip(np.asarray(values, dtype=float) / vmax, 0.0, 1.0) * (len(anchors) - 1)
    i = np.minimum(t.astype(int), len(anchors) - 2)
    w = (t - i)[:, None]
    rgb = np.round((anchors[i] * (1 - w) + anchors[i + 1] * w) * 255) / 255
    return [colors.Color(*c) for c in rgb]


def pressure_figure(
    pictures: list[dict[str, Any]], titles: list[str], width_pt: float, vmax: float, labels: dict[str, str], names: bool
) -> Drawing:
    """Pictures side by side on one kPa scale, with a colour bar below.

    Parameters
    ----------
    pictures : list of dict
        :func:`picture_data` of each foot or recording.
    titles : list of str
        One title per picture ("Left foot", "Before").
    vmax : float
        Top of the colour scale, kPa (:func:`nice_max` of the highest picture).
    labels : dict
        ``scale`` (the bar's title, with {unit}), ``path`` (the path's legend), ``schematic``
        (the note under a pedar picture).
    names : bool
        Draw the regions' names (the lab sheet).
    """
    regular, bold = register_fonts()
    n = len(pictures)
    gap = 10.0
    cell_w = (width_pt - 2 * MARGIN - gap * (n - 1)) / n
    spans = []
    for pic in pictures:
        pts = pic["quads"].reshape(-1, 2)
        spans.append((pts.min(axis=0), pts.max(axis=0)))
    scale = min(cell_w / max(hi[0] - lo[0], 1.0) for lo, hi in spans)
    tallest = max((hi[1] - lo[1]) * scale for lo, hi in spans)
    bar_h, line = 7.0, FONT_SIZE * 1.3
    legend_h = line * 2 + bar_h + 3 + FONT_SIZE + 4  # tick values, bar, its title
    notes = any(p["schematic"] for p in pictures)
    height = MARGIN + legend_h + (line if notes else 0) + tallest + line + MARGIN
    d = Drawing(width_pt, height)
    y0 = MARGIN + legend_h + (line if notes else 0)
    for k, (pic, (lo, hi), title) in enumerate(zip(pictures, spans, titles, strict=True)):
        x0 = MARGIN + k * (cell_w + gap) + (cell_w - (hi[0] - lo[0]) * scale) / 2
        base_y = y0 + (tallest - (hi[1] - lo[1]) * scale) / 2

        def page(p: np.ndarray, lo=lo, x0=x0, base_y=base_y) -> np.ndarray:
            return np.column_stack([x0 + (p[:, 0] - lo[0]) * scale, base_y + (p[:, 1] - lo[1]) * scale])

        g = Group()
        for quad, colour in zip(pic["quads"], colours(pic["values"], vmax), strict=True):
            g.add(Polygon(page(quad).ravel().tolist(), fillColor=colour, strokeColor=colour, strokeWidth=0.2))
        for seg in pic["edges"] if names else ():
            a, b = page(seg)
            g.add(PolyLine([a[0], a[1], b[0], b[1]], strokeColor=MUTED_INK, strokeWidth=0.5))
        cop = pic["cop"]
        if cop is not None and len(cop) > 1:
            pts = page(cop)
            g.add(PolyLine(pts.ravel().tolist(), strokeColor=INK, strokeWidth=1.1))
            g.add(Circle(pts[0, 0], pts[0, 1], 1.8, fillColor=INK, strokeColor=None))
        if names:
            for text, x, y in pic["names"]:
                p = page(np.array([[x, y]]))[0]
                g.add(
                    String(p[0], p[1] - 2.5, text, fontName=regular, fontSize=6.0, fillColor=INK, textAnchor="middle")
                )
        d.add(g, name=f"picture_{k}")
        d.add(
            String(
                MARGIN + k * (cell_w + gap) + cell_w / 2,
                y0 + tallest + 4,
                title,
                fontName=bold,
                fontSize=FONT_SIZE,
                fillColor=INK,
                textAnchor="middle",
            )
        )
    # The colour bar and the path's legend.
    bar_w = min(width_pt - 2 * MARGIN, 220.0)
    y_bar = MARGIN + line * 2
    steps = np.linspace(0, vmax, _BAR_STEPS + 1)
    w = bar_w / _BAR_STEPS
    for i, colour in enumerate(colours(0.5 * (steps[:-1] + steps[1:]), vmax)):
        d.add(Rect(MARGIN + i * w, y_bar, w + 0.1, bar_h, fillColor=colour, strokeColor=None, strokeWidth=0))
    d.add(Rect(MARGIN, y_bar, bar_w, bar_h, fillColor=None, strokeColor=OUTLINE, strokeWidth=0.5))
    tick = 100.0 if vmax > 400 else 50.0
    for v in np.arange(0, vmax + 1e-9, tick):
        x = MARGIN + v / vmax * bar_w
        d.add(PolyLine([x, y_bar, x, y_bar - 2], strokeColor=OUTLINE, strokeWidth=0.5))
        d.add(
            String(
                x,
                y_bar - 2 - FONT_SIZE,
                f"{v:g}",
                fontName=regular,
                fontSize=FONT_SIZE,
                fillColor=INK,
                textAnchor="middle",
            )
        )
    d.add(String(MARGIN, y_bar + bar_h + 3, labels["scale"], fontName=regular, fontSize=FONT_SIZE, fillColor=INK))
    lx = MARGIN + bar_w + 16
    if lx + 60 < width_pt and any(p["cop"] is not None for p in pictures):
        d.add(PolyLine([lx, y_bar + 3, lx + 14, y_bar + 3], strokeColor=INK, strokeWidth=1.1))
        d.add(Circle(lx, y_bar + 3, 1.8, fillColor=INK, strokeColor=None))
        d.add(String(lx + 18, y_bar, labels["path"], fontName=regular, fontSize=FONT_SIZE, fillColor=INK))
    if notes:
        d.add(
            String(
                MARGIN,
                MARGIN + legend_h,
                labels["schematic"],
                fontName=regular,
                fontSize=FONT_SIZE,
                fillColor=MUTED_INK,
            )
        )
    return d


__all__ = ["picture_data", "pressure_figure", "nice_max", "colours", "PRESSURE_PALETTE"]
