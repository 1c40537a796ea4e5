"""From a case to print-ready insoles: prescribe, build, check, export (no file access here)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import __version__
from .assess import Assessment
from .build import DEFAULT_EDGE_MM, Insole, build_insole
from .case import Case
from .enums import Side
from .errors import ValidationError
from .export import stl_bytes, threemf_bytes
from .outline import FootDimensions
from .prescribe import Prescription, prescribe
from .printability import Printability, printability
from .profiles import Profile


@dataclass(frozen=True)
class InsoleOutput:
    """One foot's prescription, insole, printability summary and file contents."""

    prescription: Prescription
    insole: Insole
    printability: Printability
    files: dict[str, bytes]     # file name -> bytes (STL and 3MF)


def foot_dimensions(case: Case, side: Side) -> FootDimensions:
    m = case.foot(side)
    if m.foot_length_mm is None:
        raise ValidationError(f"the {side.value} foot has no foot_length_mm, so no insole can be sized for it; "
                              f"add [{side.value}] foot_length_mm or choose --side {side.other.value}")
    return FootDimensions.from_measurements(m.foot_length_mm, m.ball_width_mm, m.heel_width_mm,
                                            m.truncated_foot_length_mm)


def make_insoles(assessment: Assessment, profile: Profile, sides: Iterable[Side],
                 overrides: dict[str, Any] | None = None, edge_mm: float = DEFAULT_EDGE_MM) -> list[InsoleOutput]:
    """Prescribe, build and export an insole for each of ``sides``.

    Parameters
    ----------
    assessment : Assessment
        From :func:`orthofit.assess.assess`.
    profile : Profile
        The prescription profile to start from.
    overrides : dict, optional
        Parameter values set by the clinician (``--set``, ``--length``); applied last.
    edge_mm : float
        Mesh edge length, mm.
    """
    case = assessment.case
    out = []
    for side in sides:
        foot = foot_dimensions(case, side)
        rx = prescribe(assessment, side, profile, overrides)
        reasons = list(rx.reasons)
        if foot.estimated:
            reasons.append("estimated from foot length (ANSUR II mean proportions): " + ", ".join(foot.estimated))
            rx = Prescription(rx.side, rx.params, tuple(reasons), rx.profile, rx.referral_first)
        insole = build_insole(foot, rx.params, side, edge_mm)
        name = f"{case.patient.id}-{side.value}"
        v, f = insole.solid.vertices, insole.solid.faces
        files = {f"{name}.stl": stl_bytes(v, f, name),
                 f"{name}.3mf": threemf_bytes(v, f, name, _metadata(case, rx, name))}
        out.append(InsoleOutput(rx, insole, printability(insole), files))
    return out


def _metadata(case: Case, rx: Prescription, name: str) -> dict[str, str]:
    return {
        "Title": f"Insole {name}",
        "Designer": f"orthofit {__version__}",
        "Application": f"orthofit {__version__}",
        "Description": f"{rx.side.value} insole for patient {case.patient.id}, profile {rx.profile}",
        "orthofit:patient_id": case.patient.id,
        "orthofit:side": rx.side.value,
        "orthofit:profile": rx.profile,
        "orthofit:referral_first": "true" if rx.referral_first else "false",
        "orthofit:prescription": json.dumps(rx.params.as_dict(), sort_keys=True),
        "orthofit:reasons": json.dumps(list(rx.reasons), ensure_ascii=False),
    }
