"""``orthofit scan FOOT.stl``: measure a 3D foot scan and assess the foot."""

from __future__ import annotations

import argparse
import json

from orthofit.cli import options


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "scan",
        help="measure a 3D foot scan (STL, OBJ, PLY) and assess the foot",
        description="Orient a foot scan (floor, heel-to-toe axis, side), measure it with an "
        "uncertainty per measure, take its footprint indices, and assess the foot.",
    )
    p.add_argument("scan", help="scan file (.stl, .obj or .ply)")
    p.add_argument(
        "--units",
        choices=["mm", "cm", "m", "in"],
        help="the file's unit (default: inferred from the foot's size, and reported)",
    )
    options.side(p)
    p.add_argument(
        "--condition",
        choices=["standing", "sitting", "non-weight-bearing", "foam-box"],
        help="how the scan was taken; it decides which measures are valid (default: standing "
        "if the sole lies flat on the floor, else non-weight-bearing, and the output says so)",
    )
    p.add_argument(
        "--footprint-height",
        type=float,
        metavar="MM",
        help="the footprint is the sole within this height of the floor (default 2 mm)",
    )
    p.add_argument(
        "--age", type=float, metavar="YEARS", help="the patient's age, for age-specific thresholds (default: an adult)"
    )
    options.thresholds(p)
    options.json_output(p)
    options.debug(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from orthofit.io.scan_header import refuse_over_limit
    from orthofit.model.enums import ScanCondition, Side

    settings = options.settings(args)
    # A binary STL over the triangle limit is refused from its header, before numpy and the
    # measuring modules are imported (two thirds of a fresh process).
    refuse_over_limit(args.scan)
    from orthofit.pipeline.scan import scan_file

    r = scan_file(
        args.scan,
        settings,
        args.units,
        Side(args.side) if args.side else None,
        ScanCondition.parse(args.condition) if args.condition else None,
        args.footprint_height,
        args.age,
    )
    # Imported once the scan is measured: a scan refused as not a foot never needs the
    # assessment's modules (about 30 ms of a fresh process).
    from orthofit.report.summary import scan_dict, scan_text

    if args.json:
        print(json.dumps(scan_dict(r.record, r.assessment), indent=2, ensure_ascii=False, allow_nan=False))
    else:
        print(scan_text(r.record, r.assessment), end="")
    return 0
