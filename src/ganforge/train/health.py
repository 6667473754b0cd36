"""Training-health detection: turns logged statistics into flags with a reason and a remedy.

Pure: the monitor sees plain dicts of numbers, one per logged step and one per evaluation, never
a model. The Trainer's guard measures the statistics (``train/probe.py``) and acts on the flags.
Feed rows to :meth:`HealthMonitor.update`; a check whose statistics are missing from a row skips
it without changing its state.

Statistics read (all optional except ``step``):
    loss_d, loss_g, grad_norm_g, grad_norm_d, d_real, d_fake  every logged step
    recall, precision   fixed fakes' improved recall / precision in feature space, each over the
                        same statistic for a real batch of the same size (1 = as varied / as
                        realistic as real data; see ``probe.HealthProbe``)
    overfit             ADA's r_v on the held-out split (0: D scores unseen reals like its
                        training reals, 1: like fakes)
    quality, quality_metric, quality_direction   an evaluation result ("fid", "min")

Which checks can run is the guard's call: :class:`HealthMonitor` takes ``disabled`` (name ->
reason) for checks a run cannot support, and reports them in :attr:`HealthMonitor.disabled`.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Dict, List, Mapping, Optional, Union

import torch

from ..errors import ConfigError
from .health_stats import median
from .remedies import Remedy, remedy


@dataclass
class Flag:
    """One detected problem: ``name`` is stable for code, ``message``/``suggestion`` are for people."""

    name: str
    message: str
    suggestion: str
    step: int = -1
    severity: str = "warning"  # "error" for divergence, which usually warrants a rollback
    new: bool = True  # False while the same problem persists on consecutive checks
    overrides: List[str] = field(default_factory=list)  # the suggested change as key=value


@dataclass
class HealthConfig:
    """Thresholds. ``*_patience``: consecutive checks (logged steps, or evaluations for the
    quality trend) the condition must hold before its flag fires."""

    collapse_recall: float = 0.25  # fakes reach less than this share of a real batch's recall...
    collapse_precision: float = 0.5  # ...while realistic enough to judge (precision ratio at least this)
    collapse_window: int = 6  # ...for this many checks without climbing by collapse_gain
    collapse_gain: float = 0.1
    overfit_threshold: float = 0.5  # ADA r_v at or above this
    overfit_patience: int = 3
    vanish_ratio: float = 0.01  # grad_norm_g below this fraction of its early median...
    vanish_signal: float = 0.01  # ...or the loss's push on fakes below this fraction of its push at chance
    vanish_baseline_steps: int = 5  # logged steps whose median grad_norm_g is the reference
    vanish_patience: int = 3
    explode_ratio: float = 100.0  # |loss| above this times max(reference, explode_floor)
    explode_floor: float = 1.0  # keeps losses hovering near 0 from looking explosive
    explode_window: int = 50  # logged steps in the running median
    explode_min_history: int = 5
    explode_patience: int = 2
    quality_margin: float = 0.1  # an evaluation this much worse than the best so far (relative)...
    quality_patience: int = 3  # ...this many evaluations in a row
    grace_steps: int = 0  # training steps during which only NaN/inf is reported

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name.endswith(("patience", "steps", "window", "history")):
                if not isinstance(value, int) or isinstance(value, bool) or value < (0 if f.name == "grace_steps" else 1):
                    raise ConfigError(f"health.{f.name} must be a positive integer, got {value!r}")
            elif isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ConfigError(f"health.{f.name} must be a number > 0, got {value!r}")

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> "HealthConfig":
        valid = [f.name for f in fields(cls)]
        unknown = sorted(set(values) - set(valid))
        if unknown:
            raise ConfigError(f"unknown health option {', '.join(unknown)}; valid options: {', '.join(valid)}")
        return cls(**values)


def _num(stats: Mapping[str, Any], key: str) -> Optional[float]:
    """The stat as a float, or None if absent or not a number; NaN/inf are returned as-is."""
    value = stats.get(key)
    if isinstance(value, torch.Tensor):
        value = value.item()
    if isinstance(value, str) and value in ("nan", "inf", "-inf"):  # as metrics.jsonl stores them
        value = float(value)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


class Check:
    """One condition over the stream. ``test`` returns a message while the condition holds, ""
    while it does not, and None when the row lacks the statistics (the streak is left alone)."""

    name = ""
    patience_key = ""  # HealthConfig field; empty: the check counts its own evidence
    immediate = False  # set by ``test`` for evidence that needs no patience (NaN)
    severity = "warning"

    def __init__(self, cfg: HealthConfig):
        self.cfg = cfg

    @property
    def patience(self) -> int:
        return getattr(self.cfg, self.patience_key) if self.patience_key else 1

    def test(self, stats: Mapping[str, Any]) -> Optional[str]:
        raise NotImplementedError

    def state_dict(self) -> Dict[str, Any]:
        return {}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        pass


class ModeCollapse(Check):
    """Fakes that look real but reach few of the real data's k-NN balls compared with a real batch
    of the same size, and have stopped gaining ground. Early on fakes are not yet realistic, so
    they are not judged; a generator that is still spreading out keeps climbing and is left alone."""

    name = "mode_collapse"

    def __init__(self, cfg: HealthConfig):
        super().__init__(cfg)
        self.history: List[float] = []

    def test(self, stats):
        recall, precision = _num(stats, "recall"), _num(stats, "precision")
        if recall is None or precision is None or not (math.isfinite(recall) and math.isfinite(precision)):
            return None
        if precision < self.cfg.collapse_precision:
            self.history.clear()  # not realistic yet (or no longer): nothing to judge
            return ""
        self.history = (self.history + [recall])[-self.cfg.collapse_window:]
        window = self.history
        if len(window) < self.cfg.collapse_window or max(window) >= self.cfg.collapse_recall:
            return ""
        if window[-1] - window[0] >= self.cfg.collapse_gain:
            return ""
        return (f"fakes reach {recall:.2f} of a real batch's recall in feature space (precision {precision:.2f}) "
                f"and have not gained for {len(window)} checks")

    def state_dict(self):
        return {"history": list(self.history)}

    def load_state_dict(self, state):
        self.history = [float(v) for v in state.get("history", [])]


class DOverfitting(Check):
    """D scores held-out real data like fakes: ADA's r_v on a split D never trains on."""

    name = "d_overfitting"
    patience_key = "overfit_patience"

    def test(self, stats):
        r_v = _num(stats, "overfit")
        if r_v is None or not math.isfinite(r_v):
            return None
        if r_v < self.cfg.overfit_threshold:
            return ""
        return (f"D scores held-out real images {r_v:.2f} of the way from its training images to fakes "
                f"(r_v; 0 = no overfitting): it is memorising the training set")


class VanishingGradient(Check):
    """G gets (almost) nothing to learn from: its loss has saturated (``g_signal``, the push on
    fakes in logit space against that at chance), or its gradient norm fell far below its early
    median (saturation inside G's own layers)."""

    name = "vanishing_g_gradient"
    patience_key = "vanish_patience"

    def __init__(self, cfg: HealthConfig):
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

    def __init__(self, cfg: HealthConfig, scales: Optional[Mapping[str, float]] = None):
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

    def __init__(self, cfg: HealthConfig):
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


CHECKS = (ModeCollapse, DOverfitting, VanishingGradient, Divergence, QualityTrend)
FLAG_NAMES = tuple(c.name for c in CHECKS)


class HealthMonitor:
    """Runs every enabled check on each row and returns the flags raised.

    cfg: thresholds (a HealthConfig or a dict of its fields). context: the run's settings for
    remedies (``remedies.run_context``) plus ``loss_scales`` ({"loss_d": ..., "loss_g": ...},
    losses at chance). disabled: check name -> why the run cannot support it.
    A flag stays in the returned list while its condition holds; ``Flag.new`` marks its first report.
    """

    def __init__(self, cfg: Union[HealthConfig, Mapping[str, Any], None] = None,
                 context: Optional[Mapping[str, Any]] = None, disabled: Optional[Mapping[str, str]] = None):
        self.cfg = cfg if isinstance(cfg, HealthConfig) else HealthConfig.from_dict(cfg or {})
        self.context = dict(context or {})
        self.disabled = dict(disabled or {})
        unknown = sorted(set(self.disabled) - set(FLAG_NAMES))
        if unknown:
            raise ValueError(f"unknown checks {unknown}; checks are {FLAG_NAMES}")
        self.checks: List[Check] = []
        for cls in CHECKS:
            if cls.name in self.disabled:
                continue
            self.checks.append(cls(self.cfg, self.context.get("loss_scales")) if cls is Divergence else cls(self.cfg))
        self._streak: Dict[str, int] = {}
        self._active: List[str] = []
        self._last: Dict[str, str] = {}  # latest message per active flag, repeated while stats are missing

    @property
    def active(self) -> List[str]:
        """Names of the flags raised at their latest check."""
        return list(self._active)

    def remedy(self, name: str) -> Remedy:
        return remedy(name, self.context)

    def update(self, stats: Mapping[str, Any]) -> List[Flag]:
        """Check one row (a logged step or an evaluation) and return the flags raised now."""
        step = int(_num(stats, "step") or 0)
        in_grace = step < self.cfg.grace_steps
        raised = []
        for check in self.checks:
            message = check.test(stats)
            if message is None:  # statistics missing: keep the streak and the active state
                if check.name in self._active:
                    raised.append(self._flag(check, self._last.get(check.name, ""), step, new=False))
                continue
            streak = self._streak[check.name] = self._streak.get(check.name, 0) + 1 if message else 0
            muted = in_grace and not check.immediate
            if not message or muted or (streak < check.patience and not check.immediate):
                if not message and check.name in self._active:
                    self._active.remove(check.name)
                continue
            new = check.name not in self._active
            if new:
                self._active.append(check.name)
            self._last[check.name] = message
            raised.append(self._flag(check, message, step, new))
        return raised

    __call__ = update

    def _flag(self, check: Check, message: str, step: int, new: bool) -> Flag:
        fix = self.remedy(check.name)
        return Flag(check.name, message, fix.text, step, check.severity, new, list(fix.overrides))

    def state_dict(self) -> Dict[str, Any]:
        """Plain lists/ints/floats (loadable with ``torch.load(weights_only=True)``)."""
        return {"streak": dict(self._streak), "active": list(self._active), "last": dict(self._last),
                "checks": {c.name: c.state_dict() for c in self.checks}, "config": asdict(self.cfg)}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore running state; the monitor keeps its own (possibly updated) config."""
        self._streak = {str(k): int(v) for k, v in state.get("streak", {}).items()}
        self._active = [str(n) for n in state.get("active", [])]
        self._last = {str(k): str(v) for k, v in state.get("last", {}).items()}
        for check in self.checks:
            check.load_state_dict(state.get("checks", {}).get(check.name, {}))
