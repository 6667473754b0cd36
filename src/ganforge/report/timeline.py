"""Training-timeline figures from ``metrics.jsonl``: losses, loss terms, D outputs, gradient norms,
diversity and the evaluation metrics against step, with health flags, rollbacks and the best step
marked. Each panel is its own small inline SVG, laid out by the page."""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Sequence, Tuple

from markupsafe import Markup

from ..metrics import METRIC_DIRECTION
from .figures import PALETTE, figure, legend, line_style, themed, to_svg
from .numbers import sig

PANEL_W, PANEL_H = 344, 236
# Evaluation keys that are not metric values.
_NOT_METRICS = {"step", "eval"}
_LABELS = {"loss_d": "D", "loss_g": "G", "d_real": "D(real)", "d_fake": "D(fake)", "r_t": "r_t",
           "acc_real": "accuracy on real", "acc_fake": "accuracy on fake", "grad_norm_d": "D", "grad_norm_g": "G",
           "overfit": "r_v"}


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def series(rows: Sequence[Dict[str, Any]], key: str) -> Tuple[List[int], List[float]]:
    """(steps, values) of the rows where ``key`` is a finite number."""
    xs, ys = [], []
    for r in rows:
        if _number(r.get(key)):
            xs.append(r["step"])
            ys.append(float(r[key]))
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


def loss_terms(train_rows: Sequence[Dict[str, Any]]) -> Tuple[str, ...]:
    """Logged loss terms beside the G and D totals (L1, cycle, pixel, ...), in first-seen order.
    A side whose only term is its total under another name (``loss_d_adv`` of a plain GAN) adds
    nothing and is left out, so the panel never repeats the losses panel."""
    keys: List[str] = []
    for r in train_rows:
        keys += [k for k in r if k.startswith("loss_") and k not in ("loss_d", "loss_g") and k not in keys]
    kept: List[str] = []
    for side in ("loss_d", "loss_g"):
        own = [k for k in keys if k.startswith(side + "_")]
        if len(own) == 1 and series(train_rows, own[0]) == series(train_rows, side):
            continue
        kept += own
    return tuple(kept + [k for k in keys if not k.startswith(("loss_d_", "loss_g_"))])


def _mark_events(ax, train: Sequence[Dict[str, Any]], rollbacks: Sequence[Dict[str, Any]]) -> None:
    """Shade the logged intervals that raised a health flag; dashed lines at rollbacks."""
    steps = [r["step"] for r in train]
    for i, r in enumerate(train):
        if r.get("flags"):
            left = steps[i - 1] if i else steps[i]
            ax.axvspan(left, steps[i], color="#e8803a", alpha=0.18, linewidth=0)
    for i, r in enumerate(rollbacks):
        ax.axvline(r["step"], color="#d64e72", linestyle="--", linewidth=1.4, label="rollback" if i == 0 else None)


def _log_axis(ax) -> None:
    """Log scale with plain numbers (2, 5, 10) instead of 2 x 10^0."""
    from matplotlib.ticker import FuncFormatter, NullFormatter

    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: sig(v, 2)))
    ax.yaxis.set_minor_formatter(NullFormatter())


def _panel(title: str, rows, keys: Sequence[str], train, rollbacks, log_y: bool = False,
           threshold: Optional[float] = None) -> Optional[Markup]:
    drawn = [(k, *series(rows, k)) for k in keys]
    drawn = [d for d in drawn if d[1]]
    if not drawn:
        return None
    with themed():
        fig = figure(PANEL_W, PANEL_H)
        ax = fig.add_subplot()
        for key, xs, ys in drawn:
            ax.plot(xs, ys, label=_LABELS.get(key, key.removeprefix("loss_")), **line_style(len(xs)))
        if log_y and all(y > 0 for _, _, ys in drawn for y in ys):
            _log_axis(ax)
        if threshold is not None:
            ax.axhline(threshold, color="#d64e72", linestyle=":", linewidth=1.4, label=f"health line {threshold:g}")
        _mark_events(ax, train, rollbacks)
        ax.set_title(title, loc="left")
        ax.set_xlabel("step")
        legend(ax)
        return to_svg(fig, title)


def training_panels(rows: Sequence[Dict[str, Any]], thresholds: Optional[Dict[str, float]] = None) -> List[Markup]:
    """One SVG per training panel that has data (empty when nothing is logged yet);
    ``thresholds``: the health monitor's line on a panel, by the panel's first key
    (``recall`` and ``diversity``: the mode-collapse lines, ``overfit``: the D-overfitting line)."""
    train, _, rollbacks = split_rows(rows)
    if not train:
        return []
    specs = [("Losses", ("loss_d", "loss_g"), False), ("Loss terms", loss_terms(train), False),
             ("D(real) and D(fake)", ("d_real", "d_fake"), False),
             ("D overconfidence: r_t and accuracy", ("r_t", "acc_real", "acc_fake"), False),
             ("D overfitting: r_v on held-out reals", ("overfit",), False),
             ("Gradient norms", ("grad_norm_d", "grad_norm_g"), True),
             ("Coverage (fakes / a real batch)", ("recall", "precision"), False),
             ("Diversity (generated / real)", ("diversity",), False)]
    lines = thresholds or {}
    panels = [_panel(title, train, keys, train, rollbacks, log_y, lines.get(keys[0]) if keys else None)
              for title, keys, log_y in specs if keys]
    return [p for p in panels if p is not None]


def metric_keys(evals: Sequence[Dict[str, Any]]) -> List[str]:
    """Metric names logged by evaluations, spreads (``kid_std``) folded into their metric."""
    keys: List[str] = []
    for r in evals:
        keys += [k for k, v in r.items() if k not in _NOT_METRICS and k not in keys and _number(v)]
    return [k for k in keys if not (k.endswith("_std") and k[:-4] in keys)]


def metric_panels(rows: Sequence[Dict[str, Any]], best: Optional[Dict[str, Any]]) -> List[Markup]:
    """One SVG per evaluation metric against step, ± its std as error bars where logged, the
    best step of the best metric marked."""
    _, evals, rollbacks = split_rows(rows)
    panels = []
    for i, key in enumerate(metric_keys(evals)):
        xs, ys = series(evals, key)
        if not xs:
            continue
        spread = dict(zip(*series(evals, key + "_std")))
        with themed():
            fig = figure(PANEL_W, PANEL_H)
            ax = fig.add_subplot()
            color = PALETTE[i % len(PALETTE)]
            if spread:
                ax.errorbar(xs, ys, yerr=[spread.get(x, 0.0) for x in xs], color=color, capsize=3,
                            label=f"{key} ± std", **line_style(len(xs)))
            else:
                ax.plot(xs, ys, color=color, label=key, **line_style(len(xs)))
            if best and best.get("metric") == key and best.get("step") is not None:
                ax.plot([best["step"]], [best["value"]], marker="*", markersize=14, linestyle="none",
                        color="#3fae72", label=f"best, step {best['step']}")
            for r in rollbacks:
                ax.axvline(r["step"], color="#d64e72", linestyle="--", linewidth=1.2)
            if min(ys) > 0 and max(ys) / min(ys) > 30:  # early evaluations dwarf the rest otherwise
                _log_axis(ax)
            direction = {"min": "lower is better", "max": "higher is better"}.get(METRIC_DIRECTION.get(key, ""), "")
            ax.set_title(key + (f"  ({direction})" if direction else ""), loc="left")
            ax.set_xlabel("step")
            legend(ax)
            panels.append(to_svg(fig, f"{key} over training"))
    return panels
