"""Report figures: they render, are deterministic, and draw what the numbers say."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import shapely
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Group, Line, Path, Polygon, Rect, String, mmult
from reportlab.pdfbase.pdfmetrics import stringWidth
from shapely import affinity
from shapely.geometry import Point, box

from helpers.repo import EXAMPLES, shared_data
from orthofit.config.params import InsoleParams
from orthofit.geometry.build import build_insole
from orthofit.geometry.outline import FootDimensions
from orthofit.io.case_file import load_case
from orthofit.io.grid_file import load_grid
from orthofit.measure.footprint import footprint_indices, width_sections
from orthofit.measure.pressure import analyse_grid
from orthofit.model.enums import Side
from orthofit.report import diagrams as dg
from orthofit.report import figures as rf

WIDTH = 240.0
IDENTITY = (1, 0, 0, 1, 0, 0)


# --- inputs ---------------------------------------------------------------------------------


def rings_of(geom):
    return [np.asarray(p.exterior.coords) for p in getattr(geom, "geoms", [geom])]


def stepped_print():
    """Heel 0-80 mm (60 wide), midfoot 80-160 (30 wide), forefoot 160-240 (90 wide)."""
    return shapely.union_all([box(0, -30, 80, 30), box(80, -15, 160, 15), box(160, -45, 240, 45)])


def toes():
    return shapely.union_all([affinity.scale(Point(255 + 4 * k, 30 - 17 * k).buffer(1, 32), 10, 7) for k in range(5)])


@pytest.fixture(scope="session")
def prints():
    """name -> (rings, side): traced prints with toe islands, real pressure prints, a turned one."""
    case = load_case(EXAMPLES / "normal-adult.toml")
    out = {f"traced-{s.value}": (getattr(case, s.value).footprint_mm, s) for s in Side}
    for s in Side:
        g = analyse_grid(load_grid(shared_data("pressure", f"MUN104{s.value[0].upper()}.csv"), 5.0))
        assert g.side is s
        out[f"mun104-{s.value}"] = (g.outline_rings, g.side)
    turned = affinity.rotate(shapely.union_all([stepped_print(), toes()]), 14, origin=(0, 0))
    out["turned-with-toes"] = (rings_of(turned), Side.RIGHT)
    return out


@pytest.fixture(scope="session")
def insoles():
    """side -> (vertices, faces) of a fine (0.5 mm edge, ~200k faces) insole with a deep heel cup."""
    right = build_insole(
        FootDimensions.from_measurements(262, 98, 66, 190),
        InsoleParams(arch_height_mm=13, heel_cup_depth_mm=14),
        Side.RIGHT,
        edge_mm=0.5,
    )
    printed = right.drawing_solid()  # what the report draws: the thickness as a height field
    left = printed.mirrored_y()  # what build_insole does for Side.LEFT
    return {Side.RIGHT: (printed.vertices, printed.faces), Side.LEFT: (left.vertices, left.faces)}


@pytest.fixture(scope="session")
def figures(prints, insoles):
    """name -> a function making that figure afresh (for the determinism test)."""
    makers = {}
    for name, (rings, side) in prints.items():
        fp = footprint_indices(rings, side)
        makers[f"footprint-{name}"] = lambda r=rings, s=side, f=fp: rf.footprint_figure(r, f, s, WIDTH)
    for side, (v, f) in insoles.items():
        makers[f"top-{side.value}"] = lambda v=v, f=f: rf.insole_top_figure(v, f, 2 * WIDTH)
    profiles = {side: dg.edge_profiles(v, f, side) for side, (v, f) in insoles.items()}
    makers["profiles"] = lambda: dg.profiles_figure(profiles, 2 * WIDTH, PROFILE_LABELS, 20.0)
    makers["chain"] = lambda: chain({"pronation_tibial_rotation": "your feet roll in", "back_to_feet": "foot drop"})
    makers["chain-narrow"] = lambda: chain({k: "a finding" for k in rf.CHAIN_LINKS}, 300)
    makers["gauges"] = lambda: dg.gauge_figure(GAUGES, 2 * WIDTH, GAUGE_LABELS)
    return makers


PROFILE_LABELS = {
    "medial": "inner edge",
    "lateral": "outer edge",
    "centre": "dashed: the middle",
    "left": "Left insole",
    "right": "Right insole",
    "exaggeration": "heights ×{factor} (mm on the axis)",
}
GAUGE_LABELS = {"usual": "usual range", "left": "Left", "right": "Right"}
GAUGES = (
    dg.GaugeRow("Arch height, standing", 0.275, 0.356, 0.27, 0.259, "0.270", "0.259", "flatter", "higher arch"),
    dg.GaugeRow("Foot posture score", -1, 5, 8, 10, "+8", "+10", "rolls outward", "rolls inward"),
    dg.GaugeRow("How far the arch sinks", None, 10, 13, None, "13 mm", "–", "sinks less", "sinks more"),
)


def chain(applies, width=2 * WIDTH, labels=None):
    return dg.body_chain_figure(rf.CHAIN_LINKS, applies, width, {**rf.DEFAULT_LABELS, **(labels or {})})


# --- walking a drawing ----------------------------------------------------------------------


def leaves(node, transform=IDENTITY):
    """(shape, transform to the page) for every non-Group shape under ``node``."""
    for child in node.contents:
        if isinstance(child, Group):
            yield from leaves(child, mmult(transform, child.transform))
        else:
            yield child, transform


def apply(transform, xy):
    a, b, c, d, e, f = transform
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    return np.column_stack([a * xy[:, 0] + c * xy[:, 1] + e, b * xy[:, 0] + d * xy[:, 1] + f])


def line_points(line: Line) -> np.ndarray:
    return np.array([[line.x1, line.y1], [line.x2, line.y2]])


def text_box(s: String) -> tuple[float, float, float, float]:
    w = stringWidth(s.text, s.fontName, s.fontSize)
    x0 = {"start": s.x, "middle": s.x - w / 2, "end": s.x - w}[s.textAnchor]
    return x0, s.y - 0.25 * s.fontSize, x0 + w, s.y + 0.8 * s.fontSize


def same_color(a, b) -> bool:
    return a is not None and b is not None and np.allclose(a.rgb(), b.rgb(), atol=1e-6)


# --- every figure -----------------------------------------------------------------------------


@pytest.mark.shared_data  # the MUN104 pressure prints of ../shared/data
def test_every_figure_renders_to_pdf_and_png(figures):
    png = (importlib.util.find_spec("rlPyCairo") or importlib.util.find_spec("_rl_renderPM")) is not None
    for name, make in figures.items():
        drawing = make()
        assert isinstance(drawing, Drawing), name
        pdf = renderPDF.drawToString(drawing, invariant=1)
        assert pdf.startswith(b"%PDF") and len(pdf) < 400_000, name
        if png:  # renderPM needs a backend (rlPyCairo) that is not a dependency
            from reportlab.graphics import renderPM

            assert renderPM.drawToString(drawing, fmt="PNG").startswith(b"\x89PNG"), name


@pytest.mark.shared_data  # the MUN104 pressure prints of ../shared/data
def test_figures_are_deterministic(figures):
    for name, make in figures.items():
        assert renderPDF.drawToString(make(), invariant=1) == renderPDF.drawToString(make(), invariant=1), name


@pytest.mark.shared_data  # the MUN104 pressure prints of ../shared/data
def test_text_is_readable_and_inside_the_figure(figures):
    for name, make in figures.items():
        drawing = make()
        texts = [(s, t) for s, t in leaves(drawing) if isinstance(s, String)]
        assert texts, name
        for s, t in texts:
            assert t == IDENTITY, f"{name}: text {s.text!r} is inside a scaled group"
            assert s.fontName.startswith("DejaVuSans"), name
            assert 6.0 <= s.fontSize <= 9.0, (name, s.text)
            x0, y0, x1, y1 = text_box(s)
            assert -0.5 <= x0 and x1 <= drawing.width + 0.5, (name, s.text)
            assert -0.5 <= y0 and y1 <= drawing.height + 0.5, (name, s.text)


@pytest.mark.shared_data  # the MUN104 pressure prints of ../shared/data
def test_caller_labels_replace_the_defaults_in_any_script(prints, insoles):
    rings, side = prints["traced-left"]
    fp = footprint_indices(rings, side)
    words = {"heel": "Pięta", "midfoot": "Śródstopie", "forefoot": "前足", "arch_index": "Indeks łuku"}
    drawing = rf.footprint_figure(rings, fp, side, WIDTH, words)
    texts = [s.text for s, _ in leaves(drawing) if isinstance(s, String)]
    for word in ("Pięta", "Śródstopie", "前足"):
        assert word in texts
    assert any(t.startswith("Indeks łuku ") for t in texts)
    assert any(rf.DEFAULT_LABELS["staheli"] in t for t in texts)  # not given: the default
    v, f = insoles[Side.RIGHT]
    top = rf.insole_top_figure(v, f, 2 * WIDTH, {"thickness": "Grubość (mm)"})
    assert "Grubość (mm)" in [s.text for s, _ in leaves(top) if isinstance(s, String)]


# --- footprint ---------------------------------------------------------------------------------


@pytest.mark.shared_data  # the MUN104 pressure prints of ../shared/data
@pytest.mark.parametrize("name", ["traced-left", "traced-right", "mun104-left", "mun104-right", "turned-with-toes"])
def test_thirds_sit_at_one_and_two_thirds_of_the_print(prints, name):
    rings, side = prints[name]
    fp = footprint_indices(rings, side)
    drawing = rf.footprint_figure(rings, fp, side, WIDTH)
    geometry = drawing.geometry
    origin, d = np.array(fp.axis_origin_mm), np.array(fp.axis_direction)
    lines = [s for s, _ in leaves(geometry.thirds)]
    assert len(lines) == 2
    # Group coordinates are mm in the input frame: along the axis from the rear tangent point.
    s = np.sort([((line_points(ln) - origin) @ d) for ln in lines], axis=0)
    assert s[0] == pytest.approx([fp.print_length_mm / 3] * 2, abs=0.01)
    assert s[1] == pytest.approx([2 * fp.print_length_mm / 3] * 2, abs=0.01)
    # On the page the axis runs left to right (heel left), unstretched, and the thirds stand upright.
    page_d = apply(geometry.transform, [d]) - apply(geometry.transform, [[0, 0]])
    assert page_d[0, 1] == pytest.approx(0, abs=1e-9) and page_d[0, 0] > 0
    for ln in lines:
        p = apply(geometry.transform, line_points(ln))
        assert p[0, 0] == pytest.approx(p[1, 0], abs=1e-6)
    a, b, c, dd, _, _ = geometry.transform
    assert np.hypot(a, b) == pytest.approx(np.hypot(c, dd))  # 1 mm is 1 mm both ways
    # On the page: from the rear tangent point, the thirds lie 1/3 and 2/3 of the length on.
    rear = apply(geometry.transform, [origin])[0, 0]
    page = sorted(apply(geometry.transform, line_points(ln))[0, 0] for ln in lines)
    assert (np.array(page) - rear) / np.hypot(a, b) == pytest.approx(
        [fp.print_length_mm / 3, 2 * fp.print_length_mm / 3], abs=0.01
    )


@pytest.mark.shared_data  # the MUN104 pressure prints of ../shared/data
@pytest.mark.parametrize("name", ["traced-left", "mun104-right", "turned-with-toes"])
def test_width_lines_are_where_the_indices_measure(prints, name):
    rings, side = prints[name]
    fp = footprint_indices(rings, side)
    fore, mid, heel = width_sections(rings, side)
    assert (fore.width_mm, mid.width_mm, heel.width_mm) == (
        fp.forefoot_width_mm,
        fp.midfoot_min_width_mm,
        fp.heel_width_mm,
    )
    assert 2 * fp.print_length_mm / 3 - 0.5 <= fore.distance_mm <= fp.print_length_mm + 0.5
    assert fp.print_length_mm / 3 - 0.5 <= mid.distance_mm <= 2 * fp.print_length_mm / 3 + 0.5
    assert -0.5 <= heel.distance_mm <= fp.print_length_mm / 3 + 0.5
    drawing = rf.footprint_figure(rings, fp, side, WIDTH)
    drawn = [line_points(s) for s, _ in leaves(drawing.geometry.widths)]
    long = [p for p in drawn if np.linalg.norm(p[1] - p[0]) > 5]  # the ticks are short
    origin, d = np.array(fp.axis_origin_mm), np.array(fp.axis_direction)
    for sec in (fore, mid, heel):
        mine = [p for p in long if np.allclose((p - origin) @ d, sec.distance_mm, atol=0.05)]
        assert sum(np.linalg.norm(p[1] - p[0]) for p in mine) == pytest.approx(sec.width_mm, rel=1e-6)
    texts = [s.text for s, _ in leaves(drawing) if isinstance(s, String)]
    assert f"{fp.arch_index:.2f}" in " ".join(texts)
    assert any(f"{fp.chippaux_smirak_pct:.0f} %" in t for t in texts)


def test_width_sections_of_a_known_print():
    fore, mid, heel = width_sections(rings_of(stepped_print()), Side.LEFT)
    assert (fore.region, mid.region, heel.region) == ("forefoot", "midfoot", "heel")
    assert fore.width_mm == pytest.approx(90, abs=0.01) and mid.width_mm == pytest.approx(30, abs=0.01)
    assert heel.width_mm == pytest.approx(60, abs=0.01)
    assert 160 <= fore.distance_mm <= 240 and 80 <= mid.distance_mm <= 160 and heel.distance_mm <= 80
    ((a, b),) = mid.segments_mm
    assert sorted([a[1], b[1]]) == pytest.approx([-15, 15], abs=0.01)


def test_a_split_midfoot_draws_each_contact_part():
    """A midfoot touching in two strips: both are drawn, their sum is the width."""
    outer = shapely.union_all([box(0, -30, 80, 30), box(80, -30, 160, -20), box(160, -45, 240, 45)])
    strip = box(75, 18, 165, 30)  # a medial strip: with the lateral one it rings the arch gap
    rings = rings_of(outer) + rings_of(strip)
    fp = footprint_indices(rings, Side.RIGHT)
    _, mid, _ = width_sections(rings, Side.RIGHT)
    assert len(mid.segments_mm) == 2 and mid.width_mm == pytest.approx(22, abs=0.01)
    drawing = rf.footprint_figure(rings, fp, Side.RIGHT, WIDTH)
    assert len([s for s, _ in leaves(drawing.geometry.widths)]) == 3 * 4  # 4 lines: 2 parts + their 4 ticks
    assert renderPDF.drawToString(drawing, invariant=1).startswith(b"%PDF")


def test_a_midfoot_without_contact_draws_no_midfoot_width():
    rings = rings_of(box(0, -30, 80, 30)) + rings_of(box(160, -45, 240, 45))
    fp = footprint_indices(rings, Side.LEFT)
    _, mid, _ = width_sections(rings, Side.LEFT)
    assert mid.width_mm == 0 and mid.segments_mm == ()
    drawing = rf.footprint_figure(rings, fp, Side.LEFT, WIDTH)
    texts = [s.text for s, _ in leaves(drawing) if isinstance(s, String)]
    assert "0 mm" in texts and any("0 %" in t for t in texts)


# --- insole top view ---------------------------------------------------------------------------


def band_paths(drawing):
    return [s for s, _ in leaves(drawing.geometry.bands)]


def bar_colors(drawing):
    return [r.fillColor for r in drawing.color_bar.contents if isinstance(r, Rect) and r.fillColor is not None]


@pytest.mark.parametrize("side", list(Side))
def test_top_view_is_small_and_its_thickest_band_is_the_heel_cup(insoles, side):
    v, f = insoles[side]
    assert len(f) > 150_000
    drawing = rf.insole_top_figure(v, f, 2 * WIDTH)
    shapes_ = list(leaves(drawing))
    assert len(shapes_) < 3000
    assert sum(len(s.points) for s, _ in shapes_ if isinstance(s, (Path, Polygon))) < 60_000
    colors_ = bar_colors(drawing)
    assert 6 <= len(colors_) <= 10
    paths = band_paths(drawing)
    assert all(any(same_color(p.fillColor, c) for c in colors_) for p in paths)
    top = [p for p in paths if same_color(p.fillColor, colors_[-1])]
    assert top, "the thickest band is not drawn"
    xy = np.concatenate([np.reshape(p.points, (-1, 2)) for p in top])  # mm
    length = v[:, 0].max()
    assert (xy[:, 0] < 0.2 * length).mean() > 0.5  # mostly the heel cup
    assert (xy[:, 0] > 0.7 * length).sum() == 0  # never the thin forefoot
    # The heel's rear rim (x < 5 mm) is in the thickest band: its paths reach there.
    assert xy[:, 0].min() < 5


def test_top_view_geometry_is_true_to_scale_heel_left(insoles):
    v, f = insoles[Side.LEFT]
    drawing = rf.insole_top_figure(v, f, 2 * WIDTH)
    a, b, c, d, _, _ = drawing.geometry.transform
    assert a == pytest.approx(d) and a > 0 and b == c == 0
    outline = [s for s, _ in leaves(drawing.geometry) if isinstance(s, Path) and s.fillColor is None]
    assert len(outline) == 1
    xy = np.reshape(outline[0].points, (-1, 2))
    assert xy[:, 0].min() == pytest.approx(v[:, 0].min(), abs=0.01)
    assert xy[:, 1].min() == pytest.approx(v[:, 1].min(), abs=0.01)  # a left insole: medial -y
    assert xy[:, 0].max() * a + drawing.geometry.transform[4] <= drawing.width


def test_band_colours_darken_steadily():
    colors_ = rf._sequential_colors(8)
    luminance = [0.2126 * c.red + 0.7152 * c.green + 0.0722 * c.blue for c in colors_]
    assert np.all(np.diff(luminance) < 0)


def test_a_coarse_insole_has_no_holes_in_its_bands():
    ins = build_insole(FootDimensions.from_measurements(240, 92, 62, 175), InsoleParams(), Side.RIGHT, edge_mm=3.0)
    printed = ins.drawing_solid()
    drawing = rf.insole_top_figure(printed.vertices, printed.faces, 2 * WIDTH)
    covered = shapely.union_all([_path_area(p) for p in band_paths(drawing)])
    assert covered.area == pytest.approx(ins.outline.area, rel=0.01)


def _path_area(path):
    """The area a Path fills (even-odd: its rings, each begun by a moveTo, xor'ed)."""
    xy = np.reshape(path.points, (-1, 2))
    starts = [i for i, op in enumerate(o for o in path.operators if o != 3) if op == 0] + [len(xy)]
    area = shapely.Polygon()
    for a, b in zip(starts[:-1], starts[1:], strict=True):
        area = area.symmetric_difference(shapely.make_valid(shapely.Polygon(xy[a:b])))
    return area


# --- insole side view ----------------------------------------------------------------------------


def test_profiles_state_their_stretch_and_the_heel_cup_rim_stands_highest_at_the_heel(insoles):
    profiles = {side: dg.edge_profiles(v, f, side) for side, (v, f) in insoles.items()}
    drawing = dg.profiles_figure(profiles, 2 * WIDTH, PROFILE_LABELS, 20.0)
    texts = [s.text for s, _ in leaves(drawing) if isinstance(s, String)]
    assert f"heights ×{dg.PROFILE_EXAGGERATION:g} (mm on the axis)" in texts
    assert {"0", "5", "10", "15", "20 mm"} <= set(texts)
    for side in Side:
        for edge in ("medial", "lateral"):
            xy = np.reshape(getattr(drawing, f"profile_{side.value}_{edge}").points, (-1, 2))
            x0, x1 = xy[:, 0].min(), xy[:, 0].max()
            heel = xy[xy[:, 0] < x0 + 20, 1].max()
            toes = xy[xy[:, 0] > x1 - 20, 1].max()
            assert heel > toes, (side, edge)
    # the same scale for every panel: the left and right outlines are equally long
    lengths = [np.ptp(np.reshape(getattr(drawing, f"profile_{s.value}_medial").points, (-1, 2))[:, 0]) for s in Side]
    assert lengths[0] == pytest.approx(lengths[1], rel=1e-6)


# --- chain ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "highlight", [set(), {"pelvic_tilt"}, {"pronation_tibial_rotation", "back_to_feet"}, set(rf.CHAIN_LINKS)]
)
def test_chain_colours_the_links_that_apply_and_names_their_finding(highlight):
    applies = {k: f"finding {k}" for k in highlight}
    drawing = chain(applies)
    for key in rf.CHAIN_LINKS:
        group = getattr(drawing, f"link_{key}")
        strokes = [s for s, _ in leaves(group) if isinstance(s, Path)]
        assert strokes
        want = rf.ACCENT if key in highlight else rf.OTHER_LINK
        assert all(same_color(s.strokeColor, want) for s in strokes), key
        assert all((s.strokeWidth > 1) == (key in highlight) for s in strokes), key
    texts = " ".join(s.text for s, _ in leaves(drawing) if isinstance(s, String))
    for key in rf.CHAIN_LINKS:
        assert rf.DEFAULT_LABELS[key] in texts
        assert (f"(finding {key})" in texts) is (key in highlight)
    for key in ("foot", "ankle", "knee", "hip", "pelvis", "lower_back", "legend_applies", "legend_other"):
        assert rf.DEFAULT_LABELS[key] in texts


def test_chain_back_link_points_down_to_the_foot():
    drawing = chain({"back_to_feet": "foot drop"})
    texts = {s.text: s for s, _ in leaves(drawing) if isinstance(s, String)}
    foot_y, back_y = texts["Foot"].y, texts["Lower back"].y
    heads = [s for s, _ in leaves(drawing.link_back_to_feet) if isinstance(s, Polygon)]
    assert len(heads) == 1 and np.reshape(heads[0].points, (-1, 2))[:, 1].mean() == pytest.approx(foot_y, abs=12)
    assert back_y > foot_y


def test_chain_wraps_long_labels_within_the_width():
    long = {
        "high_arch_shock": "Ein hoher Fußgewölbebogen dämpft Stöße schlechter, das belastet Knie und Hüfte "
        "über viele Schritte am Tag"
    }
    drawing = chain({"high_arch_shock": "beide Füße"}, 330, long)
    lines = [
        s for s, _ in leaves(drawing) if isinstance(s, String) and s.text in long["high_arch_shock"] + " (beide Füße)"
    ]
    assert len(lines) >= 3
    assert all(text_box(s)[2] <= drawing.width for s in lines)


def test_chain_rejects_an_unknown_link():
    with pytest.raises(ValueError, match="pelvic_tilt"):
        chain({"pelvic_tlit": "x"})


def test_gauges_mark_each_value_where_it_sits_on_its_scale():
    drawing = dg.gauge_figure(GAUGES, 2 * WIDTH, GAUGE_LABELS)
    for i, row in enumerate(GAUGES):
        group = getattr(drawing, f"gauge_{i}")
        bands = [s for s, _ in leaves(group) if isinstance(s, Rect) and same_color(s.fillColor, dg.BAND_FILL)]
        (band,) = bands
        marks = {s.text: s.x for s, _ in leaves(group) if isinstance(s, String) and s.text in ("L", "R")}
        assert set(marks) == {k for k, v in (("L", row.left), ("R", row.right)) if v is not None}
        if row.low is not None and row.high is not None:  # inside the band, or on the side it is off
            for letter, value in (("L", row.left), ("R", row.right)):
                if value is None:
                    continue
                x = marks[letter]
                if value > row.high:
                    assert x > band.x + band.width - 6
                elif value < row.low:
                    assert x < band.x + 6


def test_wrapping_keeps_caption_items_whole():
    font = "DejaVuSans"
    rf.register_fonts()
    text = "Arch Index 0.22 · Chippaux-Smirak 30 % · Staheli 0.47"
    wide = rf.wrap_lines(text, 1000, 8, font, separator=" · ")
    assert wide == [text]
    narrow = rf.wrap_lines(text, 80, 8, font, separator=" · ")
    # An item too long for a line breaks at its spaces; items are joined by " · " only.
    assert narrow == ["Arch Index 0.22", "Chippaux-Smirak", "30 % · Staheli 0.47"]
    assert all(stringWidth(t, font, 8) <= 80 for t in narrow)


@pytest.mark.shared_data  # the MUN104 pressure prints of ../shared/data
def test_no_two_texts_of_a_figure_overlap(figures):
    """Issue 17: the footprint's width labels ran into each other on a narrow print; no text of
    any figure may cover another."""
    for name, make in figures.items():
        boxes = [(s.text, text_box(s)) for s, _ in leaves(make()) if isinstance(s, String) and s.text.strip()]
        for i, (ta, a) in enumerate(boxes):
            for tb, b in boxes[i + 1 :]:
                overlap_x = min(a[2], b[2]) - max(a[0], b[0])
                overlap_y = min(a[3], b[3]) - max(a[1], b[1])
                assert overlap_x <= 0.5 or overlap_y <= 0.5, f"{name}: {ta!r} overlaps {tb!r}"
