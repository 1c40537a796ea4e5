"""The walking pressure recording in the two documents: the lab sheet's section (pictures,
the regions' figures, the before/after table against the published target) and the patient
report's picture and sentences.
"""

from __future__ import annotations

from orthofit.assess.assessment import Assessment
from orthofit.config.templates import fill
from orthofit.measure.walking.compare import symmetry_index
from orthofit.measure.walking.regions import Region
from orthofit.model.enums import Side
from orthofit.report.content import Block, Figure, Heading, Para, Table, side_word, text_at
from orthofit.report.pressure_figure import nice_max, picture_data

#: The patient report's picture, a share of the text width: it shares its page with the
#: measures' gauges, and the report keeps to four pages.
PATIENT_WIDTH = 0.72


def _labels(t: dict, patient: bool = False) -> dict[str, str]:
    out = {k: text_at(t, "walking", k) for k in ("scale", "path", "schematic")}
    if patient:
        out["schematic"] = text_at(t, "walking", "schematic_patient")
    return out


def _pressure_figure(
    pictures: list, titles: list[str], t: dict, names: bool, caption: str, width: float, patient: bool = False
) -> Figure:
    """Pictures side by side on one colour scale, topped at the highest of them."""
    data = {
        "pictures": pictures,
        "titles": titles,
        "vmax": nice_max(max(p["peak"] for p in pictures)),
        "labels": _labels(t, patient),
        "names": names,
    }
    return Figure("pressure", data, caption, width)


def _feet(a: Assessment) -> list[Side]:
    return [sd for sd in Side if a.measured.foot(sd).walking is not None]


def _fmt(v: float | None, spec: str) -> str:
    return "–" if v is None else format(v, spec)


def lab_walking(a: Assessment, t: dict, th) -> list[Block]:
    """The lab sheet's walking pressure section (nothing when no foot has a recording)."""
    feet = _feet(a)
    if not feet:
        return []
    blocks: list[Block] = [Heading(text_at(t, "walking", "lab_heading"), 1)]
    walks = {sd: a.measured.foot(sd).walking for sd in feet}
    for sd, w in walks.items():
        assert w is not None
        bits = [
            f"{len(w.steps)} steps, {len(w.used)} averaged",
            f"contact {_fmt(w.contact_time_s, '.2f')} s",
            f"peak {w.peak_kpa:.0f} kPa",
        ]
        if w.peak_force_n is not None:
            bits.append(f"peak force {w.peak_force_n:.0f} N")
        if w.cpei_pct is not None:
            bits.append(f"CPEI {w.cpei_pct:.1f} %" + (" (in-shoe: not classified)" if w.in_shoe else ""))
        if w.progression_deg is not None:
            bits.append(f"foot progression {w.progression_deg:+.1f}°")
        if w.arch_index is not None and not w.in_shoe:
            bits.append(f"walking Arch Index {w.arch_index:.3f}")
        text = f"{w.system}, " + "; ".join(bits)
        blocks.append(
            Para(fill(text_at(t, "walking", "lab_line"), side=side_word(sd), source=w.source, text=text), "small")
        )
    pictures = [picture_data(w) for w in walks.values() if w is not None]
    blocks.append(
        _pressure_figure(
            pictures,
            [side_word(sd) for sd in walks],
            t,
            names=True,
            caption=text_at(t, "walking", "lab_picture"),
            width=1.0,
        )
    )
    both = len(walks) == 2
    header = [text_at(t, "walking", "col_region")]
    for sd in walks:
        head = side_word(sd)[0]
        header += [f"{head} " + text_at(t, "walking", k) for k in ("col_peak", "col_pti", "col_area")]
    if both:
        header.append(text_at(t, "walking", "col_si"))
    rows = []
    for region in Region:
        loads = [w.region(region) if w is not None else None for w in walks.values()]
        if all(r is None for r in loads):
            continue
        row = [region.value]
        for r in loads:
            row += (
                ["–", "–", "–"]
                if r is None
                else [f"{r.peak_kpa:.0f}", _fmt(r.pti_kpa_s, ".1f"), _fmt(r.area_cm2, ".1f")]
            )
        if both:
            lr, rr = loads
            row.append("–" if lr is None or rr is None else f"{symmetry_index(lr.peak_kpa, rr.peak_kpa):+.0f}")
        rows.append(tuple(row))
    n = len(header)
    first = 0.16
    widths = (first, *([(1 - first) / (n - 1)] * (n - 1)))
    blocks.append(Table(tuple(header), tuple(rows), widths, "small"))
    blocks.extend(_lab_compare(a, t, th))
    return blocks


def _lab_compare(a: Assessment, t: dict, th) -> list[Block]:
    pairs = [(sd, a.measured.foot(sd)) for sd in Side if a.measured.foot(sd).pressure_change is not None]
    if not pairs:
        return []
    targets = th.pressure
    out: list[Block] = [Heading(text_at(t, "walking", "compare_heading"), 2)]
    for sd, m in pairs:
        change = m.pressure_change
        assert change is not None and m.walking is not None and m.walking_before is not None
        pics = [picture_data(m.walking_before), picture_data(m.walking)]
        caption = fill(
            text_at(t, "walking", "compare_picture"),
            side=side_word(sd),
            before=change.before_source,
            after=change.after_source,
        )
        titles = [text_at(t, "walking", "before"), text_at(t, "walking", "after")]
        out.append(_pressure_figure(pics, titles, t, names=False, caption=caption, width=1.0))
        header = tuple(
            text_at(t, "walking", k)
            for k in ("col_region", "col_before", "col_after", "col_change", "col_pti_change", "col_target")
        )
        rows = []
        for r in change.regions:
            pti = r.pti_change_pct
            met = r.meets(targets.offload_target_kpa, targets.reduction_target_pct)
            rows.append(
                (
                    r.region.value,
                    f"{r.before_peak_kpa:.0f}",
                    f"{r.after_peak_kpa:.0f}",
                    f"{r.peak_change_pct:+.0f} %",
                    "–" if pti is None else f"{pti:+.0f} %",
                    "yes" if met else "no",
                )
            )
        out.append(Table(header, tuple(rows), (0.2, 0.14, 0.14, 0.16, 0.16, 0.2), "small"))
        for note in change.notes:
            out.append(Para(note, "small_warn"))
    out.append(
        Para(
            fill(
                text_at(t, "walking", "target_note"),
                target=f"{targets.offload_target_kpa:g}",
                reduction=f"{targets.reduction_target_pct:g}",
                source=targets.target_source,
            ),
            "small",
        )
    )
    return out


def patient_walking(a: Assessment, outputs, t: dict, th) -> list[Block]:
    """The patient report's walking picture and sentences (nothing without a recording)."""
    feet = _feet(a)
    if not feet:
        return []
    words = {**_shipped_words(), **t.get("walking", {}).get("region_words", {})}
    blocks: list[Block] = [Heading(text_at(t, "walking", "heading"), 1)]
    walks = {sd: a.measured.foot(sd).walking for sd in feet}
    offloaded = {o.prescription.side: {k for k, v in _offloads(o) if v > 0} for o in outputs}
    for sd, w in walks.items():
        assert w is not None
        top = max(w.regions, key=lambda r: r.peak_kpa)
        line = fill(
            text_at(t, "walking", "peak_line"),
            side=side_word(sd),
            region=words.get(top.region.value, top.region.value),
            peak=f"{top.peak_kpa:.0f}",
        )
        if f"offload_{_SPOT.get(top.region, '')}_mm" in offloaded.get(sd, set()):
            line += " " + text_at(t, "walking", "offload_line")
        blocks.append(Para(line))
        change = a.measured.foot(sd).pressure_change
        if change is None:
            continue
        targets = th.pressure
        fell = [r for r in change.regions if r.peak_change_pct <= -targets.reduction_target_pct]
        if fell:
            best = min(fell, key=lambda r: r.peak_change_pct)
            blocks.append(
                Para(
                    fill(
                        text_at(t, "walking", "change_line"),
                        side=side_word(sd),
                        region=words.get(best.region.value, best.region.value),
                        before=f"{best.before_peak_kpa:.0f}",
                        after=f"{best.after_peak_kpa:.0f}",
                        change=f"{best.peak_change_pct:+.0f} %",
                    )
                )
            )
        else:
            blocks.append(Para(fill(text_at(t, "walking", "change_none"), side=side_word(sd))))
    # Each foot's picture; a foot with an earlier recording shows both, the earlier first.
    pictures, titles = [], []
    for sd, w in walks.items():
        assert w is not None
        before = a.measured.foot(sd).walking_before
        if before is not None:
            pictures += [picture_data(before), picture_data(w)]
            titles += [fill(text_at(t, "walking", k), side=side_word(sd)) for k in ("earlier_title", "now_title")]
        else:
            pictures.append(picture_data(w))
            titles.append(side_word(sd))
    blocks.append(
        _pressure_figure(
            pictures,
            titles,
            t,
            names=False,
            caption=text_at(t, "walking", "picture_line"),
            width=PATIENT_WIDTH if len(pictures) <= 2 else 1.0,
            patient=True,
        )
    )
    return blocks


#: The insole's offload recess under each region (orthofit/geometry/features/pressure_offload.py).
_SPOT = {
    Region.HEEL_MEDIAL: "heel",
    Region.HEEL_LATERAL: "heel",
    Region.MTH1: "mth1",
    Region.MTH2_3: "mth2_3",
    Region.MTH4_5: "mth4_5",
    Region.HALLUX: "hallux",
}


def _offloads(out) -> list[tuple[str, float]]:
    p = out.prescription.params
    return [(k, float(v)) for k, v in p.as_dict().items() if k.startswith("offload_") and k.endswith("_mm")]


def _shipped_words() -> dict[str, str]:
    from orthofit.config.templates import shipped_value

    value = shipped_value(("walking", "region_words"))
    return dict(value) if isinstance(value, dict) else {}


__all__ = ["lab_walking", "patient_walking"]
