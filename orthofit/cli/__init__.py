"""orthofit command line: parse, call one library function, print.

Exit status: 0 success, 2 a user error (one-line message), 1 an internal error (a bug; the
traceback is shown only with --debug).
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from dataclasses import replace


def _common(p: argparse.ArgumentParser) -> None:
    # --debug also after the command (the top-level one must come before it)
    p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def _thresholds(p: argparse.ArgumentParser) -> None:
    p.add_argument("--thresholds", metavar="FILE", help="TOML file overriding the clinical thresholds")


def _template(p: argparse.ArgumentParser) -> None:
    p.add_argument("--template", metavar="FILE", help="the report's wording (default: templates/report.toml)")


def _profile(p: argparse.ArgumentParser) -> None:
    p.add_argument("--profile", default="neutral", metavar="NAME|PATH", help="prescription profile (default: neutral)")


def _parser() -> argparse.ArgumentParser:
    from orthofit import __version__

    parser = argparse.ArgumentParser(
        prog="orthofit",
        description="Foot assessment and arch-support insoles for podiatrists.")
    parser.add_argument("--version", action="version", version=f"orthofit {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the traceback on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("assess", help="assess the feet in a case file",
                       description="Print the indices, arch type and pronation tendency of each foot, "
                                   "with their reasons, and any red flag.")
    p.add_argument("case", help="case file (TOML)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--thresholds", metavar="FILE",
                   help="TOML file overriding the clinical thresholds (see orthofit/data/thresholds.toml)")
    p.add_argument("--nd-criterion", choices=["mueller", "beckett", "brody"],
                   help="upper limit of normal navicular drop: Mueller 10 mm (default), Beckett 13, Brody 15")
    _common(p)
    p.set_defaults(run=_assess)

    p = sub.add_parser("insole", help="prescribe and build the insoles of a case (STL and 3MF)",
                       description="Prescribe an insole for each foot from its assessment and a profile, "
                                   "build it as a checked solid and write DIR/<id>-<side>.stl and .3mf.")
    p.add_argument("case", help="case file (TOML)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created if missing)")
    p.add_argument("--profile", default="neutral", metavar="NAME|PATH",
                   help="prescription profile: a shipped name (neutral, pronation-control, cavus-accommodative, "
                        "plantar-heel-pain, sport, low-profile) or a .toml file (default: neutral)")
    p.add_argument("--side", choices=["left", "right", "both"], default="both")
    p.add_argument("--length", choices=["full", "sulcus", "3/4"], help="insole length (default: the profile's)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="override one insole parameter, e.g. --set heel_cup_depth_mm=14 (repeatable)")
    _thresholds(p)
    p.add_argument("--shoe-size", metavar="SYSTEM:SIZE",
                   help="make the insole as long as this shoe (eu:42, uk:8, us-men:9, us-women:10, "
                        "mondopoint:265) instead of foot length + allowance")
    p.add_argument("--fine", action="store_true", help="fine mesh (0.5 mm edges) instead of 1.5 mm")
    _common(p)
    p.set_defaults(run=_insole)

    p = sub.add_parser("fit", help="the whole job for one case: assessment, insoles, report, manifest",
                       description="Assess the case (and its scans), prescribe and build the insoles, write the "
                                   "report, and write DIR/<id>-assessment.json, <id>-left/right.stl and .3mf, "
                                   "<id>-report.pdf and <id>-manifest.json (inputs and outputs with SHA-256). "
                                   "All files are written, or none.")
    p.add_argument("case", help="case file (TOML)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created if missing)")
    _profile(p)
    p.add_argument("--force", action="store_true", help="replace this case's files from an earlier run")
    p.add_argument("--paper", choices=["a4", "letter"], default="a4", help="the report's paper (default: a4)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="override one insole parameter (repeatable)")
    _thresholds(p)
    _template(p)
    _common(p)
    p.set_defaults(run=_fit)

    p = sub.add_parser("batch", help="fit many cases: a folder of case files or a CSV, one sub-folder each",
                       description="Run orthofit fit on every case of a folder (*.toml) or a CSV (one row per "
                                   "patient: id, age, name, sex, weight_kg, left_/right_ measurement fields). "
                                   "A bad case is reported and skipped; unchanged cases are skipped on a rerun. "
                                   "Exit status 0 when every case is done or unchanged, 2 when any failed.")
    p.add_argument("source", help="a folder of case files or a .csv file")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder: one sub-folder per case")
    _profile(p)
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="cases run in parallel (default: 1)")
    p.add_argument("--force", action="store_true", help="redo every case, even unchanged ones")
    _common(p)
    p.set_defaults(run=_batch)

    p = sub.add_parser("report", help="write the patient report (PDF) for a case",
                       description="Assess the case, prescribe and build its insoles, and write the patient "
                                   "report: summary, measurements, pictures, expected effects graded by the "
                                   "evidence, care, and a page for the clinician or lab.")
    p.add_argument("case", help="case file (TOML)")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF to write")
    _profile(p)
    p.add_argument("--paper", choices=["a4", "letter"], default="a4", help="paper size (default: a4)")
    _thresholds(p)
    _template(p)
    _common(p)
    p.set_defaults(run=_report)

    p = sub.add_parser("scan", help="measure a 3D foot scan (STL, OBJ, PLY) and assess the foot",
                       description="Orient a foot scan (floor, heel-to-toe axis, side), measure it with an "
                                   "uncertainty per measure, take its footprint indices, and assess the foot.")
    p.add_argument("scan", help="scan file (.stl, .obj or .ply)")
    p.add_argument("--units", choices=["mm", "cm", "m", "in"],
                   help="the file's unit (default: inferred from the foot's size, and reported)")
    p.add_argument("--side", choices=["left", "right"], help="which foot (default: read from the arch)")
    p.add_argument("--condition", choices=["standing", "sitting", "non-weight-bearing", "foam-box"],
                   help="how the scan was taken; it decides which measures are valid (default: standing "
                        "if the sole lies flat on the floor, else non-weight-bearing, and the output says so)")
    p.add_argument("--footprint-height", type=float, metavar="MM",
                   help="the footprint is the sole within this height of the floor (default 2 mm)")
    p.add_argument("--age", type=float, metavar="YEARS",
                   help="the patient's age, for age-specific thresholds (default: an adult)")
    _thresholds(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    _common(p)
    p.set_defaults(run=_scan)

    p = sub.add_parser("footprint", help="measure a footprint or pressure grid (CSV or PNG)",
                       description="Arch Index, Chippaux-Smirak, Staheli and Clarke's angle from a footprint "
                                   "grid, and a static CPEI proxy from pressures. CSV: one line per grid row, "
                                   "0 = no contact, row 0 at the bottom; PNG: a picture of the print.")
    p.add_argument("grid", help="footprint or pressure grid (.csv or .png)")
    p.add_argument("--pitch", type=float, required=True, metavar="MM", help="cell size in mm")
    p.add_argument("--side", choices=["left", "right"], help="which foot (default: read from the arch)")
    p.add_argument("--threshold", type=float, default=0.0,
                   help="cells above this value are in contact (grid units; default 0)")
    p.add_argument("--json", action="store_true", help="print JSON")
    _common(p)
    p.set_defaults(run=_footprint)
    return parser


def _fit(args: argparse.Namespace) -> int:
    from orthofit.pipeline.fit import fit, write_fit
    from orthofit.config.params import parse_set_option

    overrides = dict(parse_set_option(item) for item in args.set)
    result = fit(args.case, args.profile, args.paper, args.thresholds, args.template, overrides)
    written = write_fit(result, args.out, args.force)
    a = result.assessment
    if a.referral.needed:
        print("REFER FIRST: a red flag was found; see the report's first page.")
    for o in result.insoles:
        foot = a.foot(o.prescription.side)
        print(f"{o.prescription.side.value}: {foot.arch_type.text}, {foot.pronation.text}; "
              f"{o.printability.lines()[0]}")
    print("Written:")
    print("\n".join(f"  {p}" for p in written))
    return 0


def _batch(args: argparse.Namespace) -> int:
    from orthofit.pipeline.batch import run_batch

    tty = sys.stderr.isatty()

    def progress(result, done: int, total: int, elapsed: float) -> None:
        rate = done / elapsed if elapsed > 0 else 0.0
        if tty:
            bar = "#" * int(30 * done / total)
            print(f"\r[{bar:<30}] {done}/{total}  {rate:.1f} cases/s", end="", file=sys.stderr, flush=True)
            if result.status == "failed":
                print(f"\n{result.name}: FAILED: {result.message}", file=sys.stderr)
        else:
            detail = f": {result.message}" if result.status == "failed" else ""
            print(f"{done}/{total} {result.name} {result.status}{detail} ({rate:.1f} cases/s)", file=sys.stderr,
                  flush=True)

    summary = run_batch(args.source, args.out, args.profile, args.jobs, args.force, progress)
    if tty:
        print(file=sys.stderr)
    total = len(summary.results)
    print(f"{total} cases in {summary.seconds:.1f} s ({total / max(summary.seconds, 1e-9):.1f} cases/s): "
          f"{summary.count('done')} done, {summary.count('skipped')} unchanged, {summary.failed} failed")
    for r in summary.results:
        if r.status == "failed":
            print(f"  FAILED {r.name}: {r.message}")
    return 2 if summary.failed else 0


def _report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from orthofit.assess.assessment import assess
    from orthofit.io.case_file import load_case
    from orthofit.model.enums import Side
    from orthofit.errors import OutputError
    from orthofit.pipeline.insoles import make_insoles
    from orthofit.io.output import write_files
    from orthofit.config.profiles import load_profile
    from orthofit.report.document import make_report
    from orthofit.config.templates import load_report_template
    from orthofit.config.thresholds import load_thresholds

    out = Path(args.out)
    if out.is_dir():
        raise OutputError(f"--out {out} is a folder; give the PDF's file name, e.g. {out / 'report.pdf'}")
    if out.suffix.lower() != ".pdf":
        raise OutputError(f"--out {out} should end in .pdf")
    template = load_report_template(args.template) if args.template else None
    thresholds = load_thresholds(args.thresholds)
    case = load_case(args.case)
    profile = load_profile(args.profile)
    assessment = assess(case, thresholds)
    sides = [s for s in Side if case.foot(s).foot_length_mm is not None]
    outputs = make_insoles(assessment, profile, sides, thresholds=thresholds)
    pdf = make_report(assessment, outputs, profile.name, args.paper, template, thresholds)
    written = write_files(out.parent if str(out.parent) else ".", {out.name: pdf})
    print(f"Written: {written[0]} ({len(pdf) / 1024:.0f} kB)")
    return 0


def _scan(args: argparse.Namespace) -> int:
    from orthofit.assess.assessment import assess
    from orthofit.model.case import Case, FootMeasurements, Patient
    from orthofit.io.case_file import PATIENT_FIELDS, Range, number_in_range
    from orthofit.model.enums import Side
    from orthofit.measure.scan_case import measure_foot_scan, merge_scan
    from orthofit.io.scan_file import load_scan
    from orthofit.measure.scan_measure import FOOTPRINT_HEIGHT_MM, ScanCondition
    from orthofit.report.summary import scan_dict, scan_text
    from orthofit.config.thresholds import load_thresholds

    thresholds = load_thresholds(args.thresholds)
    age = number_in_range(args.age, "--age", PATIENT_FIELDS["age"]) if args.age is not None else thresholds.adult_age_years
    height = (number_in_range(args.footprint_height, "--footprint-height", Range(0.2, 10.0, "mm"))
              if args.footprint_height is not None else FOOTPRINT_HEIGHT_MM)
    record = measure_foot_scan(load_scan(args.scan, args.units), Side(args.side) if args.side else None,
                               ScanCondition.parse(args.condition) if args.condition else None, height)
    foot = merge_scan(FootMeasurements(scan=args.scan), record)
    feet = {record.side.value: foot, record.side.other.value: FootMeasurements()}
    result = assess(Case(Patient(id="scan", age_years=age), **feet), thresholds)
    if args.age is None:
        result = replace(result, notes=result.notes + (
            "Assessed with adult thresholds; give --age for a child.",))
    if args.json:
        print(json.dumps(scan_dict(record, result), indent=2, ensure_ascii=False))
    else:
        print(scan_text(record, result), end="")
    return 0


def _footprint(args: argparse.Namespace) -> int:
    from orthofit.model.enums import Side
    from orthofit.measure.pressure import analyse_grid, load_grid
    from orthofit.report.summary import grid_footprint_dict, grid_footprint_text

    result = analyse_grid(load_grid(args.grid, args.pitch), Side(args.side) if args.side else None, args.threshold)
    if args.json:
        print(json.dumps(grid_footprint_dict(result), indent=2))
    else:
        print(grid_footprint_text(result), end="")
    return 0


def _insole(args: argparse.Namespace) -> int:
    from orthofit.assess.assessment import assess
    from orthofit.geometry.build import DEFAULT_EDGE_MM, FINE_EDGE_MM
    from orthofit.io.case_file import load_case
    from orthofit.model.enums import Side
    from orthofit.pipeline.insoles import make_insoles
    from orthofit.io.output import write_files
    from orthofit.config.params import parse_set_option
    from orthofit.config.profiles import load_profile
    from orthofit.assess.sizing import parse_shoe_size
    from orthofit.report.summary import insole_text
    from orthofit.config.thresholds import load_thresholds

    overrides = dict(parse_set_option(item) for item in args.set)
    shoe = parse_shoe_size(args.shoe_size) if args.shoe_size else None
    if args.length:
        overrides["length"] = args.length
    thresholds = load_thresholds(args.thresholds)
    case = load_case(args.case)
    profile = load_profile(args.profile)
    sides = list(Side) if args.side == "both" else [Side(args.side)]
    results = make_insoles(assess(case, thresholds), profile, sides, overrides,
                           FINE_EDGE_MM if args.fine else DEFAULT_EDGE_MM, shoe, thresholds)
    written = write_files(args.out, {n: b for r in results for n, b in r.files.items()})
    print(insole_text(results, written), end="")
    return 0


def _assess(args: argparse.Namespace) -> int:
    from orthofit.assess.assessment import assess
    from orthofit.io.case_file import load_case
    from orthofit.model.enums import NavicularDropCriterion
    from orthofit.report.summary import assessment_dict, assessment_text
    from orthofit.config.thresholds import load_thresholds

    thresholds = load_thresholds(args.thresholds)
    case = load_case(args.case)
    criterion = (NavicularDropCriterion.parse(args.nd_criterion, "--nd-criterion")
                 if args.nd_criterion else None)
    result = assess(case, thresholds, criterion)
    if args.json:
        print(json.dumps(assessment_dict(result), indent=2, ensure_ascii=False))
    else:
        print(assessment_text(result), end="")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from orthofit.errors import UserError

    try:
        return args.run(args)
    except UserError as err:
        if args.debug:
            traceback.print_exc()
        print(f"orthofit: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("orthofit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `| head`): not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as err:  # a bug: say so plainly, full detail with --debug
        if args.debug:
            traceback.print_exc()
        else:
            print(f"orthofit: internal error: {type(err).__name__}: {err} "
                  "(please report it; rerun with --debug for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
