"""The shaded 3D view is true to the mesh: what it covers is the mesh's projection, to scale,
and the same mesh gives the same pixels (issue 17)."""

from __future__ import annotations

import numpy as np
import shapely
import trimesh

from orthofit.report.render import png_bytes, render_mesh, view_matrix


def test_a_box_seen_from_above_covers_its_own_rectangle_to_scale():
    box = trimesh.creation.box(extents=(100.0, 40.0, 10.0))
    img = render_mesh(box.vertices, box.faces, px_per_mm=2.0, azimuth_deg=0.0, elevation_deg=89.999, margin_px=0)
    covered = img[:, :, 3] > 127
    rows, cols = np.nonzero(covered)
    assert abs((cols.max() - cols.min() + 1) - 200) <= 2  # 100 mm at 2 px/mm
    assert abs((rows.max() - rows.min() + 1) - 80) <= 2
    assert covered.mean() > 0.95  # the rectangle is filled, no holes between triangles


def test_the_covered_area_is_the_projection_of_an_insole_like_solid():
    mesh = trimesh.creation.capsule(height=150.0, radius=30.0)
    mesh.apply_scale((1.0, 0.6, 0.2))
    for az, el in ((-62.0, 32.0), (30.0, 60.0)):
        img = render_mesh(mesh.vertices, mesh.faces, px_per_mm=2.0, azimuth_deg=az, elevation_deg=el)
        p = mesh.vertices @ view_matrix(az, el).T
        shadow = shapely.union_all(shapely.polygons(p[mesh.faces][:, :, :2])).area * 4.0  # px at 2 px/mm
        area = (img[:, :, 3].astype(float) / 255).sum()
        assert abs(area - shadow) / shadow < 0.02, (az, el, area, shadow)


def test_shading_follows_the_light_and_the_picture_is_deterministic():
    box = trimesh.creation.box(extents=(50.0, 50.0, 50.0))
    a = render_mesh(box.vertices, box.faces, px_per_mm=1.0)
    b = render_mesh(box.vertices, box.faces, px_per_mm=1.0)
    assert np.array_equal(a, b) and png_bytes(a) == png_bytes(b)
    # three faces show, each one flat shade: the top (facing the light most) the brightest
    opaque = a[a[:, :, 3] == 255][:, :3].astype(int)
    shades = {tuple(c) for c in opaque}
    assert 3 <= len(shades) <= 12  # three faces (plus edge pixels averaged at the seams)


def test_an_open_surface_is_drawn_from_both_sides_when_asked():
    plane = trimesh.Trimesh(vertices=[[0, 0, 0], [50, 0, 0], [50, 50, 0], [0, 50, 0]], faces=[[0, 2, 1], [0, 3, 2]])
    culled = render_mesh(plane.vertices, plane.faces, px_per_mm=1.0)  # wound facing down: hidden
    both = render_mesh(plane.vertices, plane.faces, px_per_mm=1.0, cull=False)
    assert (culled[:, :, 3] > 0).sum() == 0 and (both[:, :, 3] > 0).sum() > 500
