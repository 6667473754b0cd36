"""The facts at the top of a report: headline metrics with their best step, steps and run time,
the time breakdown (``timing.json``) and the command that reproduces the run."""
from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import yaml

from ..config import resolve_config
from ..errors import ConfigError
from ..metrics import METRIC_DIRECTION
from ..train.timing import TIMING, read_timing
from .numbers import pm, sig
from .timeline import metric_keys, series, split_rows

# Registry-backed keys: a different entry is named first (generator=resnet), then its options.
_COMPONENTS = ("generator", "discriminator", "objective", "augment")


@dataclass
class Headline:
    """One metric: its last value (± std), and its best value and step when the direction is known."""

    name: str
    last: str
    last_step: int
    best: Optional[str] = None
    best_step: Optional[int] = None
    direction: str = ""
    chosen: bool = False  # the run's best_metric, which picks checkpoints/best


def headline_metrics(rows: Sequence[Dict[str, Any]], best: Optional[Dict[str, Any]]) -> List[Headline]:
    _, evals, _ = split_rows(rows)
    out = []
    for key in metric_keys(evals):
        xs, ys = series(evals, key)
        if not xs:
            continue
        spread = dict(zip(*series(evals, key + "_std")))
        h = Headline(key, pm(ys[-1], spread.get(xs[-1])), xs[-1], direction=METRIC_DIRECTION.get(key, ""))
        if h.direction and len(xs) > 1:
            pick = min if h.direction == "min" else max
            i = ys.index(pick(ys))
            h.best, h.best_step = pm(ys[i], spread.get(xs[i])), xs[i]
        h.chosen = bool(best and best.get("metric") == key)
        out.append(h)
    return out


@dataclass
class Progress:
    """Where the run stands: ``step`` of ``planned`` steps, logged every ``log_every``."""

    step: int
    planned: int
    log_every: int
    evaluations: int
    rollbacks: int

    @property
    def finished(self) -> bool:
        return self.step >= self.planned


def progress(rows: Sequence[Dict[str, Any]], cfg) -> Progress:
    train, evals, rollbacks = split_rows(rows)
    step = max((r["step"] for r in train + evals), default=0)
    return Progress(step, int(cfg.steps), int(cfg.log_every), len(evals), len(rollbacks))


@dataclass
class RunTime:
    """Wall time of the run: ``total_s`` and, from ``timing.json``, its phases (name, seconds)."""

    total_s: Optional[float]
    source: str
    phases: List[Tuple[str, float]] = field(default_factory=list)


def run_time(run: Path, rows: Sequence[Dict[str, Any]], batch_size: int) -> RunTime:
    """Wall seconds from ``timing.json`` when the run wrote one (``{phase: {"wall_s", "cpu_s"}}`` with
    a ``total`` entry, see :mod:`ganforge.train.timing`), else estimated from the logged throughput:
    each logged interval lasted (steps x batch) / images_per_s seconds."""
    timing = read_timing(run)
    if isinstance(timing, dict) and isinstance(timing.get("total"), dict):
        phases = [(str(name), float(d["wall_s"])) for name, d in timing.items()
                  if name != "total" and isinstance(d, dict) and isinstance(d.get("wall_s"), (int, float))
                  and d["wall_s"] >= 0]
        total = timing["total"].get("wall_s")
        total = float(total) if isinstance(total, (int, float)) else (sum(s for _, s in phases) or None)
        return RunTime(total, TIMING, sorted(phases, key=lambda p: -p[1]))
    train, _, _ = split_rows(rows)
    seconds, previous = 0.0, 0
    for r in train:
        rate = r.get("images_per_s")
        if isinstance(rate, (int, float)) and rate > 0:
            seconds += (r["step"] - previous) * batch_size / rate
        previous = r["step"]
    return RunTime(seconds or None, "logged throughput")


def _flat(data: Dict[str, Any], prefix: str = "") -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for k, v in data.items():
        if isinstance(v, dict) and v:
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _value(v: Any) -> str:
    text = yaml.safe_dump(v, default_flow_style=True, width=10**6).strip()
    return text.removesuffix("...").strip()


def _overrides(recipe: Dict[str, Any], run: Dict[str, Any]) -> List[str]:
    out = []
    for comp in _COMPONENTS:  # a different component: name first, then all of its options
        mine, theirs = run.get(comp) or {}, recipe.get(comp) or {}
        if isinstance(mine, dict) and mine.get("name") != (theirs or {}).get("name"):
            out.append(f"{comp}={mine.get('name')}")
            out += [f"{comp}.{k}={_value(v)}" for k, v in _flat({k: v for k, v in mine.items() if k != "name"}).items()]
            recipe = {**recipe, comp: mine}
    a, b = _flat(recipe), _flat(run)
    out += [f"{k}={_value(v)}" for k, v in b.items() if k not in a or a[k] != v]
    return out


def reproduce_commands(run: Path, cfg) -> Tuple[Optional[str], str]:
    """(``ganforge train RECIPE key=value ...``, or None when that does not rebuild this exact
    config, and ``ganforge train RUN/config.yaml``, which always does). Both start a new run."""
    exact = "ganforge train " + shlex.quote(str(run / "config.yaml"))
    mine = cfg.model_dump(mode="json")
    try:
        recipe = resolve_config(cfg.name).model_dump(mode="json")
        overrides = _overrides(recipe, mine)
        if resolve_config(cfg.name, overrides).model_dump(mode="json") != mine:
            return None, exact
    except (ConfigError, ValueError, TypeError):
        return None, exact
    return " ".join(["ganforge train", shlex.quote(cfg.name)] + [shlex.quote(o) for o in overrides]), exact


def eval_file(run: Path) -> Optional[Dict[str, Any]]:
    """``eval.json`` written by ``ganforge eval`` (n, checkpoint, results), when present."""
    try:
        data = json.loads((run / "eval.json").read_text())
    except (OSError, ValueError):
        return None
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, dict):
        return None
    flat = {k: v for k, v in _flat(results).items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    data["rows"] = [(k, pm(v, flat.get(k + "_std")) if not k.endswith("_std") else None) for k, v in flat.items()]
    data["rows"] = [(k, v) for k, v in data["rows"] if v is not None]
    return data


__all__ = ["Headline", "Progress", "RunTime", "eval_file", "headline_metrics", "progress", "reproduce_commands",
           "run_time", "sig"]
