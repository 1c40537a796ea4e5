"""What the geometry step hands on for one foot: the insole with its prescription, its
printability, its stiffness zones and its file contents.
"""

from __future__ import annotations

from dataclasses import dataclass

from orthofit.geometry.build import Insole
from orthofit.geometry.lattice import Lattice
from orthofit.geometry.printability import Printability
from orthofit.geometry.shoe_fit import ShoeFit
from orthofit.geometry.zones import Zone
from orthofit.prescribe.prescription import Prescription


@dataclass(frozen=True)
class InsoleOutput:
    """One foot's prescription, insole, printability summary and file contents."""

    prescription: Prescription
    insole: Insole
    printability: Printability
    files: dict[str, bytes]  # file name -> bytes (STL and 3MF)
    zones: tuple[Zone, ...] = ()  # the 3MF's stiffness zones, slicer order
    fit: ShoeFit | None = None  # the shoe-fit check (orthofit.geometry.shoe_fit)
    lattice: Lattice | None = None  # a lattice insole's body (orthofit.geometry.lattice); None otherwise
