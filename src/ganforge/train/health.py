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
    diversity           fixed fakes' mean pairwise feature distance over a real batch's
    overfit             ADA's r_v on the held-out split (0: D scores unseen reals like its
                        training reals, 1: like fakes)
    d_holdout, d_gen    D's mean logit on the held-out reals and the fixed fakes
    g_signal            the generator loss's push on the fixed fakes over its push at chance
    quality, quality_metric, quality_direction   an evaluation result ("fid", "min")

Which checks can run is the guard's call: :class:`HealthMonitor` takes ``disabled`` (name ->
reason) for checks a run cannot support, and reports them in :attr:`HealthMonitor.disabled`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Dict, List, Mapping, Optional, Union


from ..errors import ConfigError
from ..losses import LOSSES
from ..registry import OPTION_GROUPS
from .health_checks import Check, DOverfitting, Divergence, ModeCollapse, QualityTrend, VanishingGradient, _num
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

    # Mode collapse. Ratios are against a real batch of the same size, so 1 means "as real data".
    # Under a quarter of a real batch's recall: fakes reach fewer modes than a real batch a
    # quarter its size would (k-NN recall grows with the sample); half its precision: most fakes
    # land in real neighbourhoods, so low recall means narrow, not unfinished.
    collapse_recall: float = 0.25  # median recall ratio below this ...
    collapse_precision: float = 0.5  # ... while the median precision ratio is at least this
    # A quarter of real data's mean pairwise distance: samples packed 4x closer than real ones.
    collapse_spread: float = 0.25  # or the median diversity ratio below this
    # Six checks (300 steps at log_every=50): a collapse that lasts, not one noisy batch.
    collapse_window: int = 6
    # ... spanning at least 250 training steps: every G starts near one output, and the default
    # recipe's leaves it within 150 steps (diversity 0.07 at step 50, 0.33 at step 150).
    collapse_steps: int = 250
    # A later half-window 0.05 above the earlier (a twentieth of real data's level): still spreading.
    collapse_gain: float = 0.05
    # D overfitting: ADA's r_v, halfway from scoring held-out reals as its training reals (0) to
    # scoring them as fakes (1); ADA's own target for r_t, 0.6, is of the same order.
    overfit_threshold: float = 0.5
    # ... or D overpowering G: with a cross-entropy loss, D at least this sure (in log-odds: 6 is
    # 99.75%) that held-out reals are real and that fakes are fake, while G's loss still pushes.
    # Healthy runs of the suite stay under 5.3 (early steps of the previous default recipe); ten D
    # steps per G step sit at 7-10 from step 50 on.
    overpower_margin: float = 6.0
    overpower_loss: float = 0.1  # ... with D's training-batch cross-entropy under this (ten D steps: 0-0.004)
    overfit_patience: int = 3  # consecutive checks
    # Vanishing gradient: two orders of magnitude below the reference (a fake's push in logit
    # space at chance, or G's early gradient norm) is no learning signal left, not a quiet phase.
    vanish_ratio: float = 0.01  # grad_norm_g below this fraction of its early median
    vanish_signal: float = 0.01  # the loss's push on fakes below this fraction of its push at chance
    vanish_baseline_steps: int = 5  # first checks whose median grad_norm_g is the reference
    vanish_patience: int = 3  # consecutive checks
    # Divergence: a loss two orders of magnitude beyond its scale (at chance, or its running
    # median) is an explosion; healthy losses stay within a few times their value at chance.
    explode_ratio: float = 100.0
    explode_floor: float = 1.0  # the smallest loss scale (keeps losses near 0 from looking explosive)
    explode_window: int = 50  # checks in the running median
    explode_min_history: int = 5  # checks before the running median is used
    explode_patience: int = 2  # consecutive checks for a finite explosion (NaN/inf fires at once)
    # Worsening quality: 10% over the best evaluation is beyond the spread of repeated FID
    # estimates at the suite's sample sizes; three evaluations in a row is a trend, not noise.
    quality_margin: float = 0.1
    quality_patience: int = 3  # consecutive evaluations that much worse
    grace_steps: int = 0  # training steps during which only NaN/inf is reported
    # After a rollback, the run retrains at halved learning rates from its last checkpoint; its
    # statistics over the next steps still describe the divergence (D far ahead, G stuck), so
    # only divergence is reported for this many steps (the suite's lr-1 retrains 300 steps).
    recovery_steps: int = 500

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name.endswith(("patience", "steps", "window", "history")):
                least = 0 if f.name == "grace_steps" else 1
                if not isinstance(value, int) or isinstance(value, bool) or value < least:
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


OPTION_GROUPS.register("health")(HealthConfig)  # config.py checks health.* against these fields

CHECKS = (ModeCollapse, DOverfitting, VanishingGradient, Divergence, QualityTrend)
FLAG_NAMES = tuple(c.name for c in CHECKS)


def _log_odds(loss: Optional[str]) -> bool:
    """Whether the named loss trains D's logit as a log-odds (unknown or absent: no)."""
    return bool(loss) and loss in LOSSES and LOSSES.get(loss)().log_odds


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
            if cls is Divergence:
                self.checks.append(cls(self.cfg, self.context.get("loss_scales")))
            elif cls is DOverfitting:
                self.checks.append(cls(self.cfg, log_odds=_log_odds(self.context.get("loss"))))
            else:
                self.checks.append(cls(self.cfg))
        self._streak: Dict[str, int] = {}
        self._active: List[str] = []
        self._last: Dict[str, str] = {}  # latest message per active flag, repeated while stats are missing
        self._hold_until = -1  # first step after a rollback's recovery window

    def rolled_back(self, step: int) -> None:
        """The run went back to ``step`` after a divergence: report divergence alone for the next
        ``recovery_steps`` steps (other flags' streaks restart)."""
        self._hold_until = int(step) + self.cfg.recovery_steps
        self._streak = {name: 0 for name in self._streak if name != Divergence.name}
        self._active = [name for name in self._active if name == Divergence.name]

    @property
    def active(self) -> List[str]:
        """Names of the flags raised at their latest check."""
        return list(self._active)

    def remedy(self, name: str) -> Remedy:
        return remedy(name, self.context)

    def update(self, stats: Mapping[str, Any]) -> List[Flag]:
        """Check one row (a logged step or an evaluation) and return the flags raised now.
        On a row that diverges, and while a rollback's recovery lasts, divergence alone is
        reported: the other statistics then describe the divergence, and their advice
        (augmentation, packing) would send the user after a problem the run does not have."""
        step = int(_num(stats, "step") or 0)
        in_grace = step < self.cfg.grace_steps
        messages = [(check, check.test(stats)) for check in self.checks]
        diverging = any(m for c, m in messages if c.name == Divergence.name) or step < self._hold_until
        raised = []
        for check, message in messages:
            if diverging and message and check.name != Divergence.name:
                continue  # held: neither reported nor counted towards its patience
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
                "hold_until": self._hold_until, "checks": {c.name: c.state_dict() for c in self.checks},
                "config": asdict(self.cfg)}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore running state; the monitor keeps its own (possibly updated) config."""
        self._streak = {str(k): int(v) for k, v in state.get("streak", {}).items()}
        self._active = [str(n) for n in state.get("active", [])]
        self._last = {str(k): str(v) for k, v in state.get("last", {}).items()}
        self._hold_until = int(state.get("hold_until", -1))
        for check in self.checks:
            check.load_state_dict(state.get("checks", {}).get(check.name, {}))
