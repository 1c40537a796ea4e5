"""``orthofit insole CASE --out DIR``: prescribe, build and write each foot's STL and 3MF."""

from __future__ import annotations

import argparse

from orthofit.cli import options


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "insole",
        help="prescribe and build the insoles of a case (STL and 3MF)",
        description="Prescribe an insole for each foot from its assessment and a profile, "
        "build it as a checked solid and write DIR/<id>-<side>.stl, .3mf (the insole alone) and .prusa.3mf "
        "(PrusaSlicer's project with the stiffness zones and print settings).",
    )
    options.case(p)
    options.out_dir(p)
    options.profile(p)
    p.add_argument("--side", choices=["left", "right", "both"], default="both")
    p.add_argument("--length", choices=["full", "sulcus", "3/4"], help="insole length (default: the profile's)")
    options.force(p, "replace this case's insole files from an earlier run")
    options.overrides(p)
    options.slicer(p)
    options.thresholds(p)
    p.add_argument(
        "--shoe-size",
        metavar="SYSTEM:SIZE",
        help="make the insole as long as this shoe (eu:42, uk:8, us-men:9, us-women:10, "
        "mondopoint:265) instead of foot length + allowance",
    )
    p.add_argument(
        "--shoe-inside",
        metavar="LENGTHxWIDTH",
        help="the shoe's inside length and ball width in mm (e.g. 270x98): the insole must fit it "
        "(default: a shoe of the profile's shoe type fitted to the foot; --set shoe=athletic|everyday|dress|boot)",
    )
    p.add_argument("--fine", action="store_true", help="fine mesh (0.5 mm edges) instead of 1.5 mm")
    options.debug(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from orthofit.model.enums import Side
    from orthofit.pipeline.insoles import insole_job
    from orthofit.report.summary import insole_text

    sides = list(Side) if args.side == "both" else [Side(args.side)]
    results, written, not_needed = insole_job(args.case, options.settings(args), sides, args.out, args.force)
    print(insole_text(results, written, not_needed), end="")
    return 0
