"""The health monitor's checks: each one condition over the stream of logged statistics.

A check's ``test`` returns a message while its condition holds, "" while it does not, and None
when the row lacks the statistics it needs (the monitor then leaves its streak alone).
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional

import torch

from .health_stats import median

if TYPE_CHECKING:
    from .health import HealthConfig


def _num(stats: Mapping[str, Any], key: str) -> Optional[float]:
    """The stat as a float, or None if absent or not a number; NaN/inf are returned as-is."""
    value = stats.get(key)
    if isinstance(value, torch.Tensor):
        value = value.item()
    if isinstance(value, str) and value in ("nan", "inf", "-inf"):  # as metrics.jsonl stores them
        value = float(value)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


class Check(ABC):
    """One condition over the stream. ``test`` returns a message while the condition holds, ""
    while it does not, and None when the row lacks the statistics (the streak is left alone)."""

    name = ""
    patience_key = ""  # HealthConfig field; empty: the check counts its own evidence
    immediate = False  # set by ``test`` for evidence that needs no patience (NaN)
    severity = "warning"

    def __init__(self, cfg: "HealthConfig"):
        self.cfg = cfg

    @property
    def patience(self) -> int:
        return getattr(self.cfg, self.patience_key) if self.patience_key else 1

    @abstractmethod
    def test(self, stats: Mapping[str, Any]) -> Optional[str]:
        """The message while the condition holds, "" while not, None without the statistics."""

    def state_dict(self) -> Dict[str, Any]:
        return {}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        pass


class ModeCollapse(Check):
    """A generator stuck on part of the data, in either of two pictures, each read from the
    medians of a window of checks (one noisy batch neither raises nor clears it):

    * narrow: fakes look real (precision ratio at least ``collapse_precision``) but reach few of
      the real data's k-NN balls (recall ratio under ``collapse_recall``);
    * concentrated: fakes spread over much less of feature space than a real batch (mean
      pairwise distance ratio under ``collapse_spread``), realistic or not: G near one output.

    Every generator starts concentrated and unrealistic, so the window must span
    ``collapse_steps`` training steps, and one whose later half has gained ``collapse_gain`` on
    its earlier half (the generator is still spreading out) is left alone.
    """

    name = "mode_collapse"
    KEYS = ("recall", "precision", "diversity")

    def __init__(self, cfg: "HealthConfig"):
        super().__init__(cfg)
        self.history: List[List[float]] = []  # [recall, precision, diversity, step] per check
        self.realistic, self.since = False, 0  # fakes have been realistic once; checks since then

    def test(self, stats):
        values = [_num(stats, k) for k in self.KEYS]
        if any(v is None or not math.isfinite(v) for v in values):
            return None
        self.history = (self.history + [values + [_num(stats, "step") or 0.0]])[-self.cfg.collapse_window:]
        # recall is judged from the first realistic check on: before it, every G reaches nothing
        self.realistic = self.realistic or values[1] >= self.cfg.collapse_precision
        self.since = self.since + 1 if self.realistic else 0
        span = self.history[-1][3] - self.history[0][3]
        if len(self.history) < self.cfg.collapse_window or span < self.cfg.collapse_steps:
            return ""
        recall, precision, spread = (median(col) for col in list(zip(*self.history))[:3])
        if (self.since >= self.cfg.collapse_window and precision >= self.cfg.collapse_precision
                and recall < self.cfg.collapse_recall and not self._gaining(0)):
            return (f"fakes reach {recall:.2f} of a real batch's recall in feature space (precision "
                    f"{precision:.2f}), median of {len(self.history)} checks, and are not gaining")
        if spread < self.cfg.collapse_spread and not self._gaining(2):
            return (f"fakes spread {spread:.2f}x as widely as a real batch in feature space (median of "
                    f"{len(self.history)} checks) and are not spreading out")
        return ""

    def _gaining(self, column: int) -> bool:
        """Whether the statistic's later half-window median is ``collapse_gain`` above its earlier one."""
        values = [row[column] for row in self.history]
        half = len(values) // 2
        return median(values[-half:]) - median(values[:half]) >= self.cfg.collapse_gain

    def state_dict(self):
        return {"history": [list(v) for v in self.history], "realistic": self.realistic, "since": self.since}

    def load_state_dict(self, state):
        self.history = [[float(x) for x in v] for v in state.get("history", []) if len(v) == len(self.KEYS) + 1]
        self.realistic, self.since = bool(state.get("realistic", False)), int(state.get("since", 0))


class DOverfitting(Check):
    """D has beaten G, in either of two pictures:

    * memorising: D scores held-out real data like fakes (ADA's r_v on a split D never trains
      on, at least ``overfit_threshold``);
    * overpowering (cross-entropy losses only, ``log_odds``): D is at least ``overpower_margin``
      sure, in log-odds, that held-out reals are real and that the fixed fakes are fake, its
      cross-entropy on its training batch is under ``overpower_loss`` (an exploding D has huge
      mean logits and huge losses: the divergence check's story), and G's loss still pushes (a
      saturated G loss is the vanishing-gradient check's).
    """

    name = "d_overfitting"
    patience_key = "overfit_patience"

    def __init__(self, cfg: "HealthConfig", log_odds: bool = False):
        super().__init__(cfg)
        self.log_odds = log_odds

    def test(self, stats):
        r_v = _num(stats, "overfit")
        holdout, fake, signal = _num(stats, "d_holdout"), _num(stats, "d_gen"), _num(stats, "g_signal")
        margin = min(holdout, -fake) if self.log_odds and holdout is not None and fake is not None else None
        if not any(v is not None and math.isfinite(v) for v in (r_v, margin)):
            return None
        found = []
        if r_v is not None and math.isfinite(r_v) and r_v >= self.cfg.overfit_threshold:
            found.append(f"D scores held-out real samples {r_v:.2f} of the way from its training samples to fakes "
                         f"(r_v; 0 = no overfitting): it is memorising the training set")
        pushing = signal is None or not math.isfinite(signal) or signal >= self.cfg.vanish_signal
        loss = next((v for v in (_num(stats, "loss_d_adv"), _num(stats, "loss_d")) if v is not None), None)
        right = loss is not None and math.isfinite(loss) and loss < self.cfg.overpower_loss
        if margin is not None and math.isfinite(margin) and margin >= self.cfg.overpower_margin and pushing and right:
            sure = 1 / (1 + math.exp(-margin))
            found.append(f"D is {sure:.2%} sure that held-out reals are real and fakes are fake (mean logits "
                         f"{holdout:+.1f} / {fake:+.1f}): it has overpowered G")
        return "; ".join(found)


class VanishingGradient(Check):
    """G gets (almost) nothing to learn from: its loss has saturated (``g_signal``, the push on
    fakes in logit space against that at chance), or its gradient norm fell far below its early
    median (saturation inside G's own layers)."""

    name = "vanishing_g_gradient"
    patience_key = "vanish_patience"

    def __init__(self, cfg: "HealthConfig"):
        super().__init__(cfg)
        self.baseline: List[float] = []

    def test(self, stats):
        norm, signal = _num(stats, "grad_norm_g"), _num(stats, "g_signal")
        found = []
        if signal is not None and math.isfinite(signal) and signal < self.cfg.vanish_signal:
            found.append(f"the generator loss pushes fakes {signal:.2g}x as hard as at chance: it has saturated")
        if norm is not None and math.isfinite(norm):
            if len(self.baseline) < self.cfg.vanish_baseline_steps:
                self.baseline.append(norm)
            elif 0 < (reference := median(self.baseline)) and norm < self.cfg.vanish_ratio * reference:
                found.append(f"generator gradient norm {norm:.3g} is {norm / reference:.2g}x its early median "
                             f"{reference:.3g}")
        elif signal is None or not math.isfinite(signal):
            return None
        return "; ".join(found)

    def state_dict(self):
        return {"baseline": list(self.baseline)}

    def load_state_dict(self, state):
        self.baseline = [float(v) for v in state.get("baseline", [])]


class Divergence(Check):
    """Non-finite values (at once), or adversarial losses far beyond their scale: their running
    median, or where training starts exploded, the loss at chance (zero logits) from ``scales``."""

    name = "divergence"
    severity = "error"
    FINITE_KEYS = ("loss_d", "loss_g", "grad_norm_g", "grad_norm_d", "d_real", "d_fake")
    LOSSES = (("loss_d", "loss_d_adv"), ("loss_g", "loss_g_adv"))  # (total, adversarial part)

    def __init__(self, cfg: "HealthConfig", scales: Optional[Mapping[str, float]] = None):
        super().__init__(cfg)
        self.scales = dict(scales or {})
        self.history: Dict[str, List[float]] = {key: [] for key, _ in self.LOSSES}
        self.streak = 0

    def test(self, stats):
        self.immediate = False
        bad = [k for k in self.FINITE_KEYS if (v := _num(stats, k)) is not None and not math.isfinite(v)]
        if bad:
            self.immediate = True
            return "non-finite values: " + ", ".join(f"{k}={_num(stats, k)}" for k in bad)
        exploded, seen = [], False
        for total, adv in self.LOSSES:
            key = adv if _num(stats, adv) is not None else total
            value = _num(stats, key)
            if value is None:
                continue
            seen = True
            history = self.history[total]
            limit = self.cfg.explode_ratio * max(self.cfg.explode_floor, abs(self.scales.get(total, 0.0)))
            if total in self.scales and abs(value) > limit:
                exploded.append(f"|{key}| {abs(value):.3g} is over {self.cfg.explode_ratio:g}x its scale at chance")
                continue
            if len(history) >= self.cfg.explode_min_history:
                scale = max(median(history), self.cfg.explode_floor)
                if abs(value) > self.cfg.explode_ratio * scale:
                    exploded.append(f"|{key}| {abs(value):.3g} is {abs(value) / scale:.0f}x its running median")
                    continue  # keep outliers out of the reference
            history.append(abs(value))
            del history[:-self.cfg.explode_window]
        if not seen:
            return None
        self.streak = self.streak + 1 if exploded else 0
        if self.streak < self.cfg.explode_patience:
            return ""
        return "losses exploding: " + "; ".join(exploded)

    def state_dict(self):
        return {"history": {k: list(v) for k, v in self.history.items()}, "streak": self.streak}

    def load_state_dict(self, state):
        self.history = {k: [float(v) for v in state.get("history", {}).get(k, [])] for k, _ in self.LOSSES}
        self.streak = int(state.get("streak", 0))


class QualityTrend(Check):
    """The evaluation metric worse than its best so far, by a margin, for several evaluations."""

    name = "quality_worsening"
    patience_key = "quality_patience"

    def __init__(self, cfg: "HealthConfig"):
        super().__init__(cfg)
        self.best: Optional[float] = None
        self.best_step: Optional[int] = None

    def test(self, stats):
        value = _num(stats, "quality")
        if value is None or not math.isfinite(value):
            return None
        lower = stats.get("quality_direction", "min") == "min"
        score = value if lower else -value  # lower is better from here on
        if self.best is None or score < self.best:
            self.best, self.best_step = score, int(_num(stats, "step") or 0)
            return ""
        if score - self.best <= self.cfg.quality_margin * max(abs(self.best), 1e-12):
            return ""
        best = self.best if lower else -self.best
        name = stats.get("quality_metric", "quality")
        return f"{name} {value:.4g} is worse than its best {best:.4g} (step {self.best_step})"

    def state_dict(self):
        return {"best": self.best, "best_step": self.best_step}

    def load_state_dict(self, state):
        self.best, self.best_step = state.get("best"), state.get("best_step")
