"""Red flags: findings that call for a doctor, not an insole (clinical-basis.md §6.5).

Sources: AHCPR guideline No. 14, Table 1 (Bigos et al. 1994) [V]; IFOMPT framework
(Finucane et al. 2020, JOSPT 50:350) [V]; foot-specific cues are clinical practice [M].
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Urgency(str, Enum):
    EMERGENCY = "emergency"  # an emergency department today
    SAME_DAY = "same-day"  # a doctor today
    URGENT = "urgent"  # within days
    SOON = "soon"  # book a doctor's appointment


@dataclass(frozen=True)
class RedFlag:
    name: str
    plain: str  # what it may mean, in plain words
    urgency: Urgency
    source: str


_SPINE = "AHCPR No. 14 Table 1 (Bigos 1994); IFOMPT (Finucane 2020); clinical-basis.md §6.5"
_FOOT = "clinical practice [M], clinical-basis.md §6.5"

#: Every red flag the case file accepts under ``[red_flags]``, in the order they are reported.
RED_FLAGS: dict[str, RedFlag] = {
    f.name: f
    for f in (
        RedFlag(
            "saddle_numbness",
            "numbness around the buttocks, genitals or inner thighs can mean pressure on the "
            "nerves at the base of the spine (cauda equina syndrome): go to an emergency "
            "department today",
            Urgency.EMERGENCY,
            _SPINE,
        ),
        RedFlag(
            "bladder_or_bowel_change",
            "a new change in bladder or bowel control with back or leg symptoms can mean "
            "pressure on the nerves at the base of the spine (cauda equina syndrome): go to an "
            "emergency department today",
            Urgency.EMERGENCY,
            _SPINE,
        ),
        RedFlag(
            "foot_drop",
            "weakness lifting the front of the foot (foot drop) usually comes from a nerve in "
            "the back or the leg; new foot drop needs a doctor's examination today, and an "
            "insole cannot treat it",
            Urgency.SAME_DAY,  # a new neurological deficit: same day (IFOMPT 2020), not within days
            _SPINE,
        ),
        RedFlag(
            "progressive_weakness",
            "weakness in the leg or foot that is getting worse needs a doctor's examination soon",
            Urgency.URGENT,
            _SPINE,
        ),
        RedFlag(
            "numbness_or_tingling",
            "numbness or tingling in the foot or leg can come from a nerve problem that a doctor should check",
            Urgency.SOON,
            _FOOT,
        ),
        RedFlag(
            "fever_or_weight_loss",
            "fever, chills or weight loss you cannot explain, together with pain, need a doctor's "
            "check for infection or other illness",
            Urgency.URGENT,
            _SPINE,
        ),
        RedFlag(
            "cancer_history",
            "new pain in someone who has had cancer should be checked by a doctor",
            Urgency.SOON,
            _SPINE,
        ),
        RedFlag(
            "recent_trauma",
            "pain after a recent fall or injury should be checked by a doctor for a fracture before an insole is made",
            Urgency.URGENT,
            _SPINE,
        ),
        RedFlag(
            "diabetes_with_neuropathy_or_ulcer",
            "diabetes with loss of feeling, a foot ulcer or poor circulation needs care from a "
            "doctor or diabetic foot team; an insole must be part of that care, not instead of it",
            Urgency.URGENT,
            _FOOT,
        ),
        RedFlag(
            "hot_swollen_foot",
            "a hot, red, swollen foot can mean infection or a Charcot foot and needs a doctor the same day",
            Urgency.EMERGENCY,
            _FOOT,
        ),
        RedFlag(
            "progressive_unilateral_deformity",
            "an arch that is changing shape on one side (flattening or rising) can come from a "
            "tendon or nerve problem and needs a doctor's examination",
            Urgency.SOON,
            _FOOT,
        ),
        RedFlag(
            "severe_night_pain",
            "severe pain at night or when lying down should be checked by a doctor",
            Urgency.SOON,
            _SPINE,
        ),
    )
}

#: Weakness with back pain is a nerve root under pressure until shown otherwise: the same day,
#: like foot drop (IFOMPT, Finucane 2020) [V].
WEAKNESS_WITH_BACK_PAIN = RedFlag(
    "progressive_weakness",
    "weakness in the leg or foot that is getting worse, with back pain, can mean pressure on a "
    "nerve in the back: see a doctor today",
    Urgency.SAME_DAY,
    _SPINE,
)

#: Derived by orthofit from the measurements, not typed in the case file.
PAINFUL_RIGID_FLAT_FOOT_CHILD = RedFlag(
    "painful_rigid_flat_foot_child",
    "a child's flat foot that hurts and does not form an arch on tiptoe (a rigid flat foot) "
    "should be examined by a doctor",
    Urgency.SOON,
    _FOOT,
)
