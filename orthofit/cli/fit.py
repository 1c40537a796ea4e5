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
        "<id>-report.pdf (for the patient), <id>-lab-sheet.pdf (for the clinician and lab) and "
        "<id>-manifest.json (inputs and outputs with SHA-256). "
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
    options.clinic(p)
    options.debug(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from orthofit.model.enums import Side
    from orthofit.pipeline.fit import fit_job
    from orthofit.report.summary import fit_text

    settings = options.settings(args)

    result, written = fit_job(args.case, settings, args.out, args.force)
    not_needed = result.manifest.get("not_needed", {})
    print(fit_text(result, written, {Side(k): v for k, v in not_needed.items()}), end="")
    return 0
