"""A visit as an HL7 FHIR R4 ``Bundle``: the patient, the measures, the labels, the red flags
and the insole orders, as a plain JSON-ready ``dict`` (no FHIR library needed to make it).

Mapping
-------
:func:`visit_bundle` returns a Bundle of type ``collection`` holding, in this order:

- one ``Patient``: ``identifier`` = the case's patient id (system :data:`PATIENT_ID_SYSTEM`,
  replaceable by the clinic's own), ``name.text`` = the name as typed (never split into given
  and family names: the case does not say which is which), ``gender`` from the case's sex
  (left out when not recorded). The case knows an age, not a birth date, so **no birthDate
  is made up**: the age is an ``Observation`` (LOINC 30525-0 "Age", UCUM ``a``); the weight,
  when recorded, another (LOINC 29463-7 "Body weight", UCUM ``kg``, category vital-signs);
- per foot (left first) that has any measurement: an ``Observation`` for each measurement of
  the case (foot length, widths, dorsal and navicular heights, navicular drop, RCSP, FPI-6
  with its six items as components) and for each index the assessment computed (Arch Index,
  Chippaux-Smirak, Staheli, Clarke's angle, AHI, ARI, arch drop, arch height flexibility,
  normalised navicular heights, CPEI proxy). ``valueQuantity`` is in UCUM (``mm``, ``deg``,
  ``%``, ``mm/kN``, ``1`` for ratios, ``{score}`` for FPI-6), ``bodySite`` is SNOMED CT
  22335008 "Left foot" or 7769000 "Right foot", ``method`` says where the value came from
  (typed, 3D scan, footprint grid, computed), and a measure the assessment classified has
  its band as ``interpretation.text`` and the band's limit and source as a ``note``. The
  index "navicular height" is the measurement navicular_height_standing_mm, so it is one
  Observation, not two;
- per foot, an ``Observation`` for the arch type and one for the pronation tendency:
  ``valueCodeableConcept`` (local code planus/normal/cavus or supinated/neutral/pronated,
  ``text`` with the severity, e.g. "highly pronated"), ``derivedFrom`` the Observation of the
  measure that decided it (clinical-basis.md §0) and ``note`` naming it, the measures that
  agree and those that disagree. An undetermined label has a ``dataAbsentReason`` instead;
- for the whole visit: FPI-6 and foot-length asymmetry (right − left, ``derivedFrom`` both
  feet) and the measured leg-length difference (shorter side as a component);
- one ``Flag`` per red flag (status active, category "clinical" plus a local referral-urgency
  category, ``code.text`` the plain-words meaning);
- one ``DeviceRequest`` per insole: ``codeCodeableConcept`` "Custom foot orthosis (insole),
  left", ``status`` as given (default "draft"; the app sets "active" once approved),
  ``intent`` "order", ``subject`` the Patient, one ``parameter`` per insole parameter
  (``length`` as a local code, every numeric one as a ``valueQuantity`` in the unit of
  ``orthofit/data/parameters.toml``), ``reasonReference`` the foot's label Observations,
  ``supportingInfo`` the Flags, and the prescription's reasons as ``note``.

Each ``fullUrl`` is ``urn:uuid:`` + a UUID 5 of the visit id and the resource's local key (the
resource's ``id`` is the same UUID), and every reference between entries is such a URN: no
clock, no random UUID, so the same inputs give the same Bundle and the same JSON, byte for byte.

Codes
-----
Standard: SNOMED CT (``http://snomed.info/sct``) for the two body sites; LOINC
(``http://loinc.org``) for age and body weight only; UCUM (``http://unitsofmeasure.org``) for
every unit; HL7 terminology for the observation category (exam, vital-signs), the flag
category (clinical) and data-absent-reason. No LOINC or SNOMED code is claimed for the foot
measures, the labels, the red flags or the insole: none was verified, so they carry local
codes only, under :data:`BASE` (``.../CodeSystem/measure``, ``label``, ``arch-type``,
``pronation``, ``red-flag``, ``referral-urgency``, ``insole-parameter``, ``insole-length``,
``device``, ``value-source``, ``side``), plus the human text.

Left out on purpose
-------------------
A birth date (see above); an ``Encounter``, ``Practitioner`` and ``Organization`` for the visit,
the clinician and the clinic (the case holds free-text names only); the footprint outlines,
scans, grids and the insole meshes (files, not observations: STL/3MF/PDF belong in a
``DocumentReference`` or ``Binary`` a caller may add); shoe sizes, symptoms, recorded
conditions, children's development notes and the scan measures' uncertainties; and profiles
of any implementation guide (the Bundle is plain R4). The function writes nothing and needs no
FHIR library; the tests validate its output with ``fhir.resources``' R4B models.
"""

from __future__ import annotations

import copy
import datetime
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from orthofit.assess.assessment import Assessment, Finding, FootAssessment, Label
from orthofit.config.params import PARAMETERS, InsoleParams
from orthofit.config.thresholds import ARCH_INDICES, PRONATION_INDICES
from orthofit.io.case_file import FOOT_FIELDS
from orthofit.measure.case import INDEX_UNITS
from orthofit.model.case import Case, FootMeasurements
from orthofit.model.enums import Sex, Side, ValueSource
from orthofit.model.redflags import RedFlag
from orthofit.prescribe.prescription import Prescription

if TYPE_CHECKING:
    from orthofit.geometry.product import InsoleOutput

#: Where orthofit's local code systems live (example.org-style: a clinic may publish its own).
BASE = "https://orthofit.example/fhir"
#: The system of the patient identifier (the case's ``[patient] id``).
PATIENT_ID_SYSTEM = "urn:orthofit:patient-id"

MEASURE_SYSTEM = f"{BASE}/CodeSystem/measure"
LABEL_SYSTEM = f"{BASE}/CodeSystem/label"
ARCH_TYPE_SYSTEM = f"{BASE}/CodeSystem/arch-type"
PRONATION_SYSTEM = f"{BASE}/CodeSystem/pronation"
RED_FLAG_SYSTEM = f"{BASE}/CodeSystem/red-flag"
URGENCY_SYSTEM = f"{BASE}/CodeSystem/referral-urgency"
PARAMETER_SYSTEM = f"{BASE}/CodeSystem/insole-parameter"
LENGTH_SYSTEM = f"{BASE}/CodeSystem/insole-length"
CONSTRUCTION_SYSTEM = f"{BASE}/CodeSystem/insole-construction"
SHOE_SYSTEM = f"{BASE}/CodeSystem/shoe-type"
DEVICE_SYSTEM = f"{BASE}/CodeSystem/device"
SOURCE_SYSTEM = f"{BASE}/CodeSystem/value-source"
SIDE_SYSTEM = f"{BASE}/CodeSystem/side"

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"

#: SNOMED CT body structures of the two feet.
BODY_SITES: dict[Side, tuple[str, str]] = {
    Side.LEFT: ("22335008", "Left foot"),
    Side.RIGHT: ("7769000", "Right foot"),
}

#: The namespace of every UUID in a bundle (UUID 5 of the local code-system base).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, BASE)

#: FHIR R4 RequestStatus: the statuses a DeviceRequest may have.
REQUEST_STATUSES = ("draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown")

#: Measurement fields that are also an index of the assessment under another name.
_SAME_AS = {"navicular_height_mm": "navicular_height_standing_mm"}

_FIELD_TITLES = {
    "foot_length_mm": "Foot length",
    "ball_width_mm": "Ball width",
    "heel_width_mm": "Heel width",
    "truncated_foot_length_mm": "Truncated foot length",
    "dorsal_height_sitting_mm": "Dorsal height (sitting)",
    "dorsal_height_standing_mm": "Dorsal height (standing)",
    "navicular_height_sitting_mm": "Navicular height (sitting)",
    "navicular_height_standing_mm": "Navicular height (standing)",
    "ball_girth_mm": "Ball girth",
    "arch_edge_height_mm": "Arch edge height (shop scanner's arch height)",
}

#: The six FPI-6 items (Redmond, Crosbie & Ouvrier 2006), in the order of the case file.
FPI6_ITEMS = (
    "Talar head palpation",
    "Supra- and infra-lateral malleolar curvature",
    "Calcaneal frontal plane position",
    "Prominence in the region of the talonavicular joint",
    "Congruence of the medial longitudinal arch",
    "Abduction/adduction of the forefoot on the rearfoot",
)

#: Unit as orthofit writes it -> (human unit, UCUM code).
_UNITS: dict[str, tuple[str, str]] = {
    "mm": ("mm", "mm"),
    "degrees": ("°", "deg"),
    "deg": ("°", "deg"),
    "°": ("°", "deg"),
    "%": ("%", "%"),
    "% of foot length": ("% of foot length", "%"),
    "mm/kN": ("mm/kN", "mm/kN"),
    "": ("1", "1"),
    "{score}": ("score", "{score}"),
}

_SOURCES = {
    ValueSource.TYPED: ("typed", "Typed by the clinician"),
    ValueSource.SCAN: ("scan", "Measured on a 3D scan"),
    ValueSource.GRID: ("grid", "Measured on a footprint or pressure grid"),
}
_COMPUTED = ("computed", "Computed by orthofit from the measurements")

_LABEL_KINDS = {
    "arch_type": ("Arch type", ARCH_TYPE_SYSTEM),
    "pronation": ("Pronation tendency", PRONATION_SYSTEM),
}

# FHIR dateTime (R4 §2.24.0.1), the date-only forms included.
_DATETIME = re.compile(
    r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)"
    r"(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])"
    r"(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?"
)


def visit_bundle(
    case: Case,
    assessment: Assessment,
    insoles: Mapping[Side, Prescription] | Iterable[Prescription | InsoleOutput],
    *,
    visit_id: str,
    issued: datetime.date | str,
    status: str = "draft",
    patient_system: str = PATIENT_ID_SYSTEM,
) -> dict[str, Any]:
    """One visit as a FHIR R4 Bundle (type ``collection``), a JSON-ready dict.

    Parameters
    ----------
    case : Case
        The case as measured (``FitResult.case`` or ``assessment.case``: typed values with
        the gaps filled from a scan).
    assessment : Assessment
        From :func:`orthofit.assess.assessment.assess`.
    insoles : mapping of Side -> Prescription, or iterable of Prescription or InsoleOutput
        The insoles ordered (``FitResult.insoles`` will do); one DeviceRequest each.
    visit_id : str
        Names the visit; every UUID in the bundle is derived from it, so the same visit id
        and inputs give the same bundle, and another visit id gives other UUIDs.
    issued : date or str
        When the measures were taken and the insoles ordered: a ``datetime.date``, an aware
        ``datetime.datetime`` or a FHIR dateTime string (``YYYY``, ``YYYY-MM-DD``, ...).
    status : str
        The DeviceRequests' status (FHIR RequestStatus); "draft" until the clinician
        approves, then "active".
    patient_system : str
        The system (URI) of the patient identifier.

    Returns
    -------
    dict
        ``{"resourceType": "Bundle", "type": "collection", "entry": [...]}``; only str,
        int, float, list and dict inside (``json.dumps`` takes it as is).

    Raises
    ------
    ValueError
        An empty visit id, an unknown status, a malformed or naive ``issued``, a case whose
        patient is not the assessment's, or two insoles for one foot.
    """
    if not visit_id or not isinstance(visit_id, str):
        raise ValueError("visit_id must be a non-empty string")
    if status not in REQUEST_STATUSES:
        raise ValueError(f"status {status!r} is not a FHIR RequestStatus; use one of {', '.join(REQUEST_STATUSES)}")
    if case.patient.id != assessment.case.patient.id:
        raise ValueError(
            f"the case (patient {case.patient.id!r}) is not the one assessed ({assessment.case.patient.id!r})"
        )
    b = _Builder(visit_id, _datetime_text(issued))
    prescriptions = _prescriptions(insoles)

    patient = b.add("patient", _patient(case, patient_system))
    subject = {"reference": patient}
    b.add("age", _age(case, subject, b.issued))
    if case.patient.weight_kg is not None:
        b.add("body-weight", _body_weight(case.patient.weight_kg, subject, b.issued))

    measures: dict[Side, dict[str, str]] = {}  # side -> measure code -> its Observation's URN
    labels: dict[Side, list[str]] = {}
    for side in Side:
        foot = assessment.foot(side)
        measures[side] = _foot_measures(b, case, assessment, foot, subject)
        labels[side] = _foot_labels(b, foot, measures[side], subject) if foot.measured else []
    _visit_measures(b, case, assessment, measures, subject)

    flags = [b.add(f"flag/{f.name}", _flag(f, subject, b.issued)) for f in assessment.referral.flags]
    for side, rx in prescriptions.items():
        b.add(f"device-request/{side.value}", _device_request(rx, subject, status, b.issued, labels[side], flags))
    return b.bundle()


class _Builder:
    """The entries being collected, each under a URN derived from the visit id and its key."""

    def __init__(self, visit_id: str, issued: str) -> None:
        self.visit_id = visit_id
        self.issued = issued
        self.entries: list[dict[str, Any]] = []
        self.keys: set[str] = set()

    def uuid(self, key: str) -> str:
        # json.dumps of the pair: no visit id and key can run into another pair's.
        return str(uuid.uuid5(NAMESPACE, json.dumps([self.visit_id, key])))

    def add(self, key: str, resource: dict[str, Any]) -> str:
        """Add ``resource`` under ``key``; its URN (the reference other entries use)."""
        if key in self.keys:
            raise ValueError(f"two resources with the key {key!r}")
        self.keys.add(key)
        rid = self.uuid(key)
        urn = f"urn:uuid:{rid}"
        # a copy: no two entries share a dict (the subject reference, say), so editing one edits one
        rest = {k: copy.deepcopy(v) for k, v in resource.items() if k != "resourceType"}
        self.entries.append({"fullUrl": urn, "resource": {"resourceType": resource["resourceType"], "id": rid, **rest}})
        return urn

    def bundle(self) -> dict[str, Any]:
        bid = self.uuid("bundle")
        return {
            "resourceType": "Bundle",
            "id": bid,
            "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{bid}"},
            "type": "collection",
            "entry": self.entries,
        }


# --- inputs ------------------------------------------------------------------------------------


def _datetime_text(issued: datetime.date | str) -> str:
    if isinstance(issued, datetime.datetime):
        if issued.tzinfo is None:
            raise ValueError("issued: a datetime needs a time zone (FHIR requires one with a time of day)")
        return issued.isoformat()
    if isinstance(issued, datetime.date):
        return issued.isoformat()
    if isinstance(issued, str) and _DATETIME.fullmatch(issued):
        return issued
    raise ValueError(f"issued = {issued!r} is not a date or a FHIR dateTime (YYYY-MM-DD, say)")


def _prescriptions(
    insoles: Mapping[Side, Prescription] | Iterable[Prescription | InsoleOutput],
) -> dict[Side, Prescription]:
    items = insoles.values() if isinstance(insoles, Mapping) else insoles
    out: dict[Side, Prescription] = {}
    for item in items:
        rx = item if isinstance(item, Prescription) else item.prescription
        if rx.side in out:
            raise ValueError(f"two insoles for the {rx.side.value} foot")
        out[rx.side] = rx
    return {side: out[side] for side in Side if side in out}  # left first, whatever the input order


# --- data types ----------------------------------------------------------------------------------


def _coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    return {"system": system, "code": code, **({"display": display} if display else {})}


def _concept(system: str, code: str, display: str, text: str | None = None) -> dict[str, Any]:
    return {"coding": [_coding(system, code, display)], "text": text or display}


def _quantity(value: float, unit: str) -> dict[str, Any]:
    """A Quantity in UCUM when the unit is known, else with its unit as text only."""
    number: float | int = int(value) if unit == "{score}" and float(value).is_integer() else float(value)
    if unit not in _UNITS:
        return {"value": number, "unit": unit}
    human, code = _UNITS[unit]
    return {"value": number, "unit": human, "system": UCUM, "code": code}


def _category(code: str, display: str) -> list[dict[str, Any]]:
    return [{"coding": [_coding(OBSERVATION_CATEGORY, code, display)]}]


def _body_site(side: Side) -> dict[str, Any]:
    code, display = BODY_SITES[side]
    return {"coding": [_coding(SNOMED, code, display)], "text": f"{side.value} foot"}


# --- resources -----------------------------------------------------------------------------------


def _patient(case: Case, system: str) -> dict[str, Any]:
    p = case.patient
    out: dict[str, Any] = {"resourceType": "Patient", "identifier": [{"system": system, "value": p.id}]}
    if p.name:
        out["name"] = [{"text": p.name}]
    if p.sex is not None:
        out["gender"] = {Sex.FEMALE: "female", Sex.MALE: "male", Sex.OTHER: "other"}[p.sex]
    return out


def _age(case: Case, subject: dict[str, str], issued: str) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [_coding(LOINC, "30525-0", "Age")], "text": "Age"},
        "subject": subject,
        "effectiveDateTime": issued,
        "valueQuantity": {"value": float(case.patient.age_years), "unit": "years", "system": UCUM, "code": "a"},
    }


def _body_weight(weight_kg: float, subject: dict[str, str], issued: str) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": _category("vital-signs", "Vital Signs"),
        "code": {"coding": [_coding(LOINC, "29463-7", "Body weight")], "text": "Body weight"},
        "subject": subject,
        "effectiveDateTime": issued,
        "valueQuantity": {"value": float(weight_kg), "unit": "kg", "system": UCUM, "code": "kg"},
    }


def _measure_observation(
    code: str,
    title: str,
    value: float,
    unit: str,
    subject: dict[str, str],
    issued: str,
    side: Side | None,
    method: tuple[str, str] | None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": _category("exam", "Exam"),
        "code": _concept(MEASURE_SYSTEM, code, title),
        "subject": subject,
        "effectiveDateTime": issued,
        "valueQuantity": _quantity(value, unit),
    }
    if side is not None:
        out["bodySite"] = _body_site(side)
    if method is not None:
        out["method"] = _concept(SOURCE_SYSTEM, *method)
    return out


def _foot_values(
    case: Case, assessment: Assessment, foot: FootAssessment
) -> list[tuple[str, str, float, str, tuple[str, str]]]:
    """(code, title, value, unit, method) of every measure of one foot, measurements first."""
    m: FootMeasurements = case.foot(foot.side)
    footprint_source = assessment.measured.foot(foot.side).footprint_source
    out: list[tuple[str, str, float, str, tuple[str, str]]] = []
    for name in FOOT_FIELDS:
        value = getattr(m, name)
        if value is None:
            continue
        title = _FIELD_TITLES.get(name) or assessment.titles.get(name, name.replace("_", " "))
        source = foot.sources.get(name, ValueSource.TYPED)
        out.append((name, title, float(value), FOOT_FIELDS[name].unit, _SOURCES[source]))
    taken = {code for code, *_ in out}
    for name, unit in INDEX_UNITS.items():
        value = foot.indices.get(name)
        if value is None or _SAME_AS.get(name, name) in taken:
            continue
        if name in ("arch_index", "chippaux_smirak_pct", "staheli", "clarke_angle_deg") and footprint_source:
            method = _SOURCES[footprint_source]
        elif name in ("cpei_proxy_pct", "cpei_pct", "arch_index_walking"):
            method = _SOURCES[ValueSource.GRID]
        elif name == "fpi6_total":
            method, unit = _SOURCES[ValueSource.TYPED], "{score}"
        else:
            method = _COMPUTED
        out.append((name, assessment.titles.get(name, name), float(value), unit, method))
    return out


def _foot_measures(
    b: _Builder, case: Case, assessment: Assessment, foot: FootAssessment, subject: dict[str, str]
) -> dict[str, str]:
    side = foot.side
    findings = {_SAME_AS.get(f.measure, f.measure): f for f in foot.findings}
    urns: dict[str, str] = {}
    for code, title, value, unit, method in _foot_values(case, assessment, foot):
        obs = _measure_observation(code, title, value, unit, subject, b.issued, side, method)
        finding = findings.get(code)
        if finding is not None:
            if finding.band is not None:
                obs["interpretation"] = [{"text": finding.band}]
            obs["note"] = [{"text": finding.describe()}]
        fpi6 = case.foot(side).fpi6
        if code == "fpi6_total" and fpi6 is not None:
            obs["component"] = [
                {
                    "code": _concept(MEASURE_SYSTEM, f"fpi6_item_{i}", f"FPI-6 item {i}: {item}"),
                    "valueInteger": int(score),
                }
                for i, (item, score) in enumerate(zip(FPI6_ITEMS, fpi6, strict=True), start=1)
            ]
        urns[code] = b.add(f"{side.value}/measure/{code}", obs)
    for index, field_name in _SAME_AS.items():  # the index's name finds its Observation too
        if field_name in urns:
            urns[index] = urns[field_name]
    return urns


def _foot_labels(b: _Builder, foot: FootAssessment, measures: dict[str, str], subject: dict[str, str]) -> list[str]:
    urns = []
    for kind, label in (("arch_type", foot.arch_type), ("pronation", foot.pronation)):
        title, system = _LABEL_KINDS[kind]
        obs: dict[str, Any] = {
            "resourceType": "Observation",
            "status": "final",
            "category": _category("exam", "Exam"),
            "code": _concept(LABEL_SYSTEM, kind, title),
            "subject": subject,
            "effectiveDateTime": b.issued,
            "bodySite": _body_site(foot.side),
        }
        if label.value is None:
            obs["dataAbsentReason"] = _label_absent(label, kind, foot)
        else:
            obs["valueCodeableConcept"] = _concept(system, label.value, label.value.capitalize(), label.text)
        if label.decided_by is not None:
            obs["derivedFrom"] = [{"reference": measures[label.decided_by.measure], "display": label.decided_by.title}]
            obs["note"] = [{"text": text} for text in _label_notes(label)]
        urns.append(b.add(f"{foot.side.value}/label/{kind}", obs))
    return urns


def _label_absent(label: Label, kind: str, foot: FootAssessment) -> dict[str, Any]:
    names = ARCH_INDICES if kind == "arch_type" else PRONATION_INDICES
    if label.undecided:  # an estimate's interval spans two bands: its note says what decides it
        f = label.undecided[0]
        return {"coding": [_coding(DATA_ABSENT, "unknown", "Unknown")], "text": f"not determined: {f.describe()}"}
    if any(foot.indices.get(n) is not None for n in names):
        return {
            "coding": [_coding(DATA_ABSENT, "unknown", "Unknown")],
            "text": "not determined: no measure taken has a threshold for this age",
        }
    return {"coding": [_coding(DATA_ABSENT, "not-performed", "Not Performed")], "text": "not determined: not measured"}


def _label_notes(label: Label) -> list[str]:
    d: Finding | None = label.decided_by
    assert d is not None
    notes = [f"Decided by {d.describe()}."]
    notes += [f"Agrees: {f.describe()}." for f in label.agreeing]
    notes += [f"Disagrees: {f.describe()}." for f in label.disagreeing]
    return notes


def _visit_measures(
    b: _Builder, case: Case, assessment: Assessment, measures: dict[Side, dict[str, str]], subject: dict[str, str]
) -> None:
    """The measures of the visit as a whole: asymmetry and leg-length difference."""
    asym = assessment.asymmetry
    left, right = measures[Side.LEFT], measures[Side.RIGHT]
    for code, title, value, unit, band, basis in (
        (
            "fpi6_difference",
            "FPI-6 asymmetry (right - left)",
            asym.fpi6_difference,
            "{score}",
            asym.fpi6_band,
            "fpi6_total",
        ),
        (
            "foot_length_difference_mm",
            "Foot length difference (right - left)",
            asym.foot_length_difference_mm,
            "mm",
            None,
            "foot_length_mm",
        ),
    ):
        if value is None or basis not in left or basis not in right:
            continue
        obs = _measure_observation(code, title, float(value), unit, subject, b.issued, None, _COMPUTED)
        if band is not None:
            obs["interpretation"] = [{"text": band}]
        obs["derivedFrom"] = [{"reference": left[basis]}, {"reference": right[basis]}]
        b.add(f"measure/{code}", obs)
    lld = case.leg_length
    if lld is not None:
        obs = _measure_observation(
            "leg_length_difference_mm", "Leg-length difference", lld.difference_mm, "mm", subject, b.issued, None, None
        )
        if lld.method:
            obs["method"] = {"text": lld.method}
        if lld.shorter_side is not None:
            obs["component"] = [
                {
                    "code": _concept(MEASURE_SYSTEM, "shorter_side", "Shorter side"),
                    "valueCodeableConcept": _concept(SIDE_SYSTEM, lld.shorter_side.value, lld.shorter_side.value),
                }
            ]
        b.add("measure/leg_length_difference_mm", obs)


def _flag(flag: RedFlag, subject: dict[str, str], issued: str) -> dict[str, Any]:
    return {
        "resourceType": "Flag",
        "status": "active",
        "category": [
            {"coding": [_coding(FLAG_CATEGORY, "clinical", "Clinical")]},
            _concept(URGENCY_SYSTEM, flag.urgency.value, f"Refer: {flag.urgency.value}"),
        ],
        "code": _concept(RED_FLAG_SYSTEM, flag.name, flag.name.replace("_", " "), flag.plain),
        "subject": subject,
        "period": {"start": issued},
    }


def _parameters(params: InsoleParams) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {
            "code": _concept(PARAMETER_SYSTEM, "length", "insole length: full, sulcus or 3/4"),
            "valueCodeableConcept": _concept(LENGTH_SYSTEM, params.length.value, params.length.value),
        },
        {
            "code": _concept(PARAMETER_SYSTEM, "construction", "insole construction: full-contact or shell"),
            "valueCodeableConcept": _concept(CONSTRUCTION_SYSTEM, params.construction.value, params.construction.value),
        },
        {
            "code": _concept(PARAMETER_SYSTEM, "shoe", "shoe type: athletic, everyday, dress or boot"),
            "valueCodeableConcept": _concept(SHOE_SYSTEM, params.shoe.value, params.shoe.value),
        },
    ]
    for name, spec in PARAMETERS.items():
        out.append(
            {
                "code": _concept(PARAMETER_SYSTEM, name, spec.doc, name),
                "valueQuantity": _quantity(params.value(name), spec.unit),
            }
        )
    return out


def _device_request(
    rx: Prescription, subject: dict[str, str], status: str, issued: str, labels: list[str], flags: list[str]
) -> dict[str, Any]:
    side = rx.side.value
    out: dict[str, Any] = {
        "resourceType": "DeviceRequest",
        "status": status,
        "intent": "order",
        "codeCodeableConcept": _concept(
            DEVICE_SYSTEM,
            "custom-foot-orthosis",
            "Custom foot orthosis (insole)",
            f"Custom foot orthosis (insole), {side}",
        ),
        "parameter": _parameters(rx.params),
        "subject": subject,
        "authoredOn": issued,
    }
    if labels:
        out["reasonReference"] = [{"reference": urn} for urn in labels]
    if flags:
        out["supportingInfo"] = [{"reference": urn} for urn in flags]
    notes = [f"profile: {rx.profile}", *rx.reasons]
    out["note"] = [{"text": text} for text in notes]
    return out
