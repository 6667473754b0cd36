"""Training-health detection: turns logged statistics into actionable warnings.

The monitor only detects; the Trainer decides what to do (log, roll back, stop).
Feed it one dict per logged step; missing keys simply skip the checks that need them.

Recognised stats keys (all optional except ``step``):
    step, loss_d, loss_g, d_real, d_fake, r_t, acc_real, acc_fake,
    grad_norm_g, grad_norm_d, diversity, lr_d, lr_g
where r_t = mean sign(D(real)), acc_real = fraction D(real) > 0,
acc_fake = fraction D(fake) < 0, and diversity = mean pairwise distance of a
fixed batch of generated features over the same statistic on real features
(see :func:`diversity_ratio`). ``lr_d``/``lr_g``, when given, make suggestions
quote concrete halved learning rates.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import asdict, dataclass, fields
from typing import Any, Dict, List, Mapping, Optional, Union

import torch

from ..errors import ConfigError
from ..registry import OPTION_GROUPS


@dataclass
class Flag:
    """One detected problem: ``name`` is stable for code, ``message``/``suggestion`` are for people."""

    name: str
    message: str
    suggestion: str
    step: int = -1
    severity: str = "warning"  # "error" for divergence, which usually warrants a rollback
    new: bool = True  # False while the same problem persists on consecutive checks


@dataclass
class HealthConfig:
    """Thresholds; ``*_patience`` is the number of consecutive logged steps before a flag fires."""

    diversity_threshold: float = 0.5  # generated / real mean pairwise distance
    diversity_patience: int = 2
    overpower_accuracy: float = 0.95  # D accuracy on both real and fake at or above this...
    overpower_r_t: float = 0.95  # ...or r_t at or above this
    overpower_patience: int = 3
    vanish_ratio: float = 0.01  # grad_norm_g below this fraction of its early median
    vanish_baseline_steps: int = 5  # logged steps whose median grad_norm_g is the reference
    vanish_patience: int = 3
    explode_ratio: float = 100.0  # |loss| above this times max(running median |loss|, explode_floor)
    explode_floor: float = 1.0  # keeps losses hovering near 0 from looking explosive
    explode_window: int = 50  # logged steps in the running median
    explode_min_history: int = 5
    explode_patience: int = 2
    grace_steps: int = 0  # training steps during which only NaN/inf is reported

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name.endswith(("patience", "steps", "window", "history")):
                if not isinstance(value, int) or value < (0 if f.name == "grace_steps" else 1):
                    raise ConfigError(f"health.{f.name} must be a positive integer, got {value!r}")
            elif not value > 0:
                raise ConfigError(f"health.{f.name} must be > 0, got {value!r}")

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> "HealthConfig":
        valid = [f.name for f in fields(cls)]
        unknown = sorted(set(values) - set(valid))
        if unknown:
            raise ConfigError(f"unknown health option {', '.join(unknown)}; valid options: {', '.join(valid)}")
        return cls(**values)


OPTION_GROUPS.register("health")(HealthConfig)  # config.py checks health.* against these fields


def mean_pairwise_distance(feats: torch.Tensor) -> float:
    """Mean Euclidean distance over all pairs of the N samples in ``feats`` (N x ..., N >= 2)."""
    flat = feats.detach().reshape(feats.shape[0], -1).double()
    if flat.shape[0] < 2:
        raise ValueError("mean_pairwise_distance needs at least 2 samples")
    return float(torch.pdist(flat).mean())


def diversity_ratio(fake_feats: torch.Tensor, real_feats: torch.Tensor) -> float:
    """Generated over real mean pairwise distance; ~1 when G is as diverse as the data."""
    real = mean_pairwise_distance(real_feats)
    return mean_pairwise_distance(fake_feats) / real if real > 0 else math.nan


def _as_float(value: Any) -> Optional[float]:
    """The stat as a float, or None if absent; NaN/inf are returned as-is."""
    if value is None:
        return None
    return float(value.item() if isinstance(value, torch.Tensor) else value)


def _lr_hint(stats: Mapping[str, Any], key: str, fallback: str) -> str:
    lr = _as_float(stats.get(key))
    return f"{key}={lr / 2:.2g}" if lr is not None and math.isfinite(lr) and lr > 0 else f"{key}={fallback}"


class HealthMonitor:
    """Watches logged stats for mode collapse, an overpowering D, vanishing G gradients and divergence.

    ``update(stats)`` returns the list of :class:`Flag` currently raised (empty when healthy).
    A flag stays in the list while its condition holds; ``Flag.new`` marks its first report.
    """

    CHECKS = ("mode_collapse_suspected", "d_overpowering", "vanishing_g_gradient", "divergence")
    LOSS_KEYS = ("loss_d", "loss_g")
    FINITE_KEYS = ("loss_d", "loss_g", "grad_norm_g", "grad_norm_d", "d_real", "d_fake")

    def __init__(self, cfg: Union[HealthConfig, Mapping[str, Any], None] = None):
        if cfg is None:
            cfg = HealthConfig()
        elif not isinstance(cfg, HealthConfig):
            cfg = HealthConfig.from_dict(cfg)
        self.cfg = cfg
        self._streak: Dict[str, int] = {}
        self._active: List[str] = []
        self._grad_baseline: List[float] = []
        self._loss_history: Dict[str, List[float]] = {k: [] for k in self.LOSS_KEYS}

    @property
    def active(self) -> List[str]:
        """Names of the flags raised at their latest check."""
        return list(self._active)

    def _streak_hit(self, name: str, condition: Optional[bool]) -> Optional[int]:
        """Advance the consecutive-steps counter; None when the check could not run."""
        if condition is None:
            return None
        self._streak[name] = self._streak.get(name, 0) + 1 if condition else 0
        return self._streak[name]

    def update(self, stats: Mapping[str, Any]) -> List[Flag]:
        """Check one logged step's ``stats`` and return the flags raised now."""
        step = int(_as_float(stats.get("step")) or 0)
        in_grace = step < self.cfg.grace_steps
        results: Dict[str, Optional[Flag]] = {"divergence": self._divergence(stats, in_grace)}
        if not in_grace:
            results["mode_collapse_suspected"] = self._mode_collapse(stats)
            results["d_overpowering"] = self._overpowering(stats)
            results["vanishing_g_gradient"] = self._vanishing(stats)
        raised = []
        for name in self.CHECKS:
            if name not in results:
                continue
            flag = results[name]
            if flag is None:
                if name in self._active and self._streak.get(name, 0) == 0:
                    self._active.remove(name)
                continue
            flag.step, flag.new = step, name not in self._active
            if flag.new:
                self._active.append(name)
            raised.append(flag)
        return raised

    __call__ = update

    def _mode_collapse(self, stats: Mapping[str, Any]) -> Optional[Flag]:
        ratio = _as_float(stats.get("diversity"))
        usable = ratio is not None and math.isfinite(ratio)
        hits = self._streak_hit("mode_collapse_suspected", ratio < self.cfg.diversity_threshold if usable else None)
        if not hits or hits < self.cfg.diversity_patience:
            return None
        return Flag("mode_collapse_suspected",
                    f"diversity {ratio:.2f} of real",
                    "try packing=2 (PacGAN) so D sees groups of samples, or loss=hinge with "
                    "discriminator.spectral_norm=true; augment=diffaugment also helps on small datasets")

    def _overpowering(self, stats: Mapping[str, Any]) -> Optional[Flag]:
        acc_r, acc_f, r_t = (_as_float(stats.get(k)) for k in ("acc_real", "acc_fake", "r_t"))
        acc_hit = acc_r is not None and acc_f is not None and min(acc_r, acc_f) >= self.cfg.overpower_accuracy
        rt_hit = r_t is not None and r_t >= self.cfg.overpower_r_t
        known = (acc_r is not None and acc_f is not None) or r_t is not None
        hits = self._streak_hit("d_overpowering", (acc_hit or rt_hit) if known else None)
        if not hits or hits < self.cfg.overpower_patience:
            return None
        parts = []
        if acc_hit:
            parts.append(f"D accuracy {acc_r:.2f} on real and {acc_f:.2f} on fake")
        if rt_hit:
            parts.append(f"r_t {r_t:.2f}")
        return Flag("d_overpowering", f"discriminator is overpowering the generator ({', '.join(parts)}) "
                    f"for {hits} logged steps",
                    f"use augment=ada (or augment=diffaugment) to stop D memorising the data, add "
                    f"regularizer=r1, or slow D down with {_lr_hint(stats, 'lr_d', '1e-4')}")

    def _vanishing(self, stats: Mapping[str, Any]) -> Optional[Flag]:
        norm = _as_float(stats.get("grad_norm_g"))
        if norm is None or not math.isfinite(norm):
            return None
        if len(self._grad_baseline) < self.cfg.vanish_baseline_steps:
            self._grad_baseline.append(norm)
            return None
        reference = statistics.median(self._grad_baseline)
        if reference <= 0:
            return None
        hits = self._streak_hit("vanishing_g_gradient", norm < self.cfg.vanish_ratio * reference)
        if not hits or hits < self.cfg.vanish_patience:
            return None
        return Flag("vanishing_g_gradient",
                    f"generator gradient norm {norm:.3g} is {norm / reference:.2g}x its early median "
                    f"{reference:.3g} for {hits} logged steps",
                    "use a non-saturating loss (loss=hinge or loss=ns), discriminator.spectral_norm=true, "
                    f"and a weaker D ({_lr_hint(stats, 'lr_d', '1e-4')} or augment=ada)")

    def _divergence(self, stats: Mapping[str, Any], in_grace: bool) -> Optional[Flag]:
        suggestion = ("roll back to the last good checkpoint and lower the learning rates "
                      f"({_lr_hint(stats, 'lr_d', '1e-4')}, {_lr_hint(stats, 'lr_g', '1e-4')}); "
                      "discriminator.spectral_norm=true or regularizer=r1 keep D's gradients bounded")
        bad = [k for k in self.FINITE_KEYS if (v := _as_float(stats.get(k))) is not None and not math.isfinite(v)]
        if bad:
            self._streak["divergence"] = self._streak.get("divergence", 0) + 1
            values = ", ".join(f"{k}={_as_float(stats[k])}" for k in bad)
            return Flag("divergence", f"non-finite values: {values}", suggestion, severity="error")
        exploded = []
        for key in self.LOSS_KEYS:
            value = _as_float(stats.get(key))
            if value is None:
                continue
            history = self._loss_history[key]
            if len(history) >= self.cfg.explode_min_history:
                scale = max(statistics.median(history), self.cfg.explode_floor)
                if abs(value) > self.cfg.explode_ratio * scale:
                    exploded.append(f"|{key}| {abs(value):.3g} is {abs(value) / scale:.0f}x its running median")
                    continue  # keep outliers out of the reference
            history.append(abs(value))
            del history[:-self.cfg.explode_window]
        hits = self._streak_hit("divergence", bool(exploded))
        if in_grace or not hits or hits < self.cfg.explode_patience:
            return None
        return Flag("divergence", f"losses exploding: {'; '.join(exploded)}", suggestion, severity="error")

    def state_dict(self) -> Dict[str, Any]:
        """Plain lists/ints/floats (loadable with ``torch.load(weights_only=True)``)."""
        return {"streak": dict(self._streak), "active": list(self._active),
                "grad_baseline": list(self._grad_baseline),
                "loss_history": {k: list(v) for k, v in self._loss_history.items()},
                "config": asdict(self.cfg)}

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        """Restore running state; the monitor keeps its own (possibly updated) config."""
        self._streak = {str(k): int(v) for k, v in state["streak"].items()}
        self._active = [str(n) for n in state["active"]]
        self._grad_baseline = [float(v) for v in state["grad_baseline"]]
        self._loss_history = {k: [float(v) for v in state["loss_history"].get(k, [])] for k in self.LOSS_KEYS}
