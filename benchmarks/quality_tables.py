"""Markdown tables of benchmarks/quality.py results: median and range over seeds per row."""
from __future__ import annotations

import statistics
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Sequence

from machine import print_machine

SCORES = [("fid", "FID", 2), ("kid", "KID", 3), ("precision", "precision", 3), ("recall", "recall", 3),
          ("density", "density", 3), ("coverage", "coverage", 3)]
TITLES = {
    "families": "Families at equal CPU budget (MNIST 32 px, 10,000 samples, MNIST-classifier features)",
    "default-run": "`ganforge train` as shipped, everything included (1 torch thread, empty cache)",
    "limited": "Limited data: 500 digits (10%), FID against all 5,000",
    "stacked": "Stacked MNIST (1,000 modes), 26,000 samples classified channel by channel",
}


def _values(rows: Sequence[Dict[str, Any]], key: str) -> List[float]:
    return [float(r[key]) for r in rows if isinstance(r.get(key), (int, float))]


def median_range(rows, key: str, digits: int = 2) -> str:
    """'median (min-max)' over seeds, or the single value; '' when absent."""
    v = _values(rows, key)
    if not v:
        return ""
    med = f"{statistics.median(v):.{digits}f}"
    return med if len(v) == 1 else f"{med} ({min(v):.{digits}f}-{max(v):.{digits}f})"


def _median(rows, key: str) -> Optional[float]:
    v = _values(rows, key)
    return statistics.median(v) if v else None


def _fmt(value: Optional[float], digits: int = 0) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def grouped(rows: Sequence[Dict[str, Any]]) -> "OrderedDict[str, OrderedDict[str, List[Dict[str, Any]]]]":
    """mode -> row label -> runs (the latest result per seed), in first-seen order."""
    out: "OrderedDict[str, OrderedDict[str, Dict[Any, Dict[str, Any]]]]" = OrderedDict()
    for r in rows:
        out.setdefault(r["mode"], OrderedDict()).setdefault(r["row"], {})[r.get("seed")] = r
    return OrderedDict((m, OrderedDict((k, list(v.values())) for k, v in g.items())) for m, g in out.items())


def _table(header: List[str], body: List[List[str]]) -> None:
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for cells in body:
        print("| " + " | ".join(cells) + " |")


def _score_cells(runs) -> List[str]:
    return [median_range(runs, k, d) for k, _, d in SCORES]


def families_table(groups) -> None:
    header = ["row", "seeds", "steps", "CPU s / 1k steps", "train CPU s"] + [f"{t} (median, range)" if k == "fid"
                                                                            else t for k, t, _ in SCORES]
    body = [[label, str(len(runs)), _fmt(_median(runs, "steps")), _fmt(_median(runs, "cpu_s_per_1k_steps"), 1),
             _fmt(_median(runs, "train_cpu_s"))] + _score_cells(runs) for label, runs in groups.items()]
    _table(header, body)


def default_run_table(groups) -> None:
    header = ["recipe", "seeds", "steps", "total CPU s (median, range)", "evaluation share", "FID (median, range)",
              "KID", "precision", "recall", "coverage"]
    body = []
    for label, runs in groups.items():
        body.append([label, str(len(runs)), _fmt(_median(runs, "steps")), median_range(runs, "total_cpu_s", 0),
                     f"{100 * (_median(runs, 'eval_share') or 0):.1f}%", median_range(runs, "fid"),
                     median_range(runs, "kid", 3), median_range(runs, "precision", 3), median_range(runs, "recall", 3),
                     median_range(runs, "coverage", 3)])
    _table(header, body)
    reference = next((runs for label, runs in groups.items() if label.startswith("previous")), None)
    ref_fid = _median(reference, "fid") if reference else None
    for label, runs in groups.items():
        fid = _median(runs, "fid")
        if ref_fid and fid is not None and runs is not reference:
            print(f"\n{label}: median FID {fid:.2f} = {fid / ref_fid:.2f} x the previous default's {ref_fid:.2f}")
    print()
    phases: List[str] = []
    for runs in groups.values():
        for r in runs:
            phases += [p for p in r.get("timing", {}) if p not in phases]
    print("Median CPU seconds per phase (timing.json of each run):\n")
    rows = []
    for label, runs in groups.items():
        cells = []
        for p in phases:
            v = [r["timing"][p]["cpu_s"] for r in runs if p in r.get("timing", {})]
            cells.append(_fmt(statistics.median(v), 1) if v else "")
        rows.append([label] + cells)
    _table(["recipe"] + phases, rows)


def limited_table(groups) -> None:
    base = _median(groups.get("nothing", []), "fid")
    header = ["remedy", "seeds", "steps", "CPU s / 1k steps", "FID (median, range)", "FID vs nothing", "KID",
              "precision", "recall", "coverage"]
    body = []
    for label, runs in groups.items():
        fid = _median(runs, "fid")
        change = "" if base is None or fid is None or label == "nothing" else f"{100 * (fid - base) / base:+.0f}%"
        body.append([label, str(len(runs)), _fmt(_median(runs, "steps")), _fmt(_median(runs, "cpu_s_per_1k_steps"), 1),
                     median_range(runs, "fid"), change,
                     median_range(runs, "kid", 3), median_range(runs, "precision", 3), median_range(runs, "recall", 3),
                     median_range(runs, "coverage", 3)])
    _table(header, body)


def stacked_table(groups) -> None:
    header = ["config", "seeds", "steps", "train CPU s", "modes of 1,000 (median, range)",
              "KL to uniform (median, range)"]
    body = [[label, str(len(runs)), _fmt(_median(runs, "steps")), _fmt(_median(runs, "train_cpu_s")),
             median_range(runs, "modes_covered", 0), median_range(runs, "kl_to_uniform", 3)]
            for label, runs in groups.items()]
    body.append(["*PacGAN2 (published, DCGAN-based, 26k samples)*", "", "", "", "*1000.0*", "*0.06*"])
    _table(header, body)


PRINTERS = {"families": families_table, "default-run": default_run_table, "limited": limited_table,
            "stacked": stacked_table}


def print_tables(rows: Sequence[Dict[str, Any]]) -> None:
    """One table per benchmark mode found in ``rows``, then one machine line per distinct machine
    (the same machine run with another ``--jobs`` is another line)."""
    if not rows:
        print("no results")
        return
    for mode, groups in grouped(rows).items():
        budget = _median([r for g in groups.values() for r in g], "budget")
        fixed = budget is None and mode != "default-run" and _median([r for g in groups.values() for r in g], "steps")
        seeds = max(len(runs) for runs in groups.values())
        extra = ((f", {budget:.0f} CPU-s of training per run" if budget else "")
                 + (f", {fixed:.0f} generator steps per run" if fixed else "") + f", {seeds} seed{'s' * (seeds > 1)}")
        print(f"\n#### {TITLES.get(mode, mode)}{extra}\n")
        PRINTERS[mode](groups)
    print()
    machines = []
    for r in rows:
        if r.get("machine", {}) not in machines:
            machines.append(r.get("machine", {}))
    for info in machines:
        print_machine(info)
