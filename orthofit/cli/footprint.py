"""``orthofit footprint GRID --pitch MM``: measure a footprint or pressure grid."""

from __future__ import annotations

import argparse
import json

from orthofit.cli import options


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "footprint",
        help="measure a footprint or pressure grid (CSV or PNG)",
        description="Arch Index, Chippaux-Smirak, Staheli and Clarke's angle from a footprint "
        "grid, and a static CPEI proxy from pressures. CSV: one line per grid row, "
        "0 = no contact, row 0 at the bottom; PNG: a picture of the print.",
    )
    p.add_argument("grid", help="footprint or pressure grid (.csv or .png)")
    p.add_argument("--pitch", type=float, required=True, metavar="MM", help="cell size in mm")
    options.side(p)
    p.add_argument(
        "--threshold", type=float, default=0.0, help="cells above this value are in contact (grid units; default 0)"
    )
    options.json_output(p)
    options.debug(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from orthofit.model.enums import Side
    from orthofit.pipeline.footprint import footprint_file
    from orthofit.report.summary import grid_footprint_dict, grid_footprint_text

    result = footprint_file(args.grid, args.pitch, Side(args.side) if args.side else None, args.threshold)
    if args.json:
        print(json.dumps(grid_footprint_dict(result), indent=2, allow_nan=False))
    else:
        print(grid_footprint_text(result), end="")
    return 0
