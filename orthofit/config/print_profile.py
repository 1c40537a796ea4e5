"""Print settings as data: one TOML file per printer family (``profiles/print/*.toml``).

A family holds what every slicer needs, under orthofit's own names with units (printer: bed,
nozzle; material: density, temperatures, feed rate; layers: height, walls, skins, infill),
and each slicer's own extra settings under its name (``[prusa]``, ``[orca]``). Every writer
takes its settings from here:

* PrusaSlicer: :func:`prusa_settings`, carried in ``<id>-<side>.prusa.3mf`` as project settings
  (``Metadata/Slic3r_PE.config``) and shipped as ``profiles/print/NAME.ini`` for the STL
  (``prusa-slicer --load NAME.ini``), which :func:`prusa_ini` generates (a test keeps them equal);
* OrcaSlicer / Bambu Studio: :func:`orca_settings`, the project settings of ``.orca.3mf``;
* Cura: :func:`cura_settings`, per-object settings on the insole in ``.cura.3mf`` (Cura keeps
  layer height, temperatures and the material in its own machine and material profiles, which
  a 3MF's objects cannot set).

The values and their sources are in the files and in ``docs/print-profiles.md``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from orthofit.config.profiles import profiles_dir
from orthofit.errors import OrthofitError


class PrintProfileError(OrthofitError):
    """A shipped print profile is missing or malformed (a fault of the installation)."""


#: The profile an insole is printed with, by construction (issue 15) [D].
INSOLE_PRINT_PROFILE = "tpu-95a-insole"
SHELL_PRINT_PROFILE = "pla-petg-shell"
LATTICE_PRINT_PROFILE = "mjf-tpu-lattice"

#: A slicer's setting name: lower-case words joined by underscores.
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
#: A shipped profile is a few kB; anything larger is not one.
_MAX_CHARS = 64_000
#: The slicers whose own settings a family may add to.
_SLICER_TABLES = ("prusa", "orca")


@dataclass(frozen=True)
class PrintProfile:
    """One printer family's print settings.

    Attributes
    ----------
    name, description : str
        The file's stem and what it prints.
    process : str
        ``"fdm"`` (a slicer's walls, skins and infill) or ``"powder-bed"``.
    bed_mm : tuple of float
        The bed's width and depth (x, y).
    max_height_mm, nozzle_mm, filament_diameter_mm : float
    material : str
    density_g_cm3, nozzle_temperature_c, bed_temperature_c, max_volumetric_speed_mm3_s : float
    layer_height_mm, first_layer_height_mm : float
    walls, top_layers, bottom_layers : int
        Perimeter loops and solid skin layers.
    infill_pattern : str
    infill_pct : float
        The infill outside any stiffness zone.
    extra : tuple of (slicer, ((key, value), ...))
        Each slicer's own settings beyond these, as strings in its own names.
    """

    name: str
    description: str
    process: str
    bed_mm: tuple[float, float]
    max_height_mm: float
    nozzle_mm: float
    filament_diameter_mm: float
    material: str
    density_g_cm3: float
    nozzle_temperature_c: float
    bed_temperature_c: float
    max_volumetric_speed_mm3_s: float
    layer_height_mm: float
    first_layer_height_mm: float
    walls: int
    top_layers: int
    bottom_layers: int
    infill_pattern: str
    infill_pct: float
    extra: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]

    def own(self, slicer: str) -> tuple[tuple[str, str], ...]:
        """The slicer's own extra settings (empty when the family names none)."""
        return dict(self.extra).get(slicer, ())

    @property
    def settings(self) -> tuple[tuple[str, str], ...]:
        """PrusaSlicer's settings (:func:`prusa_settings`), in order."""
        return prusa_settings(self)

    def value(self, key: str) -> str:
        """One of PrusaSlicer's settings by its name."""
        return dict(self.settings)[key]


def _n(x: float) -> str:
    """A number as the slicers write it: no trailing ``.0``."""
    return f"{x:g}"


def prusa_settings(p: PrintProfile) -> tuple[tuple[str, str], ...]:
    """The family as PrusaSlicer settings (its .ini names; ``[prusa]`` last, so it may refine)."""
    w, d = (_n(x) for x in p.bed_mm)
    common = (
        ("printer_technology", "FFF"),
        ("bed_shape", f"0x0,{w}x0,{w}x{d},0x{d}"),
        ("max_print_height", _n(p.max_height_mm)),
        ("nozzle_diameter", _n(p.nozzle_mm)),
        ("layer_height", _n(p.layer_height_mm)),
        ("first_layer_height", _n(p.first_layer_height_mm)),
        ("perimeters", str(p.walls)),
        ("top_solid_layers", str(p.top_layers)),
        ("bottom_solid_layers", str(p.bottom_layers)),
        ("fill_pattern", p.infill_pattern),
        ("fill_density", f"{_n(p.infill_pct)}%"),
        ("filament_diameter", _n(p.filament_diameter_mm)),
        ("filament_density", _n(p.density_g_cm3)),
        ("temperature", _n(p.nozzle_temperature_c)),
        ("first_layer_temperature", _n(p.nozzle_temperature_c)),
        ("bed_temperature", _n(p.bed_temperature_c)),
        ("first_layer_bed_temperature", _n(p.bed_temperature_c)),
        ("filament_max_volumetric_speed", _n(p.max_volumetric_speed_mm3_s)),
    )
    return _merged(common, p.own("prusa"))


def orca_settings(p: PrintProfile) -> tuple[tuple[str, str | list[str]], ...]:
    """The family as OrcaSlicer / Bambu Studio project settings (their names; the extruder's
    and the filament's settings are lists, one value per extruder or filament).
    """
    w, d = (_n(x) for x in p.bed_mm)
    common: tuple[tuple[str, str | list[str]], ...] = (
        ("printable_area", ["0x0", f"{w}x0", f"{w}x{d}", f"0x{d}"]),
        ("printable_height", _n(p.max_height_mm)),
        ("nozzle_diameter", [_n(p.nozzle_mm)]),
        ("layer_height", _n(p.layer_height_mm)),
        ("initial_layer_print_height", _n(p.first_layer_height_mm)),
        ("wall_loops", str(p.walls)),
        ("top_shell_layers", str(p.top_layers)),
        ("bottom_shell_layers", str(p.bottom_layers)),
        ("sparse_infill_pattern", p.infill_pattern),
        ("sparse_infill_density", f"{_n(p.infill_pct)}%"),
        ("filament_diameter", [_n(p.filament_diameter_mm)]),
        ("filament_density", [_n(p.density_g_cm3)]),
        ("nozzle_temperature", [_n(p.nozzle_temperature_c)]),
        ("nozzle_temperature_initial_layer", [_n(p.nozzle_temperature_c)]),
        ("hot_plate_temp", [_n(p.bed_temperature_c)]),
        ("hot_plate_temp_initial_layer", [_n(p.bed_temperature_c)]),
        ("textured_plate_temp", [_n(p.bed_temperature_c)]),
        ("textured_plate_temp_initial_layer", [_n(p.bed_temperature_c)]),
        ("filament_max_volumetric_speed", [_n(p.max_volumetric_speed_mm3_s)]),
    )
    # the filament's and the extruder's settings: one value per filament or extruder (as in a
    # project file Orca's family wrote)
    lists = {"filament_type", "retraction_length", "retraction_speed", "z_hop"}
    own = tuple((k, [v] if k in lists else v) for k, v in p.own("orca"))
    merged: dict[str, str | list[str]] = dict(common)
    merged.update(own)
    return tuple(merged.items())


def cura_settings(p: PrintProfile) -> dict[str, str]:
    """The family's settings Cura takes per object (on the insole's own mesh): walls, skins and
    the infill outside the zones. Cura's line distance for a gyroid follows from the density in
    its front end; its layer height, temperatures and material come from Cura's own machine
    and material profiles.
    """
    return {
        "wall_line_count": str(p.walls),
        "top_layers": str(p.top_layers),
        "bottom_layers": str(p.bottom_layers),
        "infill_sparse_density": _n(p.infill_pct),
        "infill_pattern": p.infill_pattern,
    }


def _merged(common: tuple[tuple[str, str], ...], own: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    out = dict(common)
    out.update(own)
    return tuple(out.items())


def prusa_ini(p: PrintProfile) -> str:
    """The shipped ``profiles/print/NAME.ini``: PrusaSlicer's settings as an .ini it loads."""
    head = [
        f"# orthofit print profile {p.name}: {p.description}, for PrusaSlicer 2.5 or later.",
        f"# Generated from {p.name}.toml (the printer family's settings and their sources): edit that",
        "# file, not this one. Load it for the STL with `prusa-slicer --load " + f"{p.name}.ini`.",
    ]
    return "\n".join(head + [f"{k} = {v}" for k, v in prusa_settings(p)]) + "\n"


@dataclass(frozen=True)
class LatticeFamily:
    """A powder-bed printer family's settings for lattice insoles (``process = "powder-bed"``):
    no slicer settings, the lattice's own sizes instead.

    Attributes
    ----------
    name, description : str
    bed_mm : tuple of float
    max_height_mm, layer_height_mm : float
    material : str
    density_g_cm3 : float
    cell_mm, skin_mm, rim_mm, voxel_mm, min_wall_mm, min_channel_mm : float
        The gyroid's cell edge, the solid top skin and rim, the meshing grid, and the
        printer's thinnest wall and narrowest pore (:class:`orthofit.geometry.lattice.LatticeSpec`).
    """

    name: str
    description: str
    bed_mm: tuple[float, float]
    max_height_mm: float
    layer_height_mm: float
    material: str
    density_g_cm3: float
    cell_mm: float
    skin_mm: float
    rim_mm: float
    voxel_mm: float
    min_wall_mm: float
    min_channel_mm: float


@lru_cache(maxsize=4)
def lattice_family(name: str) -> LatticeFamily:
    """The shipped powder-bed family ``name`` (``profiles/print/NAME.toml``).

    Raises
    ------
    PrintProfileError
        No such family, or one that is not a powder-bed family's settings.
    """
    data = _read(name)
    try:
        if data["process"] != "powder-bed":
            raise ValueError(f"process = {data['process']!r}: a lattice needs a 'powder-bed' family")
        printer, material, lattice = data["printer"], data["material"], data["lattice"]
        sizes = {
            k: float(lattice[k]) for k in ("cell_mm", "skin_mm", "rim_mm", "voxel_mm", "min_wall_mm", "min_channel_mm")
        }
        if not all(0 < v <= 50 for v in sizes.values()) or not 0.2 <= sizes["voxel_mm"] <= 2.0:
            raise ValueError("[lattice] sizes must be above 0 and at most 50 mm, voxel_mm 0.2-2 mm")
        bed = tuple(float(x) for x in printer["bed_mm"])
        return LatticeFamily(
            name=name,
            description=str(data["description"]),
            bed_mm=(bed[0], bed[1]),
            max_height_mm=float(printer["max_height_mm"]),
            layer_height_mm=float(printer["layer_height_mm"]),
            material=str(material["name"]),
            density_g_cm3=float(material["density_g_cm3"]),
            **sizes,
        )
    except (KeyError, TypeError, ValueError, IndexError) as err:
        raise PrintProfileError(f"print profile {name!r} is malformed: {err}") from None


def _read(name: str) -> dict[str, Any]:
    path = profiles_dir().joinpath("print", f"{name}.toml")
    if not path.is_file():
        raise PrintProfileError(f"no print profile {name!r}: the shipped ones are in profiles/print/")
    text = path.read_text(encoding="utf-8")
    if len(text) > _MAX_CHARS:
        raise PrintProfileError(f"print profile {name!r} is over {_MAX_CHARS} characters: it is not a print profile")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise PrintProfileError(f"print profile {name!r} is malformed: {err}") from None
    if data.get("name") != name:
        raise PrintProfileError(
            f"print profile {name!r} is malformed: name = {data.get('name')!r} differs from the file's name"
        )
    return data


@lru_cache(maxsize=8)
def print_profile(name: str) -> PrintProfile:
    """The shipped print profile ``name`` (``profiles/print/NAME.toml``), read once per process
    (a batch builds thousands of insoles; the shipped files do not change while it runs).

    Raises
    ------
    PrintProfileError
        No such profile, or one that is not a printer family's settings.
    """
    data = _read(name)
    try:
        return _family(name, data)
    except (KeyError, TypeError, ValueError) as err:
        raise PrintProfileError(f"print profile {name!r} is malformed: {err}") from None


def _family(name: str, data: dict[str, Any]) -> PrintProfile:
    printer, material, layers = data["printer"], data["material"], data["layers"]
    extra = []
    for slicer in _SLICER_TABLES:
        table = data.get(slicer, {})
        for key, value in table.items():
            if not _KEY.match(key) or not isinstance(value, str) or any(ord(c) < 32 for c in value):
                raise ValueError(f"[{slicer}] {key}: give a setting name and its value as a string")
        extra.append((slicer, tuple(table.items())))
    unknown = set(data) - {"name", "description", "process", "printer", "material", "layers", *_SLICER_TABLES}
    if unknown:
        raise ValueError(f"unknown table or key {sorted(unknown)[0]!r}")
    if data["process"] != "fdm":
        raise ValueError(
            f"process = {data['process']!r}: an FDM family says 'fdm' (a powder-bed one is read by lattice_family)"
        )
    bed = tuple(float(x) for x in printer["bed_mm"])
    if len(bed) != 2:
        raise ValueError("printer.bed_mm: give [width, depth]")
    return PrintProfile(
        name=name,
        description=str(data["description"]),
        process=str(data["process"]),
        bed_mm=(bed[0], bed[1]),
        max_height_mm=float(printer["max_height_mm"]),
        nozzle_mm=float(printer["nozzle_mm"]),
        filament_diameter_mm=float(printer["filament_diameter_mm"]),
        material=str(material["name"]),
        density_g_cm3=float(material["density_g_cm3"]),
        nozzle_temperature_c=float(material["nozzle_temperature_c"]),
        bed_temperature_c=float(material["bed_temperature_c"]),
        max_volumetric_speed_mm3_s=float(material["max_volumetric_speed_mm3_s"]),
        layer_height_mm=float(layers["layer_height_mm"]),
        first_layer_height_mm=float(layers["first_layer_height_mm"]),
        walls=int(layers["walls"]),
        top_layers=int(layers["top_layers"]),
        bottom_layers=int(layers["bottom_layers"]),
        infill_pattern=str(layers["infill_pattern"]),
        infill_pct=float(layers["infill_pct"]),
        extra=tuple(extra),
    )


def slicer_project_config(profile: PrintProfile) -> str:
    """The profile as PrusaSlicer's project settings inside a 3MF (``Metadata/Slic3r_PE.config``:
    ``; key = value`` lines, as PrusaSlicer reads them from a 3MF or a G-code file).
    """
    lines = [f"; orthofit print profile {profile.name}", ""]
    lines += [f"; {key} = {value}" for key, value in profile.settings]
    return "\n".join(lines) + "\n"


def shipped_profiles() -> list[str]:
    """The names of the shipped FDM print profiles (``profiles/print/*.toml`` but the
    powder-bed families), each with a generated PrusaSlicer .ini.
    """
    folder = profiles_dir().joinpath("print")
    names = sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))
    return [n for n in names if _read(n).get("process") == "fdm"]


if __name__ == "__main__":  # python -m orthofit.config.print_profile: regenerate the .ini files
    from pathlib import Path

    for _name in shipped_profiles():
        _ini = Path(str(profiles_dir())) / "print" / f"{_name}.ini"
        _ini.write_text(prusa_ini(print_profile(_name)), encoding="utf-8")
        print(_ini)
