"""Training-timeline figures from ``metrics.jsonl``: losses, D outputs, gradient norms and the
evaluation metrics against step, with health flags, rollbacks and the best step marked."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

from .embed import figure_uri, panel_grid, pyplot

TRAIN_PANELS: Tuple[Tuple[str, Tuple[str, ...]], ...] = (
    ("losses (G and D)", ("loss_d", "loss_g")),
    ("D(real) / D(fake) and r_t", ("d_real", "d_fake", "r_t")),
    ("gradient norms", ("grad_norm_d", "grad_norm_g")),
)
# Evaluation keys that are not metric values.
_NOT_METRICS = {"step", "eval"}


def _series(rows: Sequence[Dict[str, Any]], key: str) -> Tuple[List[int], List[float]]:
    xs, ys = [], []
    for r in rows:
        v = r.get(key)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            xs.append(r["step"])
            ys.append(float(v))
    return xs, ys


def split_rows(rows: Sequence[Dict[str, Any]]):
    """(training rows, evaluation rows, rollback rows)."""
    train = [r for r in rows if "loss_d" in r and not r.get("eval")]
    evals = [r for r in rows if r.get("eval")]
    rollbacks = [r for r in rows if r.get("event") == "rollback"]
    return train, evals, rollbacks


def flag_events(train_rows: Sequence[Dict[str, Any]]) -> List[Tuple[int, str]]:
    """(step, flag name) for each logged flag, in order."""
    return [(r["step"], name) for r in train_rows for name in (r.get("flags") or [])]


def _mark_events(ax, flags: Sequence[Tuple[int, str]], rollbacks: Sequence[Dict[str, Any]]) -> None:
    for i, step in enumerate(sorted({s for s, _ in flags})):
        ax.axvline(step, color="orange", alpha=0.35, linewidth=1, label="health flag" if i == 0 else None)
    for i, r in enumerate(rollbacks):
        ax.axvline(r["step"], color="red", linestyle="--", linewidth=1.2, label="rollback" if i == 0 else None)


def loss_terms(train_rows: Sequence[Dict[str, Any]]) -> Tuple[str, ...]:
    """Logged loss terms beside the G and D totals (L1, cycle, pixel, ...), in first-seen order."""
    keys: List[str] = []
    for r in train_rows:
        keys += [k for k in r if k.startswith("loss_") and k not in ("loss_d", "loss_g") and k not in keys]
    return tuple(keys)


def training_figure(rows: Sequence[Dict[str, Any]]) -> Optional[str]:
    """Data URI of the training panels (plus one of the loss terms when an objective logs them),
    or None when nothing is logged."""
    train, _, rollbacks = split_rows(rows)
    if not train:
        return None
    plt = pyplot()
    flags = flag_events(train)
    terms = loss_terms(train)
    panels = TRAIN_PANELS + ((("loss terms", terms),) if terms else ())
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.2), dpi=100)
    for ax, (title, keys) in zip(axes, panels):
        for key in keys:
            xs, ys = _series(train, key)
            if xs:
                ax.plot(xs, ys, label=key, linewidth=1)
        _mark_events(ax, flags, rollbacks)
        ax.set_title(title)
        ax.set_xlabel("step")
        ax.legend(fontsize=7)
    return figure_uri(fig)


def metric_keys(evals: Sequence[Dict[str, Any]]) -> List[str]:
    keys: List[str] = []
    for r in evals:
        for k, v in r.items():
            if k not in _NOT_METRICS and k not in keys and isinstance(v, (int, float)) and not isinstance(v, bool):
                keys.append(k)
    return keys


def metrics_figure(rows: Sequence[Dict[str, Any]], best: Optional[Dict[str, Any]]) -> Optional[str]:
    """One small panel per evaluation metric against step; the best step is marked."""
    _, evals, rollbacks = split_rows(rows)
    keys = metric_keys(evals)
    if not keys:
        return None
    fig, axes = panel_grid(len(keys), 3.3, 2.6, dpi=100)
    for ax, key in zip(axes.flat, keys):
        xs, ys = _series(evals, key)
        ax.plot(xs, ys, marker="o", markersize=3, linewidth=1)
        if best and best.get("step") is not None:
            ax.axvline(best["step"], color="green", linestyle=":", label=f"best ({best.get('metric')})")
            ax.legend(fontsize=6)
        _mark_events(ax, [], rollbacks)
        ax.set_title(key, fontsize=9)
        ax.set_xlabel("step", fontsize=8)
    for ax in list(axes.flat)[len(keys):]:
        ax.axis("off")
    return figure_uri(fig)
