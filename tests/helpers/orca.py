"""An OrcaSlicer / Bambu Studio project 3MF read the way their loader reads it.

The rules are those of OrcaSlicer's ``src/libslic3r/Format/bbs_3mf.cpp`` (the same file in
Bambu Studio), each checked here and failed loudly instead of silently dropping the zones:

* ``_rels/.rels`` names the root model; the root model's ``Application`` metadata starts with
  ``BambuStudio-`` and a version, or the file is not read as their project (and its parts'
  settings are not loaded); a major version other than the slicer's own loads geometry only;
* components reach their meshes by ``p:path`` (the literal prefix: the parser does no
  namespace processing), which must equal a Target of ``3D/_rels/3dmodel.model.rels``;
* object ids are unique across the whole file (a repeated id reuses the first mesh);
* ``Metadata/model_settings.config``: one ``<object>`` whose id is the root object's, one
  ``<part>`` per component whose id is that component's ``objectid`` (a part that matches none
  is loaded as a plain part without settings), ``subtype`` one of the loader's five, plates
  numbered 1..N; metadata outside an object or plate makes the load fail;
* ``Metadata/project_settings.config``: JSON whose every value is a string or a list of strings.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CORE = "{http://schemas.microsoft.com/3dmanufacturing/core/2015/02}"
PRODUCTION = "{http://schemas.microsoft.com/3dmanufacturing/production/2015/06}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
SUBTYPES = {"normal_part", "negative_part", "modifier_part", "support_enforcer", "support_blocker"}
#: Orca's gyroid and the other sparse infill patterns it names (PrintConfig.cpp, InfillPattern).
PATTERNS = {"gyroid", "grid", "zig-zag", "honeycomb", "adaptivecubic", "lightning", "cubic", "line", "triangles"}
SLICER_MAJOR = 2  # OrcaSlicer 2.x, Bambu Studio 2.x
REAL = json.loads((Path(__file__).parents[1] / "data" / "orca" / "written-by-the-slicer.json").read_text())


@dataclass
class Part:
    id: int
    subtype: str
    name: str
    settings: dict[str, str]
    vertices: np.ndarray  # (n, 3) mm, in the object's frame
    faces: np.ndarray


@dataclass
class Project:
    application: str
    root_id: int
    placement: np.ndarray  # (3,) the build item's translation, mm
    parts: list[Part]
    project_settings: dict
    model_settings: ET.Element


def load(path: Path) -> Project:
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        rels = ET.fromstring(z.read("_rels/.rels"))
        (start,) = [r.get("Target") for r in rels.iter(f"{RELS}Relationship") if r.get("Type", "").endswith("3dmodel")]
        root_path = start.lstrip("/")
        root = ET.fromstring(z.read(root_path))
        meta = {m.get("name"): m.text or "" for m in root.iter(f"{CORE}metadata")}
        apps = [m.text for m in root.iter(f"{CORE}metadata") if m.get("name") == "Application"]
        assert len(apps) == 1, f"one Application metadata, got {apps}"
        match = re.fullmatch(r"BambuStudio-(\d+)\.(\d+)\.(\d+)", apps[0] or "")
        assert match, f"Application {apps[0]!r}: not BambuStudio-<version>, so not read as their project"
        assert int(match.group(1)) == SLICER_MAJOR, "another major version loads geometry only"
        assert meta.get("BambuStudio:3mfVersion") == "1"
        sub_rels_path = re.sub(r"([^/]+)$", r"_rels/\1.rels", root_path)
        sub_rels = ET.fromstring(z.read(sub_rels_path))
        targets = {r.get("Target") for r in sub_rels.iter(f"{RELS}Relationship")}
        meshes: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for target in targets:
            assert target.lstrip("/") in names, f"{target} is listed but missing"
            sub = ET.fromstring(z.read(target.lstrip("/")))
            for obj in sub.iter(f"{CORE}object"):
                k = int(obj.get("id"))
                assert k not in meshes, f"object id {k} repeated: the loader would reuse the first mesh"
                assert obj.get("type") == "model" and obj.get(f"{PRODUCTION}UUID")
                v = np.array([[float(x.get(a)) for a in "xyz"] for x in obj.iter(f"{CORE}vertex")])
                f = np.array([[int(t.get(a)) for a in ("v1", "v2", "v3")] for t in obj.iter(f"{CORE}triangle")])
                assert len(f) > 0 and f.max() < len(v)
                meshes[k] = (v, f)
        (obj,) = list(root.iter(f"{CORE}object"))
        root_id = int(obj.get("id"))
        assert root_id not in meshes, "the root object's id is used by a mesh"
        components = list(obj.iter(f"{CORE}component"))
        for c in components:
            assert c.get(f"{PRODUCTION}path") in targets, "p:path must equal a sub-model relationship's Target"
            assert c.get("transform") == "1 0 0 0 1 0 0 0 1 0 0 0"
        (item,) = list(root.iter(f"{CORE}item"))
        # an item without "printable" is printable to the loader
        assert int(item.get("objectid")) == root_id and item.get("printable", "1") == "1"
        placement = np.array([float(x) for x in item.get("transform").split()[9:12]])
        settings_xml = ET.fromstring(z.read("Metadata/model_settings.config"))
        project_settings = json.loads(z.read("Metadata/project_settings.config"))
    assert settings_xml.tag == "config"
    allowed = set(REAL["model_settings_elements"])
    assert {e.tag for e in settings_xml.iter()} <= allowed, "an element the slicer does not write"
    for child in settings_xml:
        assert child.tag in {"object", "plate"}, f"<{child.tag}> at the top: the load fails"
    (o,) = settings_xml.findall("object")
    assert int(o.get("id")) == root_id
    assert {m.get("key") for m in o.findall("metadata")} <= set(REAL["object_metadata_keys"])
    parts_xml = o.findall("part")
    assert [int(p.get("id")) for p in parts_xml] == [int(c.get("objectid")) for c in components], (
        "each part's id must be its component's objectid, in component order"
    )
    parts = []
    for p in parts_xml:
        assert p.get("subtype") in SUBTYPES
        kv = {m.get("key"): m.get("value") for m in p.findall("metadata")}
        name = kv.pop("name")
        assert kv.pop("matrix") == "1 0 0 0 0 1 0 0 0 0 1 0 0 0 0 1"
        v, f = meshes[int(p.get("id"))]
        parts.append(Part(int(p.get("id")), p.get("subtype"), name, kv, v, f))
    plates = settings_xml.findall("plate")
    assert [int({m.get("key"): m.get("value") for m in pl.findall("metadata")}["plater_id"]) for pl in plates] == list(
        range(1, len(plates) + 1)
    )
    for pl in plates:
        assert {m.get("key") for m in pl.findall("metadata")} <= set(REAL["plate_metadata_keys"])
        for mi in pl.findall("model_instance"):
            kv = {m.get("key"): m.get("value") for m in mi.findall("metadata")}
            assert set(kv) <= set(REAL["model_instance_metadata_keys"]) and int(kv["object_id"]) == root_id
    for key, value in project_settings.items():
        assert isinstance(value, str) or (isinstance(value, list) and all(isinstance(x, str) for x in value)), key
    return Project(apps[0], root_id, placement, parts, project_settings, settings_xml)
