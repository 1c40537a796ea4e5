"""``orthofit assess CASE``: print each foot's indices, labels and reasons, and any red flag."""

from __future__ import annotations

import argparse
import json

from orthofit.cli import options


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "assess",
        help="assess the feet in a case file",
        description="Print the indices, arch type and pronation tendency of each foot, "
        "with their reasons, and any red flag.",
    )
    options.case(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    options.thresholds(p)
    p.add_argument(
        "--nd-criterion",
        choices=["mueller", "beckett", "brody"],
        help="upper limit of normal navicular drop: Mueller 10 mm (default), Beckett 13, Brody 15",
    )
    options.debug(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from orthofit.pipeline.assess_case import assess_case_file
    from orthofit.report.summary import assessment_dict, assessment_text

    result = assess_case_file(args.case, options.settings(args))
    if args.json:
        print(json.dumps(assessment_dict(result), indent=2, ensure_ascii=False, allow_nan=False))
    else:
        print(assessment_text(result), end="")
    return 0
