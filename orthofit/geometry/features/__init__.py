"""Insole features as plug-ins: one module per feature, found from the parameters' data.

Every feature named in ``orthofit/data/parameters.toml`` (its parameters' ``feature`` tag) is
the module ``orthofit/geometry/features/<name>.py``, which exposes ``FEATURE``, an
:class:`~orthofit.geometry.features.protocol.InsoleFeature`. :data:`FEATURES` lists them in
the order their parameters first appear in that table: the order their heights are added
up, their refinement zones meshed and their zones, purposes and rules applied. Adding a
feature is adding its module and its data (parameters, rule amounts in
``profiles/_rules.toml``, wording in ``templates/report.toml``); nothing here changes.
"""

from __future__ import annotations

import importlib

from orthofit.config.params import FEATURE_NAMES
from orthofit.geometry.features.protocol import InsoleFeature


def _load(name: str) -> InsoleFeature:
    feature = importlib.import_module(f"orthofit.geometry.features.{name}").FEATURE
    if not isinstance(feature, InsoleFeature) or feature.name != name:
        raise TypeError(f"orthofit/geometry/features/{name}.py must define FEATURE, an InsoleFeature named {name!r}")
    return feature


#: The registry, in the parameters' table order.
FEATURES: tuple[InsoleFeature, ...] = tuple(_load(name) for name in FEATURE_NAMES)

__all__ = ["FEATURES", "InsoleFeature"]
