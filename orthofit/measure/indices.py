"""The formulas of the foot indices, each once (clinical-basis.md §1-§3, §6.3).

Pure functions of numbers; the geometry that produces footprint areas and widths is in
:mod:`orthofit.measure.footprint`, the cut-offs are data in ``orthofit/data/thresholds.toml``.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Standard gravity, m/s², to turn body mass into body weight (clinical-basis.md §7.7 example 5).
GRAVITY_M_PER_S2 = 9.81
#: Load change between sitting (10 % BW) and standing (50 % BW) for arch height
#: flexibility (Zifchock et al.; Richards 2003) [M], clinical-basis.md §2.3.
AHF_LOAD_FRACTION = 0.4


def arch_index(area_forefoot_mm2: float, area_midfoot_mm2: float, area_heel_mm2: float) -> float:
    """Cavanagh & Rodgers Arch Index: midfoot area over the toe-free print area (§1.1)."""
    return area_midfoot_mm2 / (area_forefoot_mm2 + area_midfoot_mm2 + area_heel_mm2)


def chippaux_smirak_pct(midfoot_min_width_mm: float, forefoot_max_width_mm: float) -> float:
    """Chippaux-Smirak index, %: narrowest midfoot width over widest forefoot width (§1.2)."""
    return 100.0 * midfoot_min_width_mm / forefoot_max_width_mm


def staheli(midfoot_min_width_mm: float, heel_max_width_mm: float) -> float:
    """Staheli plantar arch index: narrowest midfoot width over widest heel width (§1.3)."""
    return midfoot_min_width_mm / heel_max_width_mm


def arch_height_index(dorsal_height_mm: float, truncated_foot_length_mm: float) -> float:
    """AHI: dorsal height at 50 % of foot length over truncated foot length (§2.1)."""
    return dorsal_height_mm / truncated_foot_length_mm


def arch_rigidity_index(dorsal_height_standing_mm: float, dorsal_height_sitting_mm: float) -> float:
    """ARI = AHI standing / AHI sitting; with one truncated length it is the height ratio (§2.2)."""
    return dorsal_height_standing_mm / dorsal_height_sitting_mm


def arch_drop_mm(dorsal_height_sitting_mm: float, dorsal_height_standing_mm: float) -> float:
    """Arch drop: dorsal height sitting minus standing, mm (§2.2)."""
    return dorsal_height_sitting_mm - dorsal_height_standing_mm


def arch_height_flexibility_mm_per_kn(
    dorsal_height_sitting_mm: float, dorsal_height_standing_mm: float, body_mass_kg: float
) -> float:
    """AHF, mm/kN: arch drop over 0.4 x body weight (§2.3)."""
    body_weight_kn = body_mass_kg * GRAVITY_M_PER_S2 / 1000.0
    return arch_drop_mm(dorsal_height_sitting_mm, dorsal_height_standing_mm) / (AHF_LOAD_FRACTION * body_weight_kn)


def normalised_navicular_height(navicular_height_mm: float, length_mm: float) -> float:
    """NH over foot length (NNH) or over truncated foot length (NNHt), Murley 2009 (§2.4)."""
    return navicular_height_mm / length_mm


def navicular_drop_mm(navicular_height_sitting_mm: float, navicular_height_standing_mm: float) -> float:
    """Navicular drop: sitting (subtalar neutral) minus relaxed standing height, mm (§3.1)."""
    return navicular_height_sitting_mm - navicular_height_standing_mm


def fpi6_total(items: Sequence[int]) -> int:
    """FPI-6 total: the sum of six items scored -2..+2 (§3.3)."""
    return int(sum(items))


def malleolar_valgus_index_pct(bc_mm: float, ml_mm: float, mov_mm: float = 0.0) -> float:
    """Malleolar Valgus Index (Temple modification), %: BC / (ML - MOV) x 100 (§3.5)."""
    return 100.0 * bc_mm / (ml_mm - mov_mm)


def heel_lift_mm(leg_length_difference_mm: float, fraction: float, min_difference_mm: float) -> float:
    """Heel lift for a measured leg-length difference: ``fraction`` of it when at least
    ``min_difference_mm``, else 0 (Rannisto 2019: 70 % of LLD >= 5 mm), §5 and §6.3.
    """
    if leg_length_difference_mm < min_difference_mm:
        return 0.0
    return round(fraction * leg_length_difference_mm, 1)
