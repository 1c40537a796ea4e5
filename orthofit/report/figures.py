"""Vector figures of the lab sheet and the patient report: the footprint and the insole's heights
from above (the gauges, body chain and side profiles are in :mod:`orthofit.report.diagrams`).

Each function returns a ``reportlab.graphics.shapes.Drawing`` of the width the caller asks
for (points), to be placed in the PDF as a platypus flowable. Nothing here reads or writes
files, and the output depends only on the arguments (no randomness, no clock), so the same
case gives the same PDF bytes.

Geometry is drawn to true scale (1 mm is the same length across and along); only the side
profile is stretched in height, and says by how much. Footprints and insoles are drawn
heel at the left, toes at the right, as seen from above (orthofit frame: mm, heel toward
x = 0, toes +x, z up, medial +y for a right foot and -y for a left one), so a right foot's
inner side is at the top of its picture and a left foot's at the bottom.

Patient wording is passed in through ``labels`` (str -> str) and merged over
:data:`DEFAULT_LABELS`. Text is drawn with reportlab ``String``, which does not parse markup,
so any Unicode a template holds prints as written (DejaVu Sans, :mod:`orthofit.report.fonts`).
"""

from __future__ import annotations

import numpy as np
import shapely
from reportlab.graphics.shapes import FILL_EVEN_ODD, Drawing, Group, Line, Path, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from shapely.geometry.base import BaseGeometry

from orthofit.measure.footprint import FootprintIndices, width_sections
from orthofit.measure.raster import run_rectangles, triangle_heights
from orthofit.model.enums import Side
from orthofit.report.fonts import register_fonts

#: Plain English defaults for every label key; a template's wording is merged over these.
DEFAULT_LABELS: dict[str, str] = {
    # footprint_figure
    "heel": "Heel",
    "midfoot": "Midfoot",
    "forefoot": "Forefoot",
    "arch_index": "Arch Index",
    "chippaux_smirak": "Chippaux-Smirak",
    "staheli": "Staheli",
    "width_legend": "widths used by Chippaux-Smirak and Staheli",
    # insole_top_figure / insole_side_figure
    "thickness": "Height (mm)",
    "side": "Seen from the side",
    "exaggeration": "height ×{factor}",
    "heel_end": "Heel",
    "toe_end": "Toes",
    # chain_figure: nodes
    "foot": "Foot",
    "ankle": "Ankle",
    "knee": "Knee",
    "hip": "Hip",
    "pelvis": "Pelvis",
    "lower_back": "Lower back",
    # chain_figure: links
    "pronation_tibial_rotation": "Foot rolls in, so the shin turns in",
    "high_arch_shock": "High arch absorbs less shock at knee and hip",
    "pelvic_tilt": "Hip position tilts the pelvis",
    "leg_length_pelvic_obliquity": "Leg-length difference tilts the pelvis sideways",
    "back_to_feet": "Lower back nerves can affect the foot (sciatica, foot drop)",
    "legend_applies": "applies to you",
    "legend_other": "other links",
}

#: The chain's links, in the order they are numbered.
CHAIN_LINKS = (
    "pronation_tibial_rotation",
    "high_arch_shock",
    "pelvic_tilt",
    "leg_length_pelvic_obliquity",
    "back_to_feet",
)
# Print-friendly colours: dark grey ink, light fills, one calm blue accent.
INK = colors.HexColor("#222222")
MUTED_INK = colors.HexColor("#707070")
PRINT_FILL = colors.HexColor("#d9d9d9")
OUTLINE = colors.HexColor("#333333")
ACCENT = colors.HexColor("#1f5fa8")
OTHER_LINK = colors.HexColor("#a6a6a6")
PROFILE_FILL = colors.HexColor("#b9cfe0")

#: Thickness colours: ColorBrewer's 9-class YlGnBu, a sequential map that darkens evenly
#: from pale yellow (thin) to deep blue (thick), so more material reads as more ink, large
#: thin areas stay light on paper, and it survives grey-scale printing and colour blindness.
PALETTE = ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58")

FONT_SIZE = 8.0
TITLE_SIZE = 9.0
MARGIN = 4.0
#: Cell size of the thickness map, mm: 1 mm is under 2 points on a page-wide figure, so the
#: band edges look smooth, and a 280 mm insole is about 30 000 cells.
TOP_CELL_MM = 1.5
#: Nice band widths for the thickness map, mm; the smallest giving at most _MAX_BANDS bands.
_BAND_STEPS_MM = (0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0, 20.0)
_MAX_BANDS = 10


def footprint_figure(
    rings,
    fp: FootprintIndices,
    side: Side,
    width_pt: float,
    labels: dict[str, str] | None = None,
    indices: bool = True,
) -> Drawing:
    """The footprint with its axis, Arch Index thirds and the widths behind CSI and Staheli.

    Parameters
    ----------
    rings : sequence of (n, 2) array_like of float
        The footprint outline(s), mm, orthofit frame; toe prints may be separate rings.
    fp : FootprintIndices
        :func:`orthofit.measure.footprint.footprint_indices` of the same rings and side.
    side : Side
        Which foot (decides where the widths are measured, as for the indices).
    width_pt : float
        Figure width, points; the height follows from the print's shape.
    labels : dict of str to str, optional
        Keys ``heel``, ``midfoot``, ``forefoot`` (the thirds), ``arch_index``,
        ``chippaux_smirak``, ``staheli`` (caption prefixes) and ``width_legend``.
    indices : bool
        Draw the widths and the indices' values (the lab sheet); without them the print and
        its thirds only (the patient report, which names no index).

    Returns
    -------
    Drawing
        Its ``geometry`` attribute is the Group drawn in the input frame (mm) whose
        ``transform`` maps mm to points; inside it ``thirds`` holds the two third boundaries
        and ``widths`` the width dimension lines.
    """
    lab = _merged(labels)
    regular, bold = register_fonts()
    polys = [_smooth_ring(np.asarray(r, dtype=float)) for r in rings]
    origin = np.asarray(fp.axis_origin_mm, dtype=float)
    d = np.asarray(fp.axis_direction, dtype=float)
    n = np.array([-d[1], d[0]])  # a rotation (not a mirror): the view stays from above
    uv = np.concatenate([(p - origin) @ np.stack([d, n], axis=1) for p in polys])
    (u0, v0), (u1, v1) = uv.min(axis=0), uv.max(axis=0)
    scale = (width_pt - 2 * MARGIN) / (u1 - u0)
    caption = wrap_lines(
        " · ".join(
            [
                f"{lab['arch_index']} {fp.arch_index:.2f}",
                f"{lab['chippaux_smirak']} {fp.chippaux_smirak_pct:.0f} %",
                f"{lab['staheli']} {fp.staheli:.2f}",
            ]
        ),
        width_pt - 2 * MARGIN,
        FONT_SIZE,
        regular,
        separator=" · ",
    )
    legend = wrap_lines(lab["width_legend"], width_pt - 2 * MARGIN - 16, FONT_SIZE, regular)
    line_h = FONT_SIZE * 1.25
    if not indices:
        caption, legend = [], []
    # Bottom up: caption, width legend, width values, print, third names.
    y_values = MARGIN + line_h * (len(caption) + len(legend)) + 2
    y_print = y_values + line_h + 2 if indices else MARGIN + 2
    y_names = y_print + (v1 - v0) * scale + 4
    drawing = Drawing(width_pt, y_names + TITLE_SIZE + MARGIN)
    # mm (input frame) -> points: rotate the axis to horizontal, heel left, then scale.
    r = scale * np.stack([d, n])
    shift = np.array([MARGIN - u0 * scale, y_print - v0 * scale]) - r @ origin
    sections = width_sections(rings, side) if indices else []
    drawing.add(_print_group(polys, fp, sections, (u0, v0, u1, v1), r, shift), name="geometry")

    def page_x(s_mm: float) -> float:
        """Page x of the point ``s_mm`` along the axis."""
        return float(r[0] @ (origin + s_mm * d) + shift[0])

    # Names of the thirds above the print; long names in a narrow figure shrink (to 6 pt at
    # least) rather than run into each other.
    length = fp.print_length_mm
    keys = ("heel", "midfoot", "forefoot")
    widest = max(stringWidth(lab[k], bold, TITLE_SIZE) for k in keys)
    size = max(6.0, min(TITLE_SIZE, TITLE_SIZE * (length / 3 * scale - 3) / widest))
    for key, s in zip(keys, length * np.array([1, 3, 5]) / 6, strict=True):
        drawing.add(
            String(page_x(s), y_names, lab[key], fontName=bold, fontSize=size, fillColor=INK, textAnchor="middle")
        )
    if not indices:
        return drawing
    _width_values(
        drawing,
        [f"{sec.width_mm:.0f} mm" for sec in sections],
        [page_x(sec.distance_mm) for sec in sections],
        y_values,
        regular,
    )
    y = y_values - line_h
    drawing.add(Line(MARGIN, y + 3, MARGIN + 12, y + 3, strokeColor=ACCENT, strokeWidth=1.2))
    _text_lines(drawing, MARGIN + 16, y, legend, regular, INK)
    _text_lines(drawing, MARGIN, y - len(legend) * line_h, caption, regular, INK)
    return drawing


def _print_group(
    polys: list[np.ndarray], fp: FootprintIndices, sections, extent, r: np.ndarray, shift: np.ndarray
) -> Group:
    """The print, its axis, the thirds and the width lines, in mm of the input frame.

    ``extent`` is (u0, v0, u1, v1), the print's bounds along and across the axis (mm); ``r``
    (2, 2) and ``shift`` (2,) map mm to points (the Group's transform).
    """
    u0, v0, u1, v1 = extent
    origin = np.asarray(fp.axis_origin_mm, dtype=float)
    d = np.asarray(fp.axis_direction, dtype=float)
    n = np.array([-d[1], d[0]])
    pt = 1.0 / np.hypot(*r[0])  # one point, in mm: strokes are scaled with the group
    group = Group(transform=(r[0, 0], r[1, 0], r[0, 1], r[1, 1], shift[0], shift[1]))
    for p in polys:
        group.add(
            Polygon(
                p.ravel().tolist(), fillColor=PRINT_FILL, strokeColor=OUTLINE, strokeWidth=0.8 * pt, strokeLineJoin=1
            )
        )
    axis = np.array([origin + (u0 - 2) * d, origin + (u1 + 2) * d])
    group.add(
        Line(*axis.ravel(), strokeColor=INK, strokeWidth=0.5 * pt, strokeDashArray=[6 * pt, 2 * pt, 1 * pt, 2 * pt]),
        name="axis",
    )
    thirds = Group()
    across = np.array([v0 - 3, v1 + 3])
    for k, s in enumerate(fp.print_length_mm * np.array([0.0, 1 / 3, 2 / 3, 1.0])):
        a, b = origin + s * d + across[:, None] * n
        if k in (1, 2):
            thirds.add(Line(*a, *b, strokeColor=INK, strokeWidth=0.9 * pt, strokeDashArray=[3 * pt, 2 * pt]))
        else:  # the rear and front tangents the thirds are measured between: lighter
            group.add(Line(*a, *b, strokeColor=MUTED_INK, strokeWidth=0.4 * pt, strokeDashArray=[1 * pt, 2 * pt]))
    group.add(thirds, name="thirds")
    widths = Group()
    tick = 2.0 * pt * d
    for sec in sections:
        for a, b in np.asarray(sec.segments_mm, dtype=float).reshape(-1, 2, 2):
            widths.add(Line(*a, *b, strokeColor=ACCENT, strokeWidth=1.2 * pt))
            for end in (a, b):
                widths.add(Line(*(end - tick), *(end + tick), strokeColor=ACCENT, strokeWidth=1.2 * pt))
    group.add(widths, name="widths")
    return group


def _width_values(drawing: Drawing, texts: list[str], xs: list[float], y: float, font: str) -> None:
    """The width values under their lines at page x ``xs``, nudged apart if they would touch,
    in smaller type (6 pt at least) when a very narrow figure cannot hold them side by side.
    """
    size = max(
        6.0,
        min(
            FONT_SIZE,
            FONT_SIZE * (drawing.width - 2 * MARGIN - 6) / sum(stringWidth(t, font, FONT_SIZE) for t in texts),
        ),
    )
    order = np.argsort(xs)
    placed = _spread(
        [xs[i] for i in order],
        [stringWidth(texts[i], font, size) for i in order],
        3.0,
        MARGIN,
        drawing.width - MARGIN,
    )
    for i, x in zip(order, placed, strict=True):
        drawing.add(String(x, y, texts[i], fontName=font, fontSize=size, fillColor=ACCENT, textAnchor="middle"))


def insole_top_figure(
    vertices,
    faces,
    width_pt: float,
    labels: dict[str, str] | None = None,
    z_range_mm: tuple[float, float] | None = None,
) -> Drawing:
    """The insole from above, coloured by thickness in bands, with a colour bar.

    Parameters
    ----------
    vertices : (n, 3) float
        The insole solid's vertices, mm, orthofit frame (bottom at z = 0, the top a height
        field, so the top's height is the thickness).
    faces : (m, 3) int
        Its triangles.
    width_pt : float
        Figure width, points.
    labels : dict of str to str, optional
        Key ``thickness``: the colour bar's title.
    z_range_mm : (float, float), optional
        The heights the colour scale spans, mm: give both insoles of a patient the same range
        so their colours compare (default: this insole's own lowest and highest top).

    Returns
    -------
    Drawing
        Its ``geometry`` attribute is a Group drawn in mm whose ``transform`` maps mm to
        points; ``bands`` (inside it) holds one Path per band, lowest first, path k
        covering where the top is at least the band's lower edge high (each drawn over the
        ones below). Its ``color_bar`` attribute is a Group whose first Rects are the bands'
        colours, in order.

    Raises
    ------
    ValueError
        No triangle lies wholly above z = 0 (not an insole solid).
    """
    lab = _merged(labels)
    regular, _ = register_fonts()
    v = np.asarray(vertices, dtype=float)
    f = np.asarray(faces, dtype=np.int64)
    on_top = v[:, 2] > 1e-6
    # Per-column tests: numpy's reductions over an axis of length 3 are several times slower.
    a, b, c = on_top[f[:, 0]], on_top[f[:, 1]], on_top[f[:, 2]]
    top = f[a & b & c]  # the top surface: no vertex on the bottom
    if len(top) == 0:
        raise ValueError("the mesh has no top surface above z = 0: is it an insole solid in mm?")
    outline = _top_outline(v, f[a.astype(np.int8) + b + c == 2], top, on_top)
    heights, grid_origin = _sample_heights(v[:, :2], v[:, 2], top, TOP_CELL_MM)
    lo, hi = z_range_mm if z_range_mm is not None else (float(v[on_top, 2].min()), float(v[on_top, 2].max()))
    levels = _band_levels(lo, hi)
    band_colors = _sequential_colors(len(levels) - 1)
    x0, y0, x1, y1 = outline.bounds
    scale = (width_pt - 2 * MARGIN) / (x1 - x0)
    line_h = FONT_SIZE * 1.25
    bar_h = 7.0
    y_ticks = MARGIN
    y_bar = y_ticks + line_h
    y_title = y_bar + bar_h + 3
    y_geom = y_title + line_h + 4
    height = y_geom + (y1 - y0) * scale + MARGIN
    drawing = Drawing(width_pt, height)
    geometry = Group(transform=(scale, 0, 0, scale, MARGIN - x0 * scale, y_geom - y0 * scale))
    bands = Group()
    # Nested layers, lowest first: layer k is where the top is at least levels[k] high, so each
    # band shows where it is not covered by the next, and no gap opens between bands.
    for k, color in enumerate(band_colors):
        region = outline if k == 0 else _layer(heights, grid_origin, TOP_CELL_MM, levels[k]).intersection(outline)
        path = _polygon_path(region, fillColor=color, strokeColor=None)
        if path is not None:
            bands.add(path)
    geometry.add(bands, name="bands")
    geometry.add(_polygon_path(outline, fillColor=None, strokeColor=OUTLINE, strokeWidth=0.8 / scale))
    drawing.add(geometry, name="geometry")
    _add_color_bar(
        drawing,
        levels,
        band_colors,
        MARGIN,
        y_bar,
        min(width_pt - 2 * MARGIN, 220.0),
        bar_h,
        lab["thickness"],
        y_title,
        y_ticks,
        regular,
    )
    return drawing


# --- helpers -------------------------------------------------------------------------------


def _merged(labels: dict[str, str] | None) -> dict[str, str]:
    return {**DEFAULT_LABELS, **(labels or {})}


def _text_lines(
    drawing: Drawing, x: float, y: float, lines: list[str], font: str, color, size: float = FONT_SIZE
) -> None:
    """Lines of text from baseline ``y`` downward."""
    for i, text in enumerate(lines):
        drawing.add(String(x, y - i * size * 1.25, text, fontName=font, fontSize=size, fillColor=color))


def wrap_lines(text: str, width: float, size: float, font: str, separator: str = " ") -> list[str]:
    """Greedy line breaking at ``separator``; a piece wider than a line is broken at its
    spaces, and a word wider than a line between characters.
    """
    tokens: list[tuple[str, str]] = []  # (text, what joins it to the token before)
    for piece in text.split(separator):
        if stringWidth(piece, font, size) <= width or " " not in piece or separator == " ":
            words = [piece]
        else:
            words = piece.split(" ")
        for k, word in enumerate(words):
            join = separator if k == 0 else " "
            while stringWidth(word, font, size) > width and len(word) > 1:
                # The longest prefix that fits (one character at least, so this ends).
                fits = np.cumsum([stringWidth(c, font, size) for c in word]) <= width
                cut = max(1, int(fits.sum()))
                tokens.append((word[:cut], join))
                word, join = word[cut:], ""
            tokens.append((word, join))
    lines = [tokens[0][0]]
    for word, join in tokens[1:]:
        if join and stringWidth(lines[-1] + join + word, font, size) <= width:
            lines[-1] += join + word
        else:
            lines.append(word)
    return lines


def _spread(centres, widths, gap: float, lo: float, hi: float) -> list[float]:
    """Centres of texts (sorted left to right) moved apart so none overlaps, kept in [lo, hi]."""
    out = list(centres)
    for i in range(len(out)):
        out[i] = max(out[i], lo + widths[i] / 2)
        if i:
            out[i] = max(out[i], out[i - 1] + (widths[i - 1] + widths[i]) / 2 + gap)
    for i in reversed(range(len(out))):
        out[i] = min(out[i], hi - widths[i] / 2)
        if i + 1 < len(out):
            out[i] = min(out[i], out[i + 1] - (widths[i + 1] + widths[i]) / 2 - gap)
    return out


def _top_outline(v: np.ndarray, wall: np.ndarray, top: np.ndarray, on_top: np.ndarray) -> BaseGeometry:
    """The insole's plan outline, from the walls: each wall triangle with two top vertices
    (``wall``, (k, 3) int) holds one edge of the top surface's border.
    """
    if len(wall):
        low = np.argmin(on_top[wall], axis=1)  # the one vertex on the bottom
        rows = np.arange(len(wall))
        a, b = wall[rows, (low + 1) % 3], wall[rows, (low + 2) % 3]
        segments = shapely.linestrings(np.stack([v[a, :2], v[b, :2]], axis=1))
        outline = shapely.union_all(shapely.get_parts(shapely.polygonize(segments)))
        if not outline.is_empty:
            return outline
    # No walls (a top surface meeting the bottom at its border): the top's own footprint.
    return shapely.union_all(shapely.polygons(v[top][:, :, :2])).buffer(0)


def _sample_heights(xy: np.ndarray, z: np.ndarray, tri: np.ndarray, pitch: float) -> tuple[np.ndarray, np.ndarray]:
    """Top height at every cell centre, by linear interpolation in the triangle holding it.

    Parameters
    ----------
    xy : (n, 2) float
        Vertex positions in plan, mm.
    z : (n,) float
        Vertex heights, mm.
    tri : (m, 3) int
        The top surface's triangles.
    pitch : float
        Cell size, mm.

    Returns
    -------
    heights : (rows, cols) float
        Cells whose centre no triangle covers take the height of the nearest covered cell,
        so that band regions run past the outline and are cut by it exactly, instead of
        stopping half a cell short. One cell of margin all round.
    origin : (2,) float
        Lower left corner of cell (0, 0), mm.
    """
    from scipy import ndimage

    heights, origin = triangle_heights(xy, z, tri, pitch)
    empty = ~np.isfinite(heights)
    if empty.all():
        return np.zeros(heights.shape), origin
    nearest = ndimage.distance_transform_edt(empty, return_distances=False, return_indices=True)
    return heights[tuple(nearest)], origin


def _band_levels(z_min: float, z_max: float) -> np.ndarray:
    """Band edges, mm: multiples of the smallest nice step giving at most _MAX_BANDS bands."""
    for step in _BAND_STEPS_MM:
        lo = np.floor(z_min / step) * step
        hi = max(np.ceil(z_max / step) * step, lo + step)
        count = int(round((hi - lo) / step))
        if count <= _MAX_BANDS:
            return lo + step * np.arange(count + 1)
    raise ValueError(f"insole heights {z_min:g}-{z_max:g} mm are out of range")


def _sequential_colors(count: int) -> list:
    """``count`` colours along :data:`PALETTE`, first to last (its middle for a single band)."""
    anchors = np.array([colors.HexColor(h).rgb() for h in PALETTE])
    t = np.linspace(0.0, 1.0, count) if count > 1 else np.array([0.5])
    pos = t * (len(anchors) - 1)
    i = np.minimum(pos.astype(int), len(anchors) - 2)
    w = (pos - i)[:, None]
    rgb = anchors[i] * (1 - w) + anchors[i + 1] * w
    # Rounded to 8 bits, so the PDF holds the same numbers on every platform.
    return [colors.Color(*(np.round(c * 255) / 255)) for c in rgb]


def _layer(heights: np.ndarray, origin: np.ndarray, pitch: float, level: float) -> BaseGeometry:
    """Where the sampled top is at least ``level`` high, without the cell staircase: cell runs
    united, simplified to within 0.8 cell (which leaves one vertex per stair flight) and the
    corners rounded by Chaikin cutting. Nothing thinner than a cell is lost, unlike with an
    opening, so the heel cup's narrow rim band stays.
    """
    cells = shapely.union_all(run_rectangles(heights >= level, pitch, origin))
    simple = cells.simplify(0.8 * pitch)
    # Each rounded polygon is made valid before the union: cutting corners can make a ring
    # touch or cross itself (seen on a finely sampled scan), and GEOS refuses to unite such
    # polygons ("side location conflict").
    polys = [
        shapely.make_valid(
            shapely.Polygon(
                _chaikin(np.asarray(p.exterior.coords)), [_chaikin(np.asarray(h.coords)) for h in p.interiors]
            )
        )
        for p in shapely.get_parts(simple)
        if p.geom_type == "Polygon" and not p.is_empty
    ]
    return shapely.make_valid(shapely.union_all(polys)) if polys else simple


def _smooth_ring(ring: np.ndarray) -> np.ndarray:
    """A footprint ring without pixel steps: a ring traced from a scan's or a grid's cells
    (many short axis-parallel edges) is simplified to within 0.6 of its step and its corners
    rounded (Chaikin); a ring typed as a few dozen points is drawn as given.
    """
    closed = ring if np.allclose(ring[0], ring[-1]) else np.vstack([ring, ring[:1]])
    seg = np.diff(closed, axis=0)
    lengths = np.hypot(seg[:, 0], seg[:, 1])
    axis_parallel = np.mean((np.abs(seg[:, 0]) < 1e-9) | (np.abs(seg[:, 1]) < 1e-9))
    if len(seg) < 60 or axis_parallel < 0.6:
        return ring
    step = float(np.median(lengths[lengths > 0]))
    simple = shapely.Polygon(closed).simplify(0.6 * step)
    if simple.is_empty or simple.geom_type != "Polygon":
        return ring
    return _chaikin(np.asarray(simple.exterior.coords), rounds=3)


def _chaikin(ring: np.ndarray, rounds: int = 2) -> np.ndarray:
    """Corner cutting of a closed ring ((k + 1, 2), first point repeated): each round
    replaces every edge by the points at 1/4 and 3/4 of it.
    """
    p = ring[:-1]
    for _ in range(rounds):
        q = np.roll(p, -1, axis=0)
        p = np.stack([0.75 * p + 0.25 * q, 0.25 * p + 0.75 * q], axis=1).reshape(-1, 2)
    return np.concatenate([p, p[:1]])


def _polygon_path(geom: BaseGeometry, **style) -> Path | None:
    """One Path for all polygons of ``geom``, holes included (even-odd fill); None if empty."""
    rings = [
        np.asarray(r.coords)[:-1]
        for g in shapely.get_parts(geom)
        if g.geom_type == "Polygon" and not g.is_empty
        for r in (g.exterior, *g.interiors)
    ]
    if not rings:
        return None
    # Operators: 0 moveTo, 1 lineTo, 3 closePath (reportlab's Path codes).
    ops = np.concatenate([np.r_[0, np.ones(len(r) - 1, dtype=int), 3] for r in rings]).tolist()
    points = np.concatenate(rings).ravel().tolist()
    return Path(points=points, operators=ops, fillMode=FILL_EVEN_ODD, strokeLineJoin=1, **style)


def _add_color_bar(
    drawing: Drawing,
    levels: np.ndarray,
    band_colors: list,
    x: float,
    y: float,
    width: float,
    height: float,
    title: str,
    y_title: float,
    y_ticks: float,
    font: str,
) -> None:
    """A horizontal bar of the bands with mm ticks at their edges (every other one if crowded)."""
    n = len(band_colors)
    w = width / n
    bar = Group()
    for i, color in enumerate(band_colors):
        bar.add(Rect(x + i * w, y, w, height, fillColor=color, strokeColor=None, strokeWidth=0))
    bar.add(Rect(x, y, width, height, fillColor=None, strokeColor=OUTLINE, strokeWidth=0.5))
    drawing.add(bar, name="color_bar")
    texts = [f"{t:g}" for t in levels]
    widest = max(stringWidth(t, font, FONT_SIZE) for t in texts)
    every = 1 if widest + 3 <= w else 2
    for i, text in enumerate(texts):
        tx = x + i * w
        drawing.add(Line(tx, y, tx, y - 2, strokeColor=OUTLINE, strokeWidth=0.5))
        if i % every == 0:
            drawing.add(
                String(tx, y_ticks, text, fontName=font, fontSize=FONT_SIZE, fillColor=INK, textAnchor="middle")
            )
    drawing.add(String(x, y_title, title, fontName=font, fontSize=FONT_SIZE, fillColor=INK))


__all__ = [
    "DEFAULT_LABELS",
    "CHAIN_LINKS",
    "footprint_figure",
    "insole_top_figure",
    "TOP_CELL_MM",
]
