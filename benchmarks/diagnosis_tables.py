"""Tables of ``benchmarks/diagnosis.py`` from its saved result rows (one dict per run)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
from diagnosis_suite import CASES  # noqa: E402
from machine import machine_info, print_machine  # noqa: E402

FLAGS = ("mode_collapse", "d_overfitting", "vanishing_g_gradient", "divergence", "quality_worsening")
TURN_MARGIN = 0.1  # an evaluation this much worse than the best marks the metric's turn
SICK_RATIO = 1.5
REACH_2D = 0.75  # share of a mixture's modes covered
REACH_RATIO = 0.5  # recall relative to the healthy run of the recipe
Row = Dict[str, Any]


def raised(row: Row) -> Dict[str, int]:
    """Flag -> first step raised (a rollback counts as divergence detected)."""
    out = {name: span[0] for name, span in row["flags"].items()}
    if row.get("rollbacks"):
        out["divergence"] = min([out.get("divergence", 10**9)] + row["rollbacks"])
    return out


def final(row: Row) -> Optional[float]:
    """The last training-time evaluation."""
    return row["evals"][-1][1] if row["evals"] else None


def final_fresh(row: Row) -> Optional[float]:
    """The last checkpoint's metric on fresh samples (see ``independent_quality``), else :func:`final`."""
    ind = row.get("independent")
    return ind["latest"] if ind else final(row)


def value_at(row: Row, step: int) -> Optional[float]:
    """The run's evaluation at the last step <= ``step`` (a healthy run compared at the same point)."""
    before = [v for s, v in row["evals"] if s <= step]
    return before[-1] if before else None


def worse(a: float, b: float, direction: str, ratio: float) -> bool:
    """Whether ``a`` is worse than ``b`` by ``ratio`` (min metrics: a >= ratio b); equal values
    never are (a share of 0 stuck at 0 has not worsened)."""
    if a == b:
        return False
    return a >= ratio * b if direction == "min" else a <= b / ratio


def best_eval(row: Row) -> Tuple[int, float]:
    """(step, value) of the run's best training-time evaluation."""
    lower = row["direction"] == "min"
    return min(row["evals"], key=lambda e: e[1] if lower else -e[1])


def turn_step(row: Row) -> Optional[int]:
    """Step of the best evaluation when a later one is TURN_MARGIN worse; None if it never turned."""
    evals = row["evals"]
    if len(evals) < 2:
        return None
    best = best_eval(row)
    later = [v for s, v in evals if s > best[0]]
    return best[0] if any(worse(v, best[1], row["direction"], 1 + TURN_MARGIN) for v in later) else None


def truth(row: Row, rows: Dict[str, Row]) -> Tuple[Tuple[str, ...], str]:
    """(labels confirmed by the outcome, note); None as labels excludes the run from scoring.

    An induced pathology counts once the run stopped, or ended SICK_RATIO worse than its healthy
    reference at the same step, or has no reference, or the reference had not learned yet by that
    step (not SICK_RATIO better than its own first evaluation: then the outcome cannot refute the
    construction either way). Mode collapse is also read from fresh samples
    (see :func:`collapse_outcome`): a realistic but narrow run is labelled collapsed whatever it
    was built for. quality_worsening: the last checkpoint scores TURN_MARGIN worse than the best one
    on fresh samples, and the best was in the healthy range (a run that never learned has no
    quality to lose)."""
    case = CASES[row["case"]]
    labels = list(case.labels)
    notes = []
    ref = rows.get(case.reference)
    if labels and case.confirm and ref and final(row) is not None and not row["status"].startswith("stopped"):
        step = row["evals"][-1][0]
        healthy_then = value_at(ref, step)
        if healthy_then is None:
            pass
        elif not worse(ref["evals"][0][1], healthy_then, row["direction"], SICK_RATIO):
            notes.append(f"unconfirmed: the healthy run was still learning at step {step}")
        elif not worse(final(row), healthy_then, row["direction"], SICK_RATIO):
            labels = []
            notes.append(f"stayed healthy ({row['metric']} {final(row):.3g}, healthy run {healthy_then:.3g})")
    if collapse_outcome(row, ref) == "collapsed" and "mode_collapse" not in labels:
        labels.append("mode_collapse")
        notes.append("collapsed (fresh samples)")
    ind = row.get("independent") or {}
    lost = ind.get("best") is not None and worse(ind["latest"], ind["best"], row["direction"], 1 + TURN_MARGIN)
    if row["evals"] and lost:
        best_step = best_eval(row)[0]
        healthy_then = value_at(ref, best_step) if ref else None
        if healthy_then is None or not worse(ind["best"], healthy_then, row["direction"], SICK_RATIO):
            labels.append("quality_worsening")
    return tuple(labels), "; ".join(notes)


def collapse_outcome(row: Row, ref: Optional[Row]) -> str:
    """From the last checkpoint's fresh samples: "collapsed" (realistic but reaching little of the
    data: under REACH_2D of a mixture's modes, or under REACH_RATIO of the healthy reference's
    recall), "failed" (not realistic: under half a mixture's samples on a mode, or under half the
    reference's precision), else "" (varied, or not measurable)."""
    ind = row.get("independent") or {}
    if ind.get("reach") is None:
        return ""
    if row["metric"] in ("high_quality", "modes_covered", "reverse_kl"):
        realistic, narrow = ind["realism"] >= 0.5, ind["reach"] < REACH_2D
    else:
        base = (ref or {}).get("independent") or {}
        if base.get("reach") is None:
            return ""
        realistic, narrow = ind["realism"] >= 0.5 * base["realism"], ind["reach"] < REACH_RATIO * base["reach"]
    if not realistic:
        return "failed"
    return "collapsed" if narrow else ""


def precision_recall(rows: Dict[str, Row]) -> List[str]:
    out = ["| flag | labelled runs | flagged | true positives | precision | recall |", "|---|---|---|---|---|---|"]
    base = [r for r in rows.values() if not r["fix"] and truth(r, rows)[0] is not None]
    for flag in FLAGS:
        lab = [r for r in base if flag in truth(r, rows)[0]]
        hit = [r for r in base if flag in raised(r)]
        tp = [r for r in hit if r in lab]
        prec = f"{len(tp) / len(hit):.2f}" if hit else "-"
        rec = f"{len(tp) / len(lab):.2f}" if lab else "-"
        out.append(f"| {flag} | {len(lab)} | {len(hit)} | {len(tp)} | {prec} | {rec} |")
    return out


def per_run(rows: Dict[str, Row]) -> List[str]:
    out = ["| run | recipe | steps | label (confirmed) | flags raised (first step) | metric best / last "
           "| metric turned | CPU s |", "|---|---|---|---|---|---|---|---|"]
    for r in rows.values():
        if r["fix"]:
            continue
        labels, note = truth(r, rows)
        labels = labels if labels is not None else ("not scored",)
        flags = ", ".join(f"{n} ({s})" for n, s in raised(r).items()) or "none"
        metric = f"{r['metric']} {best_eval(r)[1]:.3g} / {final(r):.3g}" if r["evals"] else "-"
        turn = turn_step(r)
        label = (", ".join(labels) or "healthy") + (" - " + note if note else "")
        cpu = round(r["cpu_s"]) if r["cpu_s"] else "-"
        out.append(f"| {r['run']} | {r['recipe']} | {r['last_step']}/{r['steps']} | {label} "
                   f"| {flags} | {metric} | {turn if turn is not None else '-'} | {cpu} |")
    return out


def departure_step(row: Row, rows: Dict[str, Row]) -> Optional[int]:
    """First evaluation SICK_RATIO worse than the healthy reference at the same step."""
    ref = rows.get(CASES[row["case"]].reference)
    if ref is None:
        return None
    for step, value in row["evals"]:
        healthy_then = value_at(ref, step)
        if healthy_then is not None and worse(value, healthy_then, row["direction"], SICK_RATIO):
            return step
    return None


def delays(rows: Dict[str, Row]) -> List[str]:
    out = ["| run | flag | first detection | metric turned | detection - turn | left the healthy range "
           "| detection - left |", "|---|---|---|---|---|---|---|"]
    for r in rows.values():
        if r["fix"]:
            continue
        labels, _ = truth(r, rows)
        turn, left = turn_step(r), departure_step(r, rows)
        for flag in labels or ():
            first = raised(r).get(flag)
            if first is None:
                continue
            out.append(f"| {r['run']} | {flag} | {first} | {turn if turn is not None else 'never'} | "
                       f"{f'{first - turn:+d}' if turn is not None else '-'} | {left if left is not None else '-'} | "
                       f"{f'{first - left:+d}' if left is not None else '-'} |")
    return out


def healthy_false_flags(rows: Dict[str, Row]) -> Tuple[int, int, List[str]]:
    """(healthy runs, runs with any flag, 'run: flags' lines): the healthy cases whose outcome
    showed no collapse either (sick cases that stayed healthy are scored, not counted here)."""
    healthy = [r for r in rows.values() if not r["fix"] and CASES[r["case"]].healthy and truth(r, rows)[0] == ()]
    bad = [f"{r['run']}: {', '.join(raised(r))}" for r in healthy if raised(r)]
    return len(healthy), len(bad), bad


def recovered(sick: Row, fixed: Row, flag: str, rows: Dict[str, Row]) -> bool:
    """The rerun finished without the flag and with its metric back in the healthy range: within
    SICK_RATIO of the healthy reference at the same step, or without a reference, better than the
    sick run on fresh samples."""
    if flag in raised(fixed) or fixed["status"] != "finished":
        return False
    ref = rows.get(CASES[sick["case"]].reference)
    if final(fixed) is None:
        return True
    if ref is not None:
        healthy_then = value_at(ref, fixed["evals"][-1][0])
        return healthy_then is None or not worse(final(fixed), healthy_then, fixed["direction"], SICK_RATIO)
    return final_fresh(sick) is None or worse(final_fresh(sick), final_fresh(fixed), sick["direction"], 1.0)


def recoveries(rows: Dict[str, Row]) -> List[str]:
    out = ["| flag | flagged sick runs rerun with the suggestion | recovered | change (run: recovered?) |",
           "|---|---|---|---|"]
    for flag in FLAGS[:4]:
        tried, ok, notes = 0, 0, []
        for r in rows.values():
            if r["fix"] or flag not in (truth(r, rows)[0] or ()) or flag not in raised(r):
                continue
            if r["run"] + "+fix" in rows:
                fixed = rows[r["run"] + "+fix"]
                change = " ".join(fixed["fix"])
            elif CASES[r["case"]].injected:  # no setting causes it: the rollback is the remedy
                if not r.get("rollbacks"):
                    continue  # it recovered without one: no change was made, so none is measured
                fixed, change = r, "automatic rollback"
            else:
                continue
            tried += 1
            good = recovered(r, fixed, flag if fixed is not r else "", rows)
            ok += good
            notes.append(f"{r['run']}: `{change}` {'yes' if good else 'no'}")
        out.append(f"| {flag} | {tried} | {ok} | {'; '.join(notes)} |")
    return out


def print_tables(rows: Dict[str, Row]) -> None:
    if not rows:
        print("no results yet")
        return
    print_machine(machine_info())
    print("\n### Precision and recall per flag\n")
    print("\n".join(precision_recall(rows)))
    n, bad, lines = healthy_false_flags(rows)
    print(f"\nfalse flags on healthy runs: {bad} of {n} runs" + (": " + "; ".join(lines) if lines else ""))
    print("\n### Suggested change, rerun\n")
    print("\n".join(recoveries(rows)))
    print("\n### First detection against the metric's turn\n")
    print("\n".join(delays(rows)))
    print("\n### Runs\n")
    print("\n".join(per_run(rows)))
