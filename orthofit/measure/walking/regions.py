"""The foot's regions under a pressure picture, found from the print's own geometry.

On a grid (a platform, an F-Scan insole), each sensor is placed in the orthofit frame of
its print (x from the heel along the long axis, y medial-positive) and assigned by its share
of the print's length and width (clinical-basis.md §10.3):

* heel: the back 30 % of the length, split into medial and lateral halves at the heel's
  mid-width;
* midfoot: 30-51 %;
* forefoot (the metatarsal heads): from 51 % to where the toes begin (the pressure dip
  between the heads and the toes, else 81 %), split across its width into the first head
  (the medial 30 %), the second and third (the next 40 %) and the fourth and fifth (the
  lateral 30 %);
* toes: beyond that, the hallux the medial 35 % of the toes' width, the lesser toes the rest.

The 51 % and 81 % are the "traditional" forefoot mask of the in-shoe literature (Forghany et
al. 2018). A pedar insole is assigned by its sensor numbers instead (:data:`PEDAR_REGIONS`).
"""

from __future__ import annotations

import numpy as np

from orthofit.model.enums import _Choice


class Region(_Choice):
    HEEL_MEDIAL = "heel medial"
    HEEL_LATERAL = "heel lateral"
    MIDFOOT = "midfoot"
    MTH1 = "MTH1"
    MTH2_3 = "MTH2-3"
    MTH4_5 = "MTH4-5"
    HALLUX = "hallux"
    LESSER_TOES = "lesser toes"

    @property
    def forefoot(self) -> bool:
        return self in (Region.MTH1, Region.MTH2_3, Region.MTH4_5)


#: Region boundaries as shares of the print's length and width [M: Forghany 2018 for the
#: forefoot's 51-81 %; D for the rest, see the module docstring].
HEEL_END = 0.30
FOREFOOT_START = 0.51
TOES_START = 0.81
MTH1_SHARE = 0.30
MTH45_SHARE = 0.30
HALLUX_SHARE = 0.35

#: pedar insole sensor numbers per region: the nine-region map of pressuRe (Telfer and Li,
#: after J Foot Ankle Res 2014;7:20), with its medial and lateral midfoot joined, its back
#: row's sensors 3-5 (which that map leaves out) in the lateral heel, and the lesser toes
#: every toe sensor that is not the hallux's.
PEDAR_REGIONS: dict[Region, tuple[int, ...]] = {
    Region.HEEL_MEDIAL: (1, 2, 6, 7, 8, 13, 14, 15, 20, 21, 22),
    Region.HEEL_LATERAL: (3, 4, 5, 9, 10, 11, 12, 16, 17, 18, 19, 23, 24, 25, 26),
    Region.MIDFOOT: (*range(27, 55), 55, 56, 57, 58, 59),
    Region.MTH1: (62, 63, 69, 70, 76, 77),
    Region.MTH2_3: (64, 65, 66, 71, 72, 73, 78, 79, 80),
    Region.MTH4_5: (60, 61, 67, 68, 74, 75),
    Region.HALLUX: (83, 84, 90, 91, 96),
    Region.LESSER_TOES: (81, 82, 85, 86, 87, 88, 89, 92, 93, 94, 95, 97, 98, 99),
}


def grid_regions(xy: np.ndarray, loaded: np.ndarray, toe_x_mm: float | None) -> np.ndarray:
    """Each sensor's region index (into ``list(Region)``), -1 where it is outside the print.

    Parameters
    ----------
    xy : (n, 2) float
        Sensor centres in the foot's frame, mm, y medial-positive.
    loaded : (n,) bool
        The sensors the print loads (the step's maximum picture > 0).
    toe_x_mm : float or None
        Where the toes begin (the pressure dip), else :data:`TOES_START` of the length.
    """
    out = np.full(len(xy), -1, dtype=int)
    if not loaded.any():
        return out
    x, y = xy[:, 0], xy[:, 1]
    x0, x1 = x[loaded].min(), x[loaded].max()
    length = max(x1 - x0, 1e-9)
    share = (x - x0) / length
    toes_at = (toe_x_mm - x0) / length if toe_x_mm is not None else TOES_START
    toes_at = min(max(toes_at, FOREFOOT_START + 0.1), 0.97)
    order = list(Region)
    heel = loaded & (share < HEEL_END)
    mid = loaded & (share >= HEEL_END) & (share < FOREFOOT_START)
    fore = loaded & (share >= FOREFOOT_START) & (share < toes_at)
    toes = loaded & (share >= toes_at)
    if heel.any():
        centre = 0.5 * (y[heel].min() + y[heel].max())
        out[heel & (y >= centre)] = order.index(Region.HEEL_MEDIAL)
        out[heel & (y < centre)] = order.index(Region.HEEL_LATERAL)
    out[mid] = order.index(Region.MIDFOOT)
    if fore.any():
        med, lat = y[fore].max(), y[fore].min()
        across = (med - y) / max(med - lat, 1e-9)  # 0 at the medial edge, 1 at the lateral
        out[fore & (across < MTH1_SHARE)] = order.index(Region.MTH1)
        out[fore & (across >= MTH1_SHARE) & (across <= 1 - MTH45_SHARE)] = order.index(Region.MTH2_3)
        out[fore & (across > 1 - MTH45_SHARE)] = order.index(Region.MTH4_5)
    if toes.any():
        med, lat = y[toes].max(), y[toes].min()
        across = (med - y) / max(med - lat, 1e-9)
        out[toes & (across < HALLUX_SHARE)] = order.index(Region.HALLUX)
        out[toes & (across >= HALLUX_SHARE)] = order.index(Region.LESSER_TOES)
    return out


def pedar_regions(numbers: np.ndarray) -> np.ndarray:
    """Each cell's region index for a pedar schematic grid of sensor numbers (-1 = none)."""
    out = np.full(numbers.shape, -1, dtype=int)
    order = list(Region)
    for region, sensors in PEDAR_REGIONS.items():
        out[np.isin(numbers, sensors)] = order.index(region)
    return out


__all__ = ["Region", "PEDAR_REGIONS", "grid_regions", "pedar_regions"]
