"""Reading a 3MF with lib3mf, the 3MF Consortium's own library (strict mode), as a check
independent of trimesh's reader and of orthofit's writer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Read3mf:
    """What lib3mf found: its warnings, the unit, and each mesh object's (name, vertices (n, 3)
    mm, triangles (m, 3), manifold and oriented)."""

    warnings: tuple[str, ...]
    unit_is_mm: bool
    build_items: int
    objects: tuple[tuple[str, np.ndarray, np.ndarray, bool], ...]
    #: each components object's number of components
    groups: tuple[int, ...] = ()


def read_with_lib3mf(path: Path) -> Read3mf:
    import lib3mf

    wrapper = lib3mf.get_wrapper()
    model = wrapper.CreateModel()
    reader = model.QueryReader("3mf")
    reader.SetStrictModeActive(True)
    reader.ReadFromFile(str(path))
    warnings = tuple(reader.GetWarning(i)[1] for i in range(reader.GetWarningCount()))
    objects = []
    it = model.GetMeshObjects()
    while it.MoveNext():
        mesh = it.GetCurrentMeshObject()
        vertices = np.array([p.Coordinates[0:3] for p in mesh.GetVertices()], dtype=float)
        triangles = np.array([t.Indices[0:3] for t in mesh.GetTriangleIndices()], dtype=np.int64)
        objects.append((mesh.GetName(), vertices, triangles, bool(mesh.IsManifoldAndOriented())))
    groups = []
    it = model.GetComponentsObjects()
    while it.MoveNext():
        groups.append(it.GetCurrentComponentsObject().GetComponentCount())
    unit_is_mm = model.GetUnit() == lib3mf.ModelUnit.MilliMeter
    return Read3mf(warnings, unit_is_mm, model.GetBuildItems().Count(), tuple(objects), tuple(groups))
