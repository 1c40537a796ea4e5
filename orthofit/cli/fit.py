"""``orthofit fit CASE --out DIR``: the whole job for one case."""

from __future__ import annotations

import argparse

from orthofit.cli import options


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "fit",
        help="the whole job for one case: assessment, insoles, report, manifest",
        description="Assess the case (and its scans), prescribe and build the insoles, write the "
        "report, and write DIR/<id>-assessment.json, <id>-left/right.stl, .3mf and .prusa.3mf, "
        "<id>-report.pdf and <id>-manifest.json (inputs and outputs with SHA-256). "
        "All files are written, or none.",
    )
    options.case(p)
    options.out_dir(p)
    options.profile(p)
    options.force(p)
    options.paper(p)
    options.overrides(p)
    options.slicer(p)
    options.thresholds(p)
    options.template(p)
    options.debug(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from orthofit.pipeline.fit import fit_job

    result, written = fit_job(args.case, options.settings(args), args.out, args.force)
    a = result.assessment
    if a.referral.needed:
        print("REFER FIRST: a red flag was found; see the report's first page.")
    for o in result.insoles:
        foot = a.foot(o.prescription.side)
        print(f"{o.prescription.side.value}: {foot.arch_type.text}, {foot.pronation.text}; {o.printability.lines()[0]}")
    print("Written:")
    print("\n".join(f"  {p}" for p in written))
    return 0
