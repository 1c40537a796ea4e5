"""``orthofit pressure FILE``: read a walking pressure recording and analyse each foot in it."""

from __future__ import annotations

import argparse
import json

from orthofit.cli import options


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "pressure",
        help="analyse a walking pressure recording (emed .lst, Tekscan .asf, pedar .asc, footscan .xls, CSV)",
        description="Steps, contact time, force, the centre-of-pressure path, CPEI (Song 1996), foot "
        "progression and the peak pressure, pressure-time integral and contact area of each region of "
        "the foot, from a pressure plate's or in-shoe system's export.",
    )
    p.add_argument("recording", help="the recording: .lst (emed), .asf (Tekscan), .asc (pedar), .xls (footscan), .csv")
    p.add_argument("--side", choices=["left", "right"], help="which foot (default: the file's, else the print's arch)")
    p.add_argument(
        "--sensor-mm",
        metavar="WxL",
        help="sensor size in mm, width x length (e.g. 5.08x7.62), for a file that does not give it (footscan, CSV)",
    )
    options.json_output(p)
    options.debug(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from orthofit.io.pressure import parse_sensor_mm
    from orthofit.model.enums import Side
    from orthofit.pipeline.pressure import pressure_file
    from orthofit.report.walking_text import pressure_dict, pressure_text

    sensor = parse_sensor_mm(args.sensor_mm) if args.sensor_mm else None
    result = pressure_file(args.recording, Side(args.side) if args.side else None, sensor)
    if args.json:
        print(json.dumps(pressure_dict(result), indent=1, allow_nan=False))
    else:
        print(pressure_text(result), end="")
    return 0
