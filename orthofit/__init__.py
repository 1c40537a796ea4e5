"""orthofit: foot assessment, parametric insoles and patient reports for podiatrists.

Coordinate frame, used everywhere: millimetres; heel at x = 0 with the toes toward +x; z up
with the floor at z = 0; for a right foot the medial side is +y, a left foot is its mirror.

The public API is imported lazily so that ``import orthofit`` stays cheap.
"""

from __future__ import annotations

__version__ = "0.1.0"

_API = {
    "load_settings": "orthofit.config.settings",
    "fit": "orthofit.pipeline.fit",
    "write_fit": "orthofit.pipeline.fit",
    "load_case": "orthofit.io.case_file",
    "parse_case": "orthofit.io.case_file",
    "load_measured_case": "orthofit.pipeline.inputs",
    "read_case": "orthofit.pipeline.inputs",
    "measure_case": "orthofit.measure.case",
    "assess": "orthofit.assess.assessment",
    "make_insoles": "orthofit.pipeline.insoles",
    "make_report": "orthofit.report.document",
    "make_documents": "orthofit.report.document",
    "load_thresholds": "orthofit.config.thresholds",
    "assessment_dict": "orthofit.report.summary",
    "assessment_text": "orthofit.report.summary",
    "footprint_indices": "orthofit.measure.footprint",
    "shoe_size": "orthofit.assess.sizing",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str):
    if name in _API:
        import importlib

        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(f"module 'orthofit' has no attribute {name!r}")
