"""Issue 15: every example's insoles drawn from the side, from above and from below
(benchmarks/render_insoles.py, the picture a podiatrist looks at), and the side view's shape:
a heel cup, an arch dome rising above the heel seat, a thin forefoot."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from helpers.repo import EXAMPLES, ROOT
from helpers.steps import assess_case, settings
from orthofit.config.shoes import shoe_spec
from orthofit.geometry.budget import surface_z
from orthofit.geometry.construction import footbed_height
from orthofit.geometry.field import SurfaceContext
from orthofit.io.case_file import load_case
from orthofit.model.enums import Side
from orthofit.pipeline.insoles import make_insoles


def _renderer():
    spec = importlib.util.spec_from_file_location("render_insoles", ROOT / "benchmarks" / "render_insoles.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow  # about 10 s: three examples drawn
@pytest.mark.parametrize("example", ["normal-adult", "flat-pronated-adult", "scanned-adult"])
def test_an_examples_insoles_are_drawn_three_ways(tmp_path, example):
    from PIL import Image

    render = _renderer()
    code = render.main(["--out", str(tmp_path), "--examples", str(EXAMPLES / f"{example}.toml")])
    assert code == 0
    png = tmp_path / f"{example}.png"
    picture = np.asarray(Image.open(png).convert("L"))
    assert picture.shape[0] > 1000 and picture.shape[1] > 800
    # six views (two insoles x side, top, bottom), each a filled shape, not an empty frame
    assert (picture < 200).mean() > 0.15


@pytest.mark.parametrize("example", ["normal-adult", "flat-pronated-adult", "high-arch-supinated-adult"])
def test_from_the_side_a_heel_cup_an_arch_dome_and_a_thin_forefoot(example):
    """Along the medial arch line: the cup's rim stands above the heel seat, the arch's top above
    the heel seat, and the forefoot is thin, all above the shoe's footbed."""
    out = make_insoles(assess_case(load_case(EXAMPLES / f"{example}.toml")), settings(), [Side.RIGHT])[0]
    ins = out.insole
    ctx = SurfaceContext.build(ins.outline, ins.foot)
    length = ins.foot.foot_length_mm
    medial = float(np.interp(0.42 * length, ctx.border_x, ctx.border_medial))
    mid = float(np.interp(0.125 * length, ctx.border_x, (ctx.border_medial + ctx.border_lateral) / 2))
    pts = np.array(
        [
            [ins.params.rim_radius_mm + 1.0, mid],  # the heel cup's rim at the back
            [0.125 * length, mid],  # the heel seat's centre
            [0.42 * length, medial - 10.0],  # the arch apex, 10 mm in from the medial border
            [0.80 * length, 0.0],  # the forefoot
        ]
    )
    top, _ = surface_z(ins.solid.vertices, ins.solid.faces, pts)
    rim, seat, arch, fore = top - footbed_height(pts, ctx, shoe_spec(ins.params.shoe))
    assert rim > seat + 5.0  # a heel cup
    assert arch > seat + 3.0  # an arch dome rising above the heel seat
    assert fore < 4.0  # a thin forefoot
