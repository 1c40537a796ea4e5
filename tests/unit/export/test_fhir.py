"""The FHIR export: every bundled example as an R4 Bundle, validated by fhir.resources' R4B
models (fhir.resources 8 defaults to R5 and ships no pure R4; R4B is R4's structure for every
resource used here), with one Patient, an Observation per measure, the labels naming their
deciding measure, a DeviceRequest per insole with every parameter, references that resolve
and the same JSON on every call.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from helpers.repo import EXAMPLES
from helpers.steps import settings
from orthofit.assess.assessment import assess
from orthofit.config.params import PARAMETERS
from orthofit.export.fhir import (
    BODY_SITES,
    LABEL_SYSTEM,
    LOINC,
    MEASURE_SYSTEM,
    PARAMETER_SYSTEM,
    PATIENT_ID_SYSTEM,
    RED_FLAG_SYSTEM,
    UCUM,
    visit_bundle,
)
from orthofit.geometry.features import FEATURES
from orthofit.io.case_file import FOOT_FIELDS, load_case
from orthofit.measure.case import INDEX_UNITS, measure_case
from orthofit.model.case import Case, FootMeasurements, Patient
from orthofit.model.enums import Sex, Side
from orthofit.pipeline.fit import fit
from orthofit.pipeline.inputs import measure_files
from orthofit.prescribe.prescription import prescribe

#: fhir.resources 8 is pydantic 2 (``model_validate``); 7 kept pydantic 1's ``parse_obj``.
validate = getattr(Bundle, "model_validate", None) or Bundle.parse_obj

EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES.glob("*.toml"))
ISSUED = "2026-11-20"


@pytest.fixture(scope="module")
def visits():
    """Every example: (case, assessment, side -> prescription), as ``fit`` makes them but
    without building the insoles (the prescription is what the bundle carries)."""
    s = settings()
    out = {}
    for name in EXAMPLE_NAMES:
        a = assess(measure_files(load_case(EXAMPLES / f"{name}.toml")), s)
        sides = [side for side in Side if a.case.foot(side).foot_length_mm is not None]
        out[name] = (a.case, a, {side: prescribe(a, side, s, None, FEATURES) for side in sides})
    return out


def bundle_of(visits, name: str, **kw: Any) -> dict[str, Any]:
    case, a, rx = visits[name]
    return visit_bundle(case, a, rx, visit_id=kw.pop("visit_id", f"visit-{name}"), issued=ISSUED, **kw)


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def code_of(resource: dict[str, Any]) -> tuple[str, str]:
    c = resource["code"]["coding"][0]
    return c["system"], c["code"]


def side_of(resource: dict[str, Any]) -> Side | None:
    site = resource.get("bodySite")
    if site is None:
        return None
    return next(s for s, (code, _) in BODY_SITES.items() if site["coding"][0]["code"] == code)


def references(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["reference"]] if isinstance(node.get("reference"), str) else []
        return own + [r for v in node.values() for r in references(v)]
    if isinstance(node, list):
        return [r for v in node for r in references(v)]
    return []


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_bundle_validates_as_fhir_r4(visits, name):
    bundle = bundle_of(visits, name)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    json.dumps(bundle, allow_nan=False)  # plain JSON types only, no NaN
    parsed = validate(bundle)
    assert len(parsed.entry) == len(bundle["entry"])
    kinds = {type(e.resource).__name__ for e in parsed.entry}
    assert {"Patient", "Observation", "DeviceRequest"} <= kinds


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_one_patient_without_an_invented_birth_date(visits, name):
    case, _, _ = visits[name]
    bundle = bundle_of(visits, name)
    (patient,) = resources(bundle, "Patient")
    assert patient["identifier"] == [{"system": PATIENT_ID_SYSTEM, "value": case.patient.id}]
    assert patient["name"] == [{"text": case.patient.name}]
    assert patient["gender"] == case.patient.sex.value
    assert "birthDate" not in patient
    ages = [o for o in resources(bundle, "Observation") if code_of(o) == (LOINC, "30525-0")]
    assert [o["valueQuantity"]["value"] for o in ages] == [case.patient.age_years]
    assert ages[0]["valueQuantity"]["code"] == "a"


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_an_observation_per_measure_and_foot(visits, name):
    case, a, _ = visits[name]
    bundle = bundle_of(visits, name)
    measures = [o for o in resources(bundle, "Observation") if code_of(o)[0] == MEASURE_SYSTEM]
    for side in Side:
        got = {code_of(o)[1]: o for o in measures if side_of(o) is side}
        expected = {k: getattr(case.foot(side), k) for k in FOOT_FIELDS if getattr(case.foot(side), k) is not None}
        for k, v in a.foot(side).indices.items():
            if v is not None and k != "navicular_height_mm":  # the same value as navicular_height_standing_mm
                expected.setdefault(k, v)
        assert set(got) == set(expected), side
        assert len([o for o in measures if side_of(o) is side]) == len(got)  # one each
        for k, v in expected.items():
            q = got[k]["valueQuantity"]
            assert q["value"] == pytest.approx(v), (side, k)
            assert q["system"] == UCUM and q["code"], (side, k)
            assert got[k]["subject"]["reference"] == bundle["entry"][0]["fullUrl"]
        if "fpi6_total" in got:
            assert [c["valueInteger"] for c in got["fpi6_total"]["component"]] == list(case.foot(side).fpi6)
            assert got["fpi6_total"]["valueQuantity"]["code"] == "{score}"
        units = {k: got[k]["valueQuantity"]["code"] for k in got}
        assert all(units[k] == "mm" for k in units if k.endswith("_mm"))
        assert all(units[k] == "deg" for k in units if k.endswith("_deg"))
        assert all(units[k] == "%" for k in units if k.endswith("_pct"))
        assert all(units[k] == "1" for k in units if INDEX_UNITS.get(k) == "" and k != "fpi6_total")


def test_body_sites_are_the_snomed_feet(visits):
    bundle = bundle_of(visits, "flat-pronated-adult")
    sites = {json.dumps(o["bodySite"]["coding"]) for o in resources(bundle, "Observation") if "bodySite" in o}
    assert sites == {
        json.dumps([{"system": "http://snomed.info/sct", "code": "22335008", "display": "Left foot"}]),
        json.dumps([{"system": "http://snomed.info/sct", "code": "7769000", "display": "Right foot"}]),
    }


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_labels_per_foot_name_their_deciding_measure(visits, name):
    _, a, _ = visits[name]
    bundle = bundle_of(visits, name)
    by_url = {e["fullUrl"]: e["resource"] for e in bundle["entry"]}
    labels = [o for o in resources(bundle, "Observation") if code_of(o)[0] == LABEL_SYSTEM]
    for side in Side:
        foot = a.foot(side)
        mine = {code_of(o)[1]: o for o in labels if side_of(o) is side}
        if not foot.measured:
            assert mine == {}
            continue
        assert set(mine) == {"arch_type", "pronation"}
        for kind, label in (("arch_type", foot.arch_type), ("pronation", foot.pronation)):
            obs = mine[kind]
            if label.value is None:
                assert "dataAbsentReason" in obs and "valueCodeableConcept" not in obs
                continue
            assert obs["valueCodeableConcept"]["coding"][0]["code"] == label.value
            assert obs["valueCodeableConcept"]["text"] == label.text
            decider = by_url[obs["derivedFrom"][0]["reference"]]
            want = {"navicular_height_mm": "navicular_height_standing_mm"}.get(
                label.decided_by.measure, label.decided_by.measure
            )
            assert code_of(decider) == (MEASURE_SYSTEM, want)
            assert side_of(decider) is side
            assert label.decided_by.title in obs["note"][0]["text"]
            assert obs["note"][0]["text"].startswith("Decided by")


def test_an_undetermined_label_says_why_and_an_unmeasured_foot_has_none():
    # a foot length only: nothing decides the left foot's labels; the right foot was not measured
    case = Case(
        Patient("LEN-ONLY", 40, sex=Sex.OTHER), left=FootMeasurements(foot_length_mm=250), right=FootMeasurements()
    )
    a = assess(measure_case(case), settings())
    rx = {Side.LEFT: prescribe(a, Side.LEFT, settings(), None, FEATURES)}
    bundle = visit_bundle(a.case, a, rx, visit_id="v", issued=ISSUED)
    validate(bundle)
    assert resources(bundle, "Patient")[0]["gender"] == "other"
    labels = [o for o in resources(bundle, "Observation") if code_of(o)[0] == LABEL_SYSTEM]
    assert {(code_of(o)[1], side_of(o)) for o in labels} == {("arch_type", Side.LEFT), ("pronation", Side.LEFT)}
    for obs in labels:
        assert obs["dataAbsentReason"]["coding"][0]["code"] == "not-performed"
        assert "derivedFrom" not in obs and "valueCodeableConcept" not in obs
    measures = [o for o in resources(bundle, "Observation") if code_of(o)[0] == MEASURE_SYSTEM]
    assert [(code_of(o)[1], side_of(o)) for o in measures] == [("foot_length_mm", Side.LEFT)]
    assert len(resources(bundle, "DeviceRequest")) == 1


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_a_device_request_per_insole_with_every_parameter(visits, name):
    _, _, rx = visits[name]
    bundle = bundle_of(visits, name)
    patient = bundle["entry"][0]["fullUrl"]
    requests = resources(bundle, "DeviceRequest")
    assert len(requests) == len(rx)
    for req, (side, p) in zip(requests, rx.items(), strict=True):
        assert req["status"] == "draft" and req["intent"] == "order"
        assert req["subject"] == {"reference": patient}
        assert req["codeCodeableConcept"]["text"] == f"Custom foot orthosis (insole), {side.value}"
        params = {pp["code"]["coding"][0]["code"]: pp for pp in req["parameter"]}
        assert all(pp["code"]["coding"][0]["system"] == PARAMETER_SYSTEM for pp in req["parameter"])
        assert list(params) == ["length", "construction", "shoe", *PARAMETERS]
        for choice in ("length", "construction", "shoe"):
            assert params[choice]["valueCodeableConcept"]["coding"][0]["code"] == getattr(p.params, choice).value
        for pname, spec in PARAMETERS.items():
            q = params[pname]["valueQuantity"]
            assert q["value"] == p.params.value(pname)
            # every unit of parameters.toml has a UCUM code (a new unit must be added to fhir._UNITS)
            assert q["system"] == UCUM, (pname, spec.unit)
            assert q["code"] == {"deg": "deg", "mm": "mm"}.get(spec.unit, "%"), (pname, spec.unit)
        assert [n["text"] for n in req["note"][1:]] == list(p.reasons)


def test_status_is_the_callers(visits):
    bundle = bundle_of(visits, "normal-adult", status="active")
    assert {r["status"] for r in resources(bundle, "DeviceRequest")} == {"active"}


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_every_reference_resolves_inside_the_bundle(visits, name):
    bundle = bundle_of(visits, name)
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(set(urls)) == len(urls)
    for e in bundle["entry"]:
        assert e["fullUrl"] == f"urn:uuid:{e['resource']['id']}"
    refs = references(bundle["entry"])
    assert refs and set(refs) <= set(urls)


def test_red_flags_are_flags_the_orders_point_to(visits):
    _, a, _ = visits["red-flag"]
    bundle = bundle_of(visits, "red-flag")
    flags = resources(bundle, "Flag")
    assert [code_of(f) for f in flags] == [(RED_FLAG_SYSTEM, f.name) for f in a.referral.flags]
    assert len(flags) == 2
    urls = {e["resource"]["id"]: e["fullUrl"] for e in bundle["entry"]}
    for req in resources(bundle, "DeviceRequest"):
        assert [r["reference"] for r in req["supportingInfo"]] == [urls[f["id"]] for f in flags]
    assert resources(bundle_of(visits, "normal-adult"), "Flag") == []


def test_leg_length_and_asymmetry(visits):
    bundle = bundle_of(visits, "asymmetric-adult")
    whole = {code_of(o)[1]: o for o in resources(bundle, "Observation") if "bodySite" not in o}
    lld = whole["leg_length_difference_mm"]
    assert lld["valueQuantity"]["value"] == 10
    assert lld["component"][0]["valueCodeableConcept"]["coding"][0]["code"] == "left"
    assert whole["fpi6_difference"]["valueQuantity"]["value"] == 5  # 7 - 2
    assert len(whole["foot_length_difference_mm"]["derivedFrom"]) == 2


@pytest.mark.parametrize("name", EXAMPLE_NAMES[:3])
def test_the_json_is_the_same_on_every_call(visits, name):
    first = json.dumps(bundle_of(visits, name), ensure_ascii=False)
    assert json.dumps(bundle_of(visits, name), ensure_ascii=False) == first
    case, a, rx = visits[name]
    as_date = visit_bundle(case, a, rx, visit_id=f"visit-{name}", issued=datetime.date(2026, 11, 20))
    assert json.dumps(as_date, ensure_ascii=False) == first
    other = bundle_of(visits, name, visit_id="another-visit")
    assert {e["fullUrl"] for e in other["entry"]}.isdisjoint(e["fullUrl"] for e in json.loads(first)["entry"])


def test_from_a_fit_result():
    # FitResult's pieces as they are: the case, the assessment and the InsoleOutput tuple
    r = fit(EXAMPLES / "flat-pronated-adult.toml", settings())
    bundle = visit_bundle(r.case, r.assessment, r.insoles, visit_id="v-1", issued=r.case.clinician.date)
    validate(bundle)
    for req in resources(bundle, "DeviceRequest"):
        side = req["codeCodeableConcept"]["text"].rsplit(", ", 1)[1]
        got = {}
        for p in req["parameter"]:
            value = (
                p["valueQuantity"]["value"] if "valueQuantity" in p else p["valueCodeableConcept"]["coding"][0]["code"]
            )
            got[p["code"]["coding"][0]["code"]] = value
        assert got == r.manifest["insoles"][side]["params"]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"visit_id": ""}, "visit_id"),
        ({"status": "approved"}, "RequestStatus"),
        ({"issued": "20/11/2026"}, "dateTime"),
        ({"issued": datetime.datetime(2026, 11, 20, 9, 30)}, "time zone"),
    ],
)
def test_bad_arguments_are_refused(visits, kw, message):
    case, a, rx = visits["normal-adult"]
    args = {"visit_id": "v", "issued": ISSUED, **kw}
    with pytest.raises(ValueError, match=message):
        visit_bundle(case, a, rx, **args)


def test_an_aware_datetime_is_kept_with_its_zone(visits):
    case, a, rx = visits["normal-adult"]
    when = datetime.datetime(2026, 11, 20, 9, 30, tzinfo=datetime.UTC)
    bundle = visit_bundle(case, a, rx, visit_id="v", issued=when)
    validate(bundle)
    assert resources(bundle, "DeviceRequest")[0]["authoredOn"] == "2026-11-20T09:30:00+00:00"


def test_two_insoles_for_one_foot_are_refused(visits):
    case, a, rx = visits["normal-adult"]
    with pytest.raises(ValueError, match="two insoles"):
        visit_bundle(case, a, [rx[Side.LEFT], rx[Side.LEFT]], visit_id="v", issued=ISSUED)
