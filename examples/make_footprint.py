"""Draw a synthetic footprint outline for the example cases (not part of the library).

A heel disk, a forefoot ellipse, a lateral midfoot band of the chosen width and, optionally,
five toe prints as separate islands; right-foot frame (medial +y), mirrored for a left foot.
Usage: python examples/make_footprint.py LENGTH_MM BALL_MM HEEL_MM MIDFOOT_MM SIDE [--toes]
prints a TOML ``footprint_mm = ...`` line.
"""

import sys

import shapely
from shapely.affinity import scale
from shapely.geometry import LineString, Point


def footprint(length, ball, heel, mid, side="right", toes=True):
    body = 0.78 * length  # toe-free print, about 78 % of foot length
    h = Point(heel / 2, -0.05 * ball).buffer(heel / 2, 64)
    f = scale(Point(body - 0.16 * length, 0.0).buffer(1.0, 64), 0.16 * length, ball / 2)
    hull = shapely.union_all([h, f]).convex_hull
    # The medial arch: an elliptical cut from the medial border leaving `mid` mm of midfoot.
    cx = 0.47 * body
    probe = hull.intersection(LineString([(cx, -500), (cx, 500)]))
    y_lat, y_med = probe.bounds[1], probe.bounds[3]
    ry, rx = 80.0, 0.30 * body
    cut = scale(Point(cx, y_med + ry - (y_med - y_lat - mid)).buffer(1.0, 128), rx, ry)
    parts = [hull.difference(cut)]
    if toes:
        gap = 5.0
        for dy, r, reach in [
            (0.30, 0.14, 0.17),
            (0.07, 0.08, 0.16),
            (-0.09, 0.07, 0.14),
            (-0.23, 0.065, 0.12),
            (-0.36, 0.06, 0.10),
        ]:
            cx = body + gap + reach * length * 0.45
            parts.append(scale(Point(cx, dy * ball).buffer(1.0, 32), reach * length * 0.45, r * ball))
    if side == "left":
        parts = [scale(p, 1, -1, origin=(0, 0)) for p in parts]
    flat = [g for p in parts for g in getattr(p, "geoms", [p])]
    return [g.simplify(0.3) for g in flat]


def to_toml(parts):
    rings = [[[round(x, 1), round(y, 1)] for x, y in p.exterior.coords[:-1]] for p in parts]
    if len(rings) == 1:
        return "footprint_mm = " + str(rings[0])
    return "footprint_mm = [\n" + ",\n".join("  " + str(r) for r in rings) + ",\n]"


if __name__ == "__main__":
    L, B, H, M = (float(a) for a in sys.argv[1:5])
    print(to_toml(footprint(L, B, H, M, sys.argv[5], "--toes" in sys.argv)))
