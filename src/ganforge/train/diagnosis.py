"""A run's health, read back from its directory: what ``ganforge doctor`` prints and the report shows.

:func:`diagnose` reads ``config.yaml``, ``data.json``, ``metrics.jsonl`` and the checkpoints of a
finished, interrupted or still running run (it never loads a model) and returns a
:class:`Diagnosis`; :func:`format_diagnosis` turns it into a few lines of text.
"""
from __future__ import annotations

import math
import shlex
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..metrics import METRIC_DIRECTION
from .checkpoint import latest_checkpoint
from .guard import loss_scales, quality_row
from .health import FLAG_NAMES, HealthMonitor
from .remedies import Remedy, remedy, run_context
from .rundir import DATA_INFO, METRICS, load_run_config, read_data_info, read_health_info
from .runlog import read_metrics

# Root causes first: the change that fixes an earlier one often clears the later ones.
PRIORITY = ("divergence", "vanishing_g_gradient", "d_overfitting", "mode_collapse", "quality_worsening")
RECENT_S = 120  # a metrics file written this recently belongs to a run still in progress
RECENT_SHARE, RECENT_CHECKS = 0.15, 3  # a flag raised this close to the end of the log is still active
OVERFIT_KEY = "overfit"


@dataclass
class FlagSpan:
    """One flag over the run: first and last logged step, how many logged checks raised it, and
    whether it was still raised near the end of the log (``active``) or had cleared."""

    name: str
    first: int
    last: int
    count: int
    active: bool = True


@dataclass
class Diagnosis:
    run: Path
    name: str
    status: str  # finished, in progress, interrupted, stopped after divergence
    step: int  # last logged training step
    steps: int  # the run's target
    checkpoint: Optional[int]  # step of the newest step checkpoint
    metric: Optional[str]
    best: Optional[Tuple[int, float]]  # (step, value) of the best evaluation
    last: Optional[Tuple[int, float]]
    flags: List[FlagSpan]
    rollbacks: List[Tuple[int, int]]  # (back to step, from step)
    overfit_peak: Optional[Tuple[int, float]]  # (step, r_v) at its highest
    checks_off: Dict[str, str]
    remedies: Dict[str, Remedy] = field(default_factory=dict)  # for the flags still active
    evaluated: bool = False  # the run has training-time metrics

    @property
    def healthy(self) -> bool:
        return not self.flags and not self.rollbacks

    @property
    def primary(self) -> Optional[str]:
        """The most urgent flag raised: its change comes first (it often clears the others)."""
        return next((name for name in PRIORITY if name in self.remedies), None)

    def change(self) -> List[str]:
        """The overrides of the primary flag's remedy."""
        return list(self.remedies[self.primary].overrides) if self.primary else []

    def commands(self) -> List[Tuple[str, str]]:
        """(what, command) pairs for continuing or restarting with :meth:`change`."""
        change = self.change()
        run = shlex.quote(str(self.run))
        keys = " ".join(shlex.quote(c) for c in change)
        start = shlex.quote(str(self.run / "config.yaml"))
        fresh = shlex.quote(str(self.run.parent / f"{self.run.name}-fixed"))
        unfinished = self.checkpoint is not None and self.step < self.steps and self.status != "in progress"
        out = []
        if not change:
            return [("resume", f"ganforge train --resume {run}")] if unfinished else []
        if unfinished and self.remedies[self.primary].resumable:
            out.append(("resume with the change", f"ganforge train --resume {run} {keys}"))
        best = self.run / "checkpoints" / "best"
        if self.primary == "quality_worsening" and best.is_dir():
            out.append(("continue from the best checkpoint with the change",
                        f"ganforge train {start} init_from={shlex.quote(str(best))} {keys} --out {fresh}"))
        out.append(("restart with the change", f"ganforge train {start} {keys} --out {fresh}"))
        return out


def _number(value: Any) -> Optional[float]:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _status(run: Path, rows: Sequence[Dict[str, Any]], step: int, steps: int, max_rollbacks: int) -> str:
    if step >= steps:
        return "finished"
    path = run / METRICS
    if path.exists() and time.time() - path.stat().st_mtime < RECENT_S:
        return "in progress"
    rollbacks = [r for r in rows if r.get("event") == "rollback"]
    last = next((r for r in reversed(rows) if "loss_d" in r), {})
    if len(rollbacks) >= max_rollbacks and "divergence" in (last.get("flags") or []):
        return "stopped after divergence"
    return "interrupted"


def _spans(rows: Sequence[Dict[str, Any]]) -> List[FlagSpan]:
    spans: Dict[str, FlagSpan] = {}
    for r in rows:
        for name in r.get("flags") or []:
            if r.get("event") == "rollback":
                continue
            span = spans.get(name)
            if span is None:
                spans[name] = FlagSpan(name, r["step"], r["step"], 1)
            else:
                span.last, span.count = r["step"], span.count + 1
    return sorted(spans.values(), key=lambda s: s.first)


def _context(run: Path, cfg, health: Dict[str, Any]) -> Dict[str, Any]:
    """The remedies' view of a run, from its config, ``health.json`` and (for runs whose
    ``health.json`` predates ``data_dim``) the sample shape in ``data.json``."""
    data_dim = int(health.get("data_dim", 0))
    if not data_dim and (run / DATA_INFO).exists():
        data_dim = math.prod(read_data_info(run).get("shape") or [0])
    return run_context(cfg, int(health.get("train_items", 0)) or UNKNOWN_ITEMS, data_dim)


def recheck(run_dir, cfg, rows: Sequence[Dict[str, Any]], health: Dict[str, Any],
            thresholds: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
    """``rows`` with every flag recomputed by today's checks from the logged statistics, under the
    run's health thresholds updated by ``thresholds``. Rollbacks stay as they happened (they
    changed the run); evaluation flags are re-derived from the evaluation rows."""
    context = {**_context(Path(run_dir), cfg, health), "loss_scales": loss_scales(cfg.loss)}
    monitor = HealthMonitor({**cfg.health, **(thresholds or {})}, context, health.get("checks_off", {}))
    metric = cfg.best_metric or _first_metric(rows)
    out = []
    for row in rows:
        row = dict(row)
        if row.get("event") == "health":
            continue  # evaluation flags: recomputed from the evaluation rows below
        if row.get("eval"):
            out.append(row)
            flags = [f.name for f in monitor.update(quality_row(row["step"], row, metric))
                     if f.name == "quality_worsening"]
            if flags:
                out.append({"step": row["step"], "event": "health", "flags": flags})
        elif "loss_d" in row:
            row["flags"] = [f.name for f in monitor.update(row)]
            out.append(row)
        else:
            if row.get("event") == "rollback":
                monitor.rolled_back(row["step"])
            out.append(row)
    return out


def diagnose(run_dir, recheck_with: Optional[Dict[str, Any]] = None) -> Diagnosis:
    """Read run ``run_dir`` and diagnose it (see :class:`Diagnosis`). With ``recheck_with`` (a dict
    of health thresholds, possibly empty) the flags are recomputed from the logged statistics."""
    run = Path(run_dir)
    cfg = load_run_config(run)
    rows = read_metrics(run / METRICS)
    if recheck_with is not None:
        rows = recheck(run, cfg, rows, read_health_info(run), recheck_with)
    train_rows = [r for r in rows if "loss_d" in r and not r.get("eval")]
    step = max((r["step"] for r in train_rows), default=0)
    newest = latest_checkpoint(run)
    checkpoint = int(newest.name.split("-")[1]) if newest is not None else None
    metric = cfg.best_metric or (_first_metric(rows) if cfg.metrics else None)
    evals = [(r["step"], v) for r in rows if r.get("eval") and (v := _number(r.get(metric))) is not None]
    best = None
    if evals:
        pick = min if METRIC_DIRECTION.get(metric, "min") == "min" else max
        best = pick(evals, key=lambda e: e[1])
    overfit = [(r["step"], v) for r in train_rows
               if (v := _number(r.get(OVERFIT_KEY))) is not None and math.isfinite(v)]
    health = read_health_info(run)
    if not cfg.monitor:
        off = {name: "the monitor was off (monitor=false)" for name in FLAG_NAMES}
    else:
        off = dict(health.get("checks_off", {}))
    flags = _spans(rows)
    rollbacks = [(r["step"], r.get("from_step", r["step"])) for r in rows if r.get("event") == "rollback"]
    status = _status(run, rows, step, cfg.steps, cfg.max_rollbacks)
    if rollbacks and not any(s.name == "divergence" for s in flags):  # its rows went with the rollback
        starts = [start for _, start in rollbacks]
        flags.append(FlagSpan("divergence", min(starts), max(starts), len(starts)))
    recent = step - max(RECENT_SHARE * step, RECENT_CHECKS * cfg.log_every)
    for span in flags:
        span.active = span.last >= recent or (span.name == "divergence" and status == "stopped after divergence")
    context = _context(run, cfg, health)
    remedies = {name: remedy(name, context) for name in PRIORITY
                if any(s.name == name and s.active for s in flags)}
    return Diagnosis(run=run, name=cfg.name, status=status, step=step,
                     steps=cfg.steps, checkpoint=checkpoint, metric=metric if evals else None, best=best,
                     last=evals[-1] if evals else None, flags=flags,
                     rollbacks=rollbacks, evaluated=bool(cfg.metrics),
                     overfit_peak=max(overfit, key=lambda o: o[1]) if overfit else None, checks_off=off,
                     remedies=remedies)


UNKNOWN_ITEMS = 10**9  # runs without health.json: never assume a small dataset


def _first_metric(rows: Sequence[Dict[str, Any]]) -> Optional[str]:
    for r in rows:
        if r.get("eval"):
            return next((k for k in r if k in METRIC_DIRECTION), None)
    return None


def quality_text(d: Diagnosis) -> Tuple[str, str]:
    """(label, text) on the run's evaluations: best and last value, or why there are none."""
    if d.best is not None:
        return d.metric, f"best {d.best[1]:.4g} at step {d.best[0]:,}, last {d.last[1]:.4g} at step {d.last[0]:,}"
    if d.evaluated:
        return "quality", "no evaluation logged yet"
    return "quality", "no training-time evaluations (metrics=[fid] eval_every=N logs them)"


def overfit_text(d: Diagnosis) -> Tuple[str, str]:
    """(label, text) on D overfitting: whether and when it was flagged, and r_v's peak."""
    label = "D overfitting"
    if "d_overfitting" in d.checks_off:
        return label, f"not measured ({d.checks_off['d_overfitting']})"
    if d.overfit_peak is None:
        return label, "not measured (no held-out statistics logged yet)"
    span = next((s for s in d.flags if s.name == "d_overfitting"), None)
    peak = f"; r_v peaked at {d.overfit_peak[1]:.2f} at step {d.overfit_peak[0]:,}"
    return label, f"{f'yes, from step {span.first:,}' if span else 'no'}{peak}"


def advice(d: Diagnosis) -> List[Tuple[str, str, str]]:
    """(lead, flag, remedy text) for each active flag, the primary one first."""
    lead = lambda name: "what to change" if name == d.primary else "if it persists"  # noqa: E731
    return [(lead(name), name, d.remedies[name].text) for name in PRIORITY if name in d.remedies]


def format_diagnosis(d: Diagnosis) -> str:
    """A short plain-text diagnosis (the output of ``ganforge doctor``)."""
    lines = [f"run {d.run} ({d.name}): {d.status} at step {d.step:,} of {d.steps:,}"
             + (f", newest checkpoint step {d.checkpoint:,}" if d.checkpoint is not None else ", no checkpoint yet"),
             ": ".join(quality_text(d))]
    if d.healthy:
        lines.append("health: no flags raised")
    else:
        lines.append("health flags (first - last logged step, checks raised):")
        for s in d.flags:
            lines.append(f"  {s.name:<22} steps {s.first:,}-{s.last:,} ({s.count}){'' if s.active else ', cleared since'}")
        if d.rollbacks:
            moves = ", ".join(f"{start:,} -> {back:,}" for back, start in d.rollbacks)
            lines.append(f"  {'rollbacks':<22} {len(d.rollbacks)} (step {moves}; learning rates halved each time)")
    lines.append(": ".join(overfit_text(d)))
    for name, why in d.checks_off.items():
        if name != "d_overfitting":
            lines.append(f"check {name} off: {why}")
    if not d.healthy and not d.remedies:
        lines.append("what to change: nothing now, every flag cleared before the end of the log")
    for lead, name, text in advice(d):
        lines.append(f"{lead} ({name}): {text}")
    for what, command in d.commands():
        lines.append(f"{what}:\n  {command}")
    return "\n".join(lines)
