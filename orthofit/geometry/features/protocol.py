"""The protocol every insole feature implements (:class:`InsoleFeature`).

A feature is one module in this package exposing ``FEATURE``, an instance of a subclass of
:class:`InsoleFeature`. Its parameters are the rows of ``orthofit/data/parameters.toml``
tagged with its :attr:`~InsoleFeature.name`; the surface, the mesh refinement, the stiffness
zones, the prescription and the report loop over the registry
(:data:`orthofit.geometry.features.FEATURES`) and call the methods below, whose defaults do
nothing, so a feature overrides only what it has.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from orthofit.config.params import PARAMETERS, InsoleParams, ParamSpec
from orthofit.geometry.field import FeatureRefinement, SurfaceContext, SurfacePoints, ZoneSpot
from orthofit.geometry.outline import FootDimensions, Landmarks
from orthofit.prescribe.prescription import FeatureRule, RuleContext

#: ``need(curvature)``: the edge length (mm) a surface of that curvature (1/mm) needs to stay
#: within tolerance, or None when the base edge is fine enough.
EdgeNeed = Callable[[float], float | None]


class InsoleFeature(FeatureRule):
    """One insole feature: parameters, height, refinement, zone, prescription rule, report keys.

    Attributes
    ----------
    name : str
        The ``feature`` tag of its parameters; also the name of its evidence condition in the
        report (true when an insole of the report has the feature).
    purpose_keys : tuple of str
        Keys of ``[summary.purpose]`` in the report template that :meth:`purposes` may return.
    """

    name: str = ""
    purpose_keys: tuple[str, ...] = ()

    @property
    def parameters(self) -> tuple[ParamSpec, ...]:
        """Its parameters, with range, unit and source (from orthofit/data/parameters.toml)."""
        return tuple(s for s in PARAMETERS.values() if s.feature == self.name)

    def is_active(self, p: InsoleParams) -> bool:
        """Whether the insole has this feature (any of its parameters that switch it on is non-zero)."""
        return False

    def heights(self, pts: SurfacePoints, p: InsoleParams) -> dict[str, np.ndarray]:
        """Its named contributions to the top height at the points, mm ((n,) each); empty when off."""
        return {}

    def refinement(self, ctx: SurfaceContext, p: InsoleParams, need: EdgeNeed) -> FeatureRefinement:
        """Where the mesh must be finer to follow it (see :func:`orthofit.geometry.surface.refinement`)."""
        return FeatureRefinement()

    def zone_spots(self, foot: FootDimensions, marks: Landmarks, p: InsoleParams) -> tuple[ZoneSpot, ...]:
        """Spots the 3MF prints at their own infill density (offloading, stiffening)."""
        return ()

    def purposes(self, p: InsoleParams) -> tuple[str, ...]:
        """The ``[summary.purpose]`` keys that say what it is for, when the insole has it."""
        return ()

    def prescribe(self, ctx: RuleContext) -> None:
        """Its prescription rule: change ``ctx.draft`` with a reason (default: no rule)."""
