"""The health verdict of the summary card, from the flags and rollbacks in ``metrics.jsonl``.

``ok``: no flag was raised and nothing rolled back; ``warn``: flags were raised or the run rolled
back, but the last stretch of training is clean; ``bad``: a flag is still up at the end, or the
run stopped early after rollbacks; ``off``: the run was trained with ``monitor=false``.
A fuller diagnosis of a run can add its own section below the summary; this stays the one-line
answer to "is it healthy?".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Sequence, Tuple

from .timeline import split_rows

# What each flag means, in a few words (the console message at the time gives the numbers).
FLAG_MEANING = {
    "mode_collapse": "realistic samples that reach few of the real data's modes",
    "d_overfitting": "D has beaten G: it scores held-out real data like fakes (memorising the training set) "
                     "or is near-certain on held-out reals and fakes alike (overpowering G)",
    "vanishing_g_gradient": "G's loss has saturated or its gradients have almost vanished",
    "divergence": "losses exploded or became NaN/inf",
    "quality_worsening": "the evaluation metric kept getting worse than its best",
}
END_SHARE = 0.1  # the final share of logged steps that counts as "the end"


@dataclass
class FlagSpan:
    """One flag over the run: how many logged steps raised it, first and last step, and whether
    it is still raised at the end."""

    name: str
    times: int
    first: int
    last: int
    at_end: bool

    @property
    def meaning(self) -> str:
        return FLAG_MEANING.get(self.name, "")


@dataclass
class Verdict:
    level: str  # ok | warn | bad | off
    headline: str
    detail: str = ""
    flags: List[FlagSpan] = field(default_factory=list)
    rollbacks: List[Dict[str, Any]] = field(default_factory=list)


def _spans(train: Sequence[Dict[str, Any]]) -> List[FlagSpan]:
    if not train:
        return []
    end_from = train[max(0, len(train) - max(1, round(len(train) * END_SHARE)))]["step"]
    seen: Dict[str, List[int]] = {}
    for r in train:
        for name in r.get("flags") or []:
            seen.setdefault(name, []).append(r["step"])
    return [FlagSpan(n, len(s), s[0], s[-1], s[-1] >= end_from) for n, s in seen.items()]


def _steps(span: FlagSpan) -> str:
    return f"step {span.first}" if span.first == span.last else f"steps {span.first}-{span.last}"


def verdict(rows: Sequence[Dict[str, Any]], monitored: bool, finished: bool) -> Verdict:
    """The run's health from its logged rows (``monitored``: trained with the monitor on;
    ``finished``: reached its planned steps)."""
    train, _, rollbacks = split_rows(rows)
    # evaluation flags (the quality trend) are logged as their own event rows
    spans = _spans(sorted(train + [r for r in rows if r.get("event") == "health"], key=lambda r: r["step"]))
    if not monitored and not spans:
        return Verdict("off", "Not monitored", "trained with monitor=false")
    if not train:
        return Verdict("off", "Nothing logged yet")
    at_end = [s for s in spans if s.at_end]
    if rollbacks and not finished:
        return Verdict("bad", "Diverged", f"stopped early after {len(rollbacks)} rollback(s)", spans, rollbacks)
    if at_end:
        names = "; ".join(f"{s.name} ({_steps(s)})" for s in at_end)
        return Verdict("bad", "Unhealthy at the end", names, spans, rollbacks)
    if spans or rollbacks:
        parts = [f"{s.name} ({_steps(s)})" for s in spans]
        parts += [f"{len(rollbacks)} rollback(s)"] if rollbacks else []
        return Verdict("warn", "Recovered", "; ".join(parts) + "; clean at the end", spans, rollbacks)
    return Verdict("ok", "Healthy", f"no health flags in {len(train)} logged steps", spans, rollbacks)


def flag_table(spans: Sequence[FlagSpan]) -> List[Tuple[str, str, int, str, str]]:
    """Rows (flag, meaning, times, steps, still at the end) for the health section."""
    return [(s.name, s.meaning, s.times, _steps(s), "yes" if s.at_end else "no") for s in spans]
