"""``orthofit report CASE --out FILE.pdf``: the patient report."""

from __future__ import annotations

import argparse

from orthofit.cli import options


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="write the patient report (PDF) for a case",
        description="Assess the case, prescribe and build its insoles, and write the patient "
        "report: summary, measurements, pictures, expected effects graded by the "
        "evidence, care, and a page for the clinician or lab.",
    )
    options.case(p)
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF to write")
    options.profile(p)
    options.force(p, "replace the PDF if it exists")
    options.paper(p)
    options.thresholds(p)
    options.template(p)
    options.clinic(p)
    options.debug(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from orthofit.pipeline.report import report_job

    paths, size = report_job(args.case, options.settings(args), args.out, args.force)
    print(f"Written: {paths[0]} ({size / 1024:.0f} kB) and the lab sheet {paths[1]}")
    return 0
