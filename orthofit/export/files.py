"""Mesh export: binary STL and 3MF, returned as ``bytes`` (the caller writes the file).

Both writers are pure and deterministic: the same mesh, name and metadata give the same bytes
on every run (no clock, no random UUID), so an exported insole can be compared byte for byte.

Coordinates are millimetres in orthofit's frame (README, "Coordinate frame and units"). STL
carries no unit; the 3MF says ``unit="millimeter"``.

The meshes come from orthofit's own builder, which has already checked that they are closed,
consistently wound, positive-volume solids; the checks here only catch programming errors
(wrong shape, NaN, an index out of range) and raise :class:`ValueError`.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import struct
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

import numpy as np

#: XML namespace of orthofit's own 3MF metadata (3MF core spec §3.4.1: a metadata name that
#: the spec does not define MUST be prefixed with a namespace declared on <model>).
ORTHOFIT_NAMESPACE = "https://github.com/orthofit"
#: The prefix bound to :data:`ORTHOFIT_NAMESPACE`: custom metadata is named ``orthofit:NAME``.
ORTHOFIT_PREFIX = "orthofit"
#: Metadata names defined by the 3MF core specification (Table 3-1); used without a prefix.
WELL_KNOWN_METADATA = frozenset(
    {
        "Title",
        "Designer",
        "Description",
        "Copyright",
        "LicenseTerms",
        "Rating",
        "CreationDate",
        "ModificationDate",
        "Application",
    }
)

#: A PrusaSlicer modifier volume: (name, vertices (n, 3), faces (m, 3), per-volume settings).
Modifier = tuple[str, np.ndarray, np.ndarray, Mapping[str, str]]
#: Decimals written for a 3MF vertex coordinate: 0.1 µm, far below a 0.05 mm print step.
COORDINATE_DECIMALS = 4

_STL_HEADER_BYTES = 80
#: Every STL header starts with this, so it never starts with "solid": readers that sniff the
#: first five bytes would take such a binary file for an ASCII STL.
_STL_HEADER_PREFIX = "orthofit: "
#: One binary STL facet: normal, three vertices, attribute byte count (50 bytes, no padding).
_STL_FACET = np.dtype([("normal", "<f4", (3,)), ("vertices", "<f4", (3, 3)), ("attribute", "<u2")])
assert _STL_FACET.itemsize == 50

_MIN_FACES = 4  # a closed solid has at least 4 triangles (3MF core spec §4.1.4)
_MAX_3MF_COUNT = 2**31  # 3MF core spec §4.1.3/§4.1.4: fewer than 2^31 vertices and triangles

_CORE_NAMESPACE = "http://schemas.microsoft.com/3dmanufacturing/core/2015/02"
_MODEL_PATH = "3D/3dmodel.model"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="model" '
    'ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"/>'
    "</Types>\n"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Target="/{_MODEL_PATH}" Id="rel0" '
    'Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/>'
    "</Relationships>\n"
)
# Fixed zip entry fields, so the archive does not depend on the clock or the platform.
_ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
_ZIP_CREATE_SYSTEM = 3  # Unix, so that external_attr below is read as a file mode
_ZIP_EXTERNAL_ATTR = 0o100644 << 16  # a regular file, rw-r--r--
# Deflating the XML is most of the run time: level 6 took 4 times as long as level 1 (0.6 s
# for 330k faces) for a file 23 % smaller.
_ZIP_COMPRESSLEVEL = 1

# Characters XML 1.0 cannot carry at all, even escaped (§2.2 "Char").
_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# The local part of a custom metadata name: an ASCII subset of an XML NCName.
_LOCAL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")


def stl_bytes(vertices, faces, name: str) -> bytes:
    """A mesh as a binary STL file.

    Parameters
    ----------
    vertices : (n, 3) float
        Vertex positions, mm. Written as little-endian float32.
    faces : (m, 3) int
        Triangles as indices into ``vertices``, counter-clockwise seen from outside;
        m >= 4, the three indices of a triangle distinct.
    name : str
        Written into the 80-byte header as ``"orthofit: " + name``: accents dropped,
        any other character outside printable ASCII replaced by ``?``, then cut to 80 bytes
        or padded with spaces.

    Returns
    -------
    bytes
        ``84 + 50 m`` bytes: header, uint32 face count, then per face the unit normal
        (computed from the vertices; zero for a zero-area face), the three vertices and a
        zero attribute word.

    Raises
    ------
    ValueError
        If the arrays are malformed (see Parameters) or ``name`` is not a ``str``.
    """
    vertices, faces = _checked_mesh(vertices, faces)
    if not isinstance(name, str):
        raise ValueError(f"the STL name must be a str, got {type(name).__name__}")
    if len(faces) >= 2**32:
        raise ValueError(f"a binary STL holds fewer than 2^32 faces, got {len(faces)}")

    corners = vertices[faces]  # (m, 3, 3) float64
    normals = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    lengths = np.linalg.norm(normals, axis=1, keepdims=True)
    normals = np.divide(normals, lengths, out=np.zeros_like(normals), where=lengths > 0)

    facets = np.zeros(len(faces), dtype=_STL_FACET)
    facets["normal"] = normals
    facets["vertices"] = corners
    return _stl_header(name) + struct.pack("<I", len(faces)) + facets.tobytes()


#: PrusaSlicer's per-object and per-volume settings (its 3MF convention): volumes are ranges
#: of the object's triangles; every metadata line needs type="object" or type="volume", or
#: PrusaSlicer refuses the whole file.
SLICER_CONFIG_PATH = "Metadata/Slic3r_PE_model.config"
#: PrusaSlicer's project settings (print, filament, printer) in a 3MF: ``; key = value`` lines.
SLICER_PROJECT_PATH = "Metadata/Slic3r_PE.config"


def threemf_bytes(
    vertices,
    faces,
    object_name: str,
    metadata: Mapping[str, str],
    modifiers: Sequence[Modifier] = (),
    object_settings: Mapping[str, str] | None = None,
    project_config: str | None = None,
) -> bytes:
    """A mesh as a 3MF file (3MF core specification 1.x), one object, unit millimetre.

    The package holds ``[Content_Types].xml``, ``_rels/.rels`` and ``3D/3dmodel.model``
    (in that order), each deflated and dated 1980-01-01 00:00, so equal input gives equal
    bytes.

    Parameters
    ----------
    vertices : (n, 3) float
        Vertex positions, mm. Written with :data:`COORDINATE_DECIMALS` decimals.
    faces : (m, 3) int
        Triangles as indices into ``vertices``, counter-clockwise seen from outside;
        m >= 4, the three indices of a triangle distinct (3MF core spec §4.1.4).
    object_name : str
        The ``name`` of the one ``<object type="model">``; any Unicode that XML can carry.
    metadata : mapping of str to str
        Model-level ``<metadata>``, written sorted by name. A name is either one the
        3MF core specification defines (:data:`WELL_KNOWN_METADATA`: ``Title``,
        ``Designer``, ``Description``, ``Application`` ...) or ``orthofit:NAME`` with
        NAME a letter or ``_`` followed by letters, digits, ``_``, ``.`` or ``-``; the
        ``orthofit`` prefix is bound to :data:`ORTHOFIT_NAMESPACE` on ``<model>``. A value
        is any Unicode that XML can carry; it round-trips exactly through an XML parser.

    modifiers : sequence of (name, vertices, faces, settings)
        Slicer modifier volumes (closed meshes, mm) with their settings (PrusaSlicer option
        names, e.g. ``{"fill_density": "20%"}``): stored after the part's triangles in the
        same object and described in :data:`SLICER_CONFIG_PATH`. They are not printed; they
        change the settings of the part inside them (a later one wins where they overlap).
    object_settings : mapping of str to str, optional
        PrusaSlicer settings of the whole object (written with the modifiers).
    project_config : str, optional
        PrusaSlicer project settings, written as :data:`SLICER_PROJECT_PATH`
        (:func:`orthofit.config.print_profile.slicer_project_config`): PrusaSlicer opens
        and slices the 3MF with them; other slicers ignore the file.

    Returns
    -------
    bytes
        The 3MF (zip) file.

    Raises
    ------
    ValueError
        If the arrays are malformed, a metadata name is neither well known nor
        ``orthofit:``-prefixed, or a text holds a character XML cannot carry
        (a control character other than tab, newline and carriage return).
    """
    vertices, faces = _checked_mesh(vertices, faces)
    config = None
    if modifiers:
        # lists of arrays: the part, then each modifier
        parts, tris, config = _with_modifiers(vertices, faces, object_name, modifiers, object_settings or {})
        mesh_xml = _mesh_xml(parts, tris)
    else:
        mesh_xml = _mesh_xml(vertices, faces)
    _check_xml_text("object_name", object_name)
    metadata_xml = _metadata_xml(metadata)

    model = _model_xml(
        metadata_xml,
        f'<object id="1" type="model" name={quoteattr(object_name)}>\n{mesh_xml}</object>\n',
        1,
    )
    entries = [("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS), (_MODEL_PATH, model)]
    if config is not None:
        entries.append((SLICER_CONFIG_PATH, config))
    if project_config is not None:
        _check_xml_text("project_config", project_config)
        entries.append((SLICER_PROJECT_PATH, project_config))
    return _package(entries)


#: Cura's per-object settings in a 3MF: ``<metadata name="cura:KEY" preserve="true">`` in
#: the object's ``<metadatagroup>``; Cura's 3MF parser (libSavitar) hands them to the object
#: without the prefix (libSavitar tests/test_model.xml; Cura plugins/3MFReader/ThreeMFReader.py).
CURA_SETTING_PREFIX = "cura:"
#: The namespace Cura's own 3MF writer binds to ``cura`` (plugins/3MFWriter/ThreeMFWriter.py).
CURA_NAMESPACE = "http://software.ultimaker.com/xml/cura/3mf/2015/10"


def cura_project_bytes(
    vertices,
    faces,
    object_name: str,
    metadata: Mapping[str, str],
    infill_meshes: Sequence[Modifier],
    insole_settings: Mapping[str, str] | None = None,
) -> bytes:
    """An insole and its stiffness zones as a 3MF that Cura opens as one group: the insole's
    mesh object (with Cura's per-object ``insole_settings``, e.g. its walls), one mesh
    object per zone carrying Cura's per-object settings (``settings``:
    Cura setting names, e.g. ``{"infill_mesh": "True", "infill_sparse_density": "20"}``), and
    a group object whose components are all of them, the one build item. The same package
    rules as :func:`threemf_bytes` (deterministic bytes, millimetres, checked meshes).

    Raises
    ------
    ValueError
        As :func:`threemf_bytes`; or if there is no infill mesh.
    """
    if not infill_meshes:
        raise ValueError("a Cura project needs at least one infill mesh")
    vertices, faces = _checked_mesh(vertices, faces)
    _check_xml_text("object_name", object_name)
    objects = [_cura_object(1, object_name, insole_settings or {}, vertices, faces)]
    for k, (name, mv, mf, settings) in enumerate(infill_meshes, start=2):
        _check_xml_text("infill mesh name", name)
        mv, mf = _checked_mesh(mv, mf)
        objects.append(_cura_object(k, name, settings, mv, mf))
    group_id = len(infill_meshes) + 2
    components = "".join(f'<component objectid="{k}"/>\n' for k in range(1, group_id))
    objects.append(
        f'<object id="{group_id}" type="model" name={quoteattr(object_name)}>\n'
        f"<components>\n{components}</components>\n</object>\n"
    )
    model = _model_xml(_metadata_xml(metadata), "".join(objects), group_id, f' xmlns:cura="{CURA_NAMESPACE}"')
    return _package([("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _RELS), (_MODEL_PATH, model)])


#: How OrcaSlicer and Bambu Studio recognise their own project (bbs_3mf.cpp reads the
#: ``Application`` metadata: only ``BambuStudio-<version>`` makes the file theirs and loads the
#: parts' settings). Orca writes its own version after the prefix; major version 2 is what
#: OrcaSlicer 2.x and Bambu Studio 2.x load with their settings (a file of another major version
#: is read as geometry only).
ORCA_APPLICATION = "BambuStudio-2.3.1"
#: The Bambu Studio metadata namespace and the 3MF production extension Orca's projects use.
BAMBU_NAMESPACE = "http://schemas.bambulab.com/package/2021"
PRODUCTION_NAMESPACE = "http://schemas.microsoft.com/3dmanufacturing/production/2015/06"
ORCA_OBJECTS_PATH = "3D/Objects/object_1.model"
ORCA_MODEL_SETTINGS_PATH = "Metadata/model_settings.config"
ORCA_PROJECT_SETTINGS_PATH = "Metadata/project_settings.config"
#: Deterministic UUIDs (the production extension wants one on every object, component, build
#: and item): UUID 5 of the part's role under this namespace, so equal input gives equal bytes.
_UUID_NAMESPACE = uuid.UUID("5e0c3f4e-8a52-4b7e-9d2a-0f7a1c2b3d4e")


def orca_project_bytes(
    vertices,
    faces,
    object_name: str,
    metadata: Mapping[str, str],
    modifiers: Sequence[Modifier],
    project_settings: Sequence[tuple[str, str | list[str]]],
    bed_mm: tuple[float, float],
) -> bytes:
    """An insole and its stiffness zones as an OrcaSlicer / Bambu Studio project 3MF.

    Their project layout (read in OrcaSlicer's ``src/libslic3r/Format/bbs_3mf.cpp``, the same
    in Bambu Studio's): the meshes in a sub-model ``3D/Objects/object_1.model`` (the insole,
    then one mesh per zone), one root object in ``3D/3dmodel.model`` whose production-extension
    components point at them (``p:path``), ``Metadata/model_settings.config`` naming each
    component a ``normal_part`` (the insole) or a ``modifier_part`` (a zone, with its settings
    in Orca's names, e.g. ``sparse_infill_density``) by the component's object id, one plate,
    and ``Metadata/project_settings.config`` (JSON, every value a string or a list of strings).
    Later zones win where zones overlap, as in PrusaSlicer. The object stands centred on a bed
    of ``bed_mm`` (x, y).

    Raises
    ------
    ValueError
        As :func:`threemf_bytes`; or if there is no modifier or a setting is not a string.
    """
    if not modifiers:
        raise ValueError("an OrcaSlicer project needs at least one modifier")
    vertices, faces = _checked_mesh(vertices, faces)
    _check_xml_text("object_name", object_name)
    parts: list[tuple[str, np.ndarray, np.ndarray, str, dict[str, str]]] = [
        (object_name, vertices, faces, "normal_part", {})
    ]
    for name, mv, mf, settings in modifiers:
        _check_xml_text("modifier name", name)
        mv, mf = _checked_mesh(mv, mf)
        parts.append((name, mv, mf, "modifier_part", dict(settings)))
    root = len(parts) + 1  # Orca numbers the sub-objects 1..N and the root object N + 1

    def uid(role: str) -> str:
        return str(uuid.uuid5(_UUID_NAMESPACE, f"{object_name}/{role}"))

    header = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<model unit="millimeter" xml:lang="en-US" xmlns="{_CORE_NAMESPACE}" '
        f'xmlns:{ORTHOFIT_PREFIX}="{ORTHOFIT_NAMESPACE}" xmlns:BambuStudio="{BAMBU_NAMESPACE}" '
        f'xmlns:p="{PRODUCTION_NAMESPACE}" requiredextensions="p">\n'
        '<metadata name="BambuStudio:3mfVersion">1</metadata>\n'
    )
    sub_objects = "".join(
        f'<object id="{k}" p:UUID="{uid(f"part{k}")}" type="model">\n{_mesh_xml(v, f)}</object>\n'
        for k, (_, v, f, _, _) in enumerate(parts, start=1)
    )
    sub_model = f"{header}<resources>\n{sub_objects}</resources>\n<build/>\n</model>\n"
    identity = "1 0 0 0 1 0 0 0 1 0 0 0"
    components = "".join(
        f'<component p:path="/{ORCA_OBJECTS_PATH}" objectid="{k}" p:UUID="{uid(f"component{k}")}" '
        f'transform="{identity}"/>\n'
        for k in range(1, root)
    )
    lo, hi = vertices.min(axis=0), vertices.max(axis=0)
    tx, ty = (bed_mm[0] - (lo[0] + hi[0])) / 2, (bed_mm[1] - (lo[1] + hi[1])) / 2
    model = (
        f'{header}<metadata name="Application">{ORCA_APPLICATION}</metadata>\n'
        # the one Application: Orca reads the last one it meets
        f"{_metadata_xml({k: v for k, v in metadata.items() if k != 'Application'})}<resources>\n"
        f'<object id="{root}" p:UUID="{uid("object")}" type="model">\n<components>\n{components}</components>\n'
        "</object>\n</resources>\n"
        f'<build p:UUID="{uid("build")}">\n'
        # no printable="1": not a core attribute (lib3mf's strict mode refuses it), and Orca
        # takes an item without it as printable
        f'<item objectid="{root}" p:UUID="{uid("item")}" transform="1 0 0 0 1 0 0 0 1 {tx:.4f} {ty:.4f} 0"/>\n'
        "</build>\n</model>\n"
    )

    def meta(key: str, value: str) -> str:
        return f"<metadata key={quoteattr(key)} value={quoteattr(value)}/>\n"

    part_xml = []
    for k, (name, _, _, subtype, settings) in enumerate(parts, start=1):
        body = meta("name", name) + meta("matrix", "1 0 0 0 0 1 0 0 0 0 1 0 0 0 0 1")
        for key, value in settings.items():
            if not isinstance(value, str):
                raise ValueError(f"modifier setting {key!r} must be a string")
            _check_xml_text("modifier setting", value)
            body += meta(key, value)
        part_xml.append(f'<part id="{k}" subtype="{subtype}">\n{body}</part>\n')
    model_settings = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<config>\n'
        f'<object id="{root}">\n{meta("name", object_name)}{meta("extruder", "1")}{"".join(part_xml)}</object>\n'
        f"<plate>\n{meta('plater_id', '1')}{meta('plater_name', '')}{meta('locked', 'false')}"
        f"<model_instance>\n{meta('object_id', str(root))}{meta('instance_id', '0')}{meta('identify_id', '1')}"
        "</model_instance>\n</plate>\n</config>\n"
    )
    settings_json: dict[str, str | list[str]] = {"name": "project_settings", "from": "project", "version": "2.3.1"}
    for key, setting in project_settings:
        if not (isinstance(setting, str) or (isinstance(setting, list) and all(isinstance(x, str) for x in setting))):
            raise ValueError(f"project setting {key!r} must be a string or a list of strings")
        settings_json[key] = setting
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Target="/{ORCA_OBJECTS_PATH}" Id="rel-1" '
        'Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/>'
        "</Relationships>\n"
    )
    return _package(
        [
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _RELS),
            (_MODEL_PATH, model),
            ("3D/_rels/3dmodel.model.rels", rels),
            (ORCA_OBJECTS_PATH, sub_model),
            (ORCA_MODEL_SETTINGS_PATH, model_settings),
            (ORCA_PROJECT_SETTINGS_PATH, json.dumps(settings_json, indent=4, ensure_ascii=False) + "\n"),
        ]
    )


def _cura_object(k: int, name: str, settings: Mapping[str, str], vertices: np.ndarray, faces: np.ndarray) -> str:
    """One mesh object of a Cura project, its per-object settings as ``cura:`` metadata."""
    group = "".join(
        f'<metadata name={quoteattr(CURA_SETTING_PREFIX + key)} preserve="true">{_xml_text(str(v))}</metadata>\n'
        for key, v in settings.items()
    )
    group_xml = f"<metadatagroup>\n{group}</metadatagroup>\n" if group else ""
    return f'<object id="{k}" type="model" name={quoteattr(name)}>\n{group_xml}{_mesh_xml(vertices, faces)}</object>\n'


def _mesh_xml(vertices: np.ndarray | Sequence[np.ndarray], faces: np.ndarray | Sequence[np.ndarray]) -> str:
    """``<mesh>`` of checked arrays, coordinates with :data:`COORDINATE_DECIMALS` decimals.

    ``vertices`` and ``faces`` may each be a list of arrays (a part followed by its modifiers,
    faces already offset), written one after the other as if stacked.
    """
    vs = [vertices] if isinstance(vertices, np.ndarray) else list(vertices)
    fs = [faces] if isinstance(faces, np.ndarray) else list(faces)
    if sum(map(len, vs)) >= _MAX_3MF_COUNT or sum(map(len, fs)) >= _MAX_3MF_COUNT:
        raise ValueError("a 3MF mesh holds fewer than 2^31 vertices and 2^31 triangles")
    vertex_xml = "".join(_memo("v", v, _vertices_xml) for v in vs)
    triangle_xml = "".join(_memo("t", f, _triangles_xml) for f in fs)
    return f"<mesh>\n<vertices>\n{vertex_xml}</vertices>\n<triangles>\n{triangle_xml}</triangles>\n</mesh>\n"


def _vertices_xml(vertices: np.ndarray) -> str:
    # Round first, then add 0.0 so that a tiny negative value is written "0.0000", not
    # "-0.0000". Formatting all coordinates with one %-operation runs in C, not per vertex.
    coordinates = np.round(vertices, COORDINATE_DECIMALS) + 0.0
    number = f"%.{COORDINATE_DECIMALS}f"
    return (f'<vertex x="{number}" y="{number}" z="{number}"/>\n' * len(coordinates)) % tuple(
        coordinates.ravel().tolist()
    )


def _triangles_xml(faces: np.ndarray) -> str:
    return ('<triangle v1="%d" v2="%d" v3="%d"/>\n' * len(faces)) % tuple(faces.ravel().tolist())


#: The last meshes' XML, by content, up to :data:`_XML_MEMO_CHARS` characters in all: a case
#: writes each insole (and each zone's modifier volume) into its plain 3MF and again into its
#: slicer projects, and formatting the numbers is most of a 3MF's time.
_XML_MEMO: dict[tuple, str] = {}
_XML_MEMO_CHARS = 16_000_000


def _memo(kind: str, array: np.ndarray, make: Callable[[np.ndarray], str]) -> str:
    a = np.ascontiguousarray(array)
    key = (kind, a.dtype.str, a.shape, hashlib.blake2b(a.data, digest_size=20).digest())
    text = _XML_MEMO.pop(key, None)
    if text is None:
        text = make(a)
        held = sum(map(len, _XML_MEMO.values())) + len(text)
        while _XML_MEMO and held > _XML_MEMO_CHARS:
            held -= len(_XML_MEMO.pop(next(iter(_XML_MEMO))))  # the least recently used
    _XML_MEMO[key] = text  # (re)inserted last: the most recently used
    return text


def _model_xml(metadata_xml: str, objects_xml: str, build_object: int, namespaces: str = "") -> str:
    """``3D/3dmodel.model``: the model's metadata, its objects and one build item
    (``namespaces``: more ``xmlns:`` declarations for ``<model>``, each led by a space).
    """
    return "".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            f'<model unit="millimeter" xmlns="{_CORE_NAMESPACE}" ',
            f'xmlns:{ORTHOFIT_PREFIX}="{ORTHOFIT_NAMESPACE}"{namespaces}>\n',
            metadata_xml,
            "<resources>\n",
            objects_xml,
            "</resources>\n",
            f'<build>\n<item objectid="{build_object}"/>\n</build>\n',
            "</model>\n",
        ]
    )


def _package(entries: Sequence[tuple[str, str]]) -> bytes:
    """A zip of (path, text) in this order, deflated and dated 1980-01-01: equal input, equal bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, text in entries:
            info = zipfile.ZipInfo(path, date_time=_ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = _ZIP_CREATE_SYSTEM
            info.external_attr = _ZIP_EXTERNAL_ATTR
            archive.writestr(
                info,
                text.encode("utf-8"),
                compress_type=zipfile.ZIP_DEFLATED,
                compresslevel=_ZIP_COMPRESSLEVEL,
            )
    return buffer.getvalue()


def _with_modifiers(
    vertices: np.ndarray,
    faces: np.ndarray,
    object_name: str,
    modifiers: Sequence[Modifier],
    object_settings: Mapping[str, str],
) -> tuple[list[np.ndarray], list[np.ndarray], str]:
    """The part's mesh followed by each modifier's, and PrusaSlicer's config for them."""
    verts, tris = [vertices], [faces]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<config>",
        '<object id="1" instances_count="1">',
        f'<metadata type="object" key="name" value={quoteattr(object_name)}/>',
    ]
    lines += [
        f'<metadata type="object" key={quoteattr(k)} value={quoteattr(str(v))}/>' for k, v in object_settings.items()
    ]
    # (first face, last face, name, volume type, settings) of each volume, the part first.
    volumes: list[tuple[int, int, str, str, Mapping[str, str]]] = [(0, len(faces) - 1, object_name, "ModelPart", {})]
    n_v, n_f = len(vertices), len(faces)
    for name, mv, mf, settings in modifiers:
        _check_xml_text("modifier name", name)
        mv, mf = _checked_mesh(mv, mf)
        verts.append(mv)
        tris.append(mf + n_v)
        volumes.append((n_f, n_f + len(mf) - 1, name, "ParameterModifier", settings))
        n_v += len(mv)
        n_f += len(mf)
    for first, last, name, kind, settings in volumes:
        lines.append(f'<volume firstid="{first}" lastid="{last}">')
        lines.append(f'<metadata type="volume" key="name" value={quoteattr(name)}/>')
        lines.append(f'<metadata type="volume" key="volume_type" value="{kind}"/>')
        if kind == "ParameterModifier":
            lines.append('<metadata type="volume" key="modifier" value="1"/>')
        lines += [
            f'<metadata type="volume" key={quoteattr(k)} value={quoteattr(str(v))}/>' for k, v in settings.items()
        ]
        lines.append(
            '<mesh edges_fixed="0" degenerate_facets="0" facets_removed="0" facets_reversed="0" backwards_edges="0"/>'
        )
        lines.append("</volume>")
    lines += ["</object>", "</config>", ""]
    return verts, tris, "\n".join(lines)


def _checked_mesh(vertices, faces) -> tuple[np.ndarray, np.ndarray]:
    """``vertices`` as (n, 3) float64 and ``faces`` as (m, 3) int64, or ValueError."""
    v = np.asarray(vertices)
    if v.dtype.kind not in "fiu" or v.ndim != 2 or v.shape[1] != 3:
        raise ValueError(f"vertices must be an (n, 3) array of numbers, got shape {v.shape} dtype {v.dtype}")
    v = v.astype(np.float64, copy=False)
    if not np.isfinite(v).all():
        raise ValueError("vertices must be finite (no NaN or infinity)")

    f = np.asarray(faces)
    if f.dtype.kind not in "iu" or f.ndim != 2 or f.shape[1] != 3:
        raise ValueError(f"faces must be an (m, 3) array of integers, got shape {f.shape} dtype {f.dtype}")
    if len(f) < _MIN_FACES:
        raise ValueError(f"a solid needs at least {_MIN_FACES} faces, got {len(f)}")
    if f.min() < 0 or f.max() >= len(v):
        raise ValueError(f"face indices must lie in 0..{len(v) - 1}, got {f.min()}..{f.max()}")
    f = f.astype(np.int64, copy=False)
    repeated = (f[:, 0] == f[:, 1]) | (f[:, 1] == f[:, 2]) | (f[:, 0] == f[:, 2])
    if repeated.any():
        first = int(np.argmax(repeated))
        raise ValueError(f"face {first} repeats a vertex index: {f[first].tolist()}")
    return v, f


def _stl_header(name: str) -> bytes:
    """The 80-byte STL header for ``name`` (see :func:`stl_bytes`)."""
    decomposed = unicodedata.normalize("NFKD", _STL_HEADER_PREFIX + name)
    text = "".join(c if " " <= c <= "~" else "?" for c in decomposed if not unicodedata.combining(c))
    return text.encode("ascii")[:_STL_HEADER_BYTES].ljust(_STL_HEADER_BYTES, b" ")


def _check_xml_text(what: str, text: object) -> None:
    if not isinstance(text, str):
        raise ValueError(f"{what} must be a str, got {type(text).__name__}")
    bad = _XML_ILLEGAL.search(text)
    if bad:
        raise ValueError(f"{what} holds {bad.group()!r}, a character XML cannot carry: remove it")


def _xml_text(text: str) -> str:
    # A parser turns a raw carriage return into a newline (XML 1.0 §2.11); as a character
    # reference it survives, so the value round-trips exactly.
    return escape(text).replace("\r", "&#13;")


def _metadata_xml(metadata: Mapping[str, str]) -> str:
    """The ``<metadata>`` elements of ``<model>``, sorted by name."""
    if not isinstance(metadata, Mapping):
        raise ValueError(f"metadata must be a mapping of str to str, got {type(metadata).__name__}")
    lines = []
    for name in sorted(metadata, key=str):
        if not isinstance(name, str):
            raise ValueError(f"metadata names must be str, got {name!r}")
        prefix, _, local = name.rpartition(":")
        if name not in WELL_KNOWN_METADATA and not (prefix == ORTHOFIT_PREFIX and _LOCAL_NAME.fullmatch(local)):
            raise ValueError(
                f"3MF metadata name {name!r} is neither one the 3MF core specification defines "
                f"({', '.join(sorted(WELL_KNOWN_METADATA))}) nor '{ORTHOFIT_PREFIX}:NAME' "
                "(NAME: a letter or '_', then letters, digits, '_', '.' or '-')"
            )
        value = metadata[name]
        _check_xml_text(f"metadata {name!r}", value)
        lines.append(f"<metadata name={quoteattr(name)}>{_xml_text(value)}</metadata>\n")
    return "".join(lines)
