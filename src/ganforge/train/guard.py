"""Acting on training health: measures each logged step (``probe.py``), feeds the monitor, warns
with a suggestion, and on divergence rolls back to the last good checkpoint with halved learning
rates. The detection itself lives in ``health.py``, on plain statistics."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

import torch
from tqdm.auto import tqdm

from ..data.dataset import holdout_size, split_holdout
from ..distributed import is_main
from ..errors import DataError, GanforgeError
from ..losses import get_loss
from ..metrics import METRIC_DIRECTION
from . import checkpoint as ckpt
from .health import HealthMonitor
from .hooks import Record, RollBack
from .probe import HealthProbe, untouched
from .remedies import run_context
from .rundir import write_health_info

PROBE_SIZE = 256  # fixed latents per check


class TrainingDiverged(GanforgeError):
    """Divergence persisted through the allowed number of rollbacks."""


def choose_holdout(cfg, dataset, objective, device) -> torch.Tensor:
    """Held-out rows for the overfitting check (sorted indices; empty for none): ``cfg.holdout``
    items, or with ``auto`` a small split when the monitor is on and D can score lone samples."""
    n = len(dataset)
    if cfg.holdout == "auto":
        judged = cfg.monitor and scores_samples(objective, dataset, getattr(objective, "packing", 1), device)
        count = holdout_size(n) if judged else 0
    else:
        count = int(cfg.holdout)
    if count == 0:
        return torch.zeros(0, dtype=torch.long)
    if count >= n:
        raise DataError(f"holdout={count} leaves nothing to train on ({n} items); lower holdout")
    return split_holdout(n, count)[1]


def scores_samples(objective, dataset, packing: int, device) -> bool:
    """Whether ``objective.d_scores`` judges lone samples (tables and translation say no)."""
    x, y = dataset.get(torch.arange(min(2 * packing, len(dataset))))
    y = y.to(device) if y is not None and y.dtype == torch.long else None
    with untouched(objective):
        return objective.d_scores(x.to(device), y) is not None


def disabled_checks(cfg, kind: str, holdout: int, latent: bool) -> Dict[str, str]:
    """Checks this run cannot support, with the reason (``kind``: the data kind from data.json;
    ``holdout``: held-out items; ``latent``: G maps noise to samples)."""
    off: Dict[str, str] = {}
    if not latent:
        off["mode_collapse"] = ("outputs follow their inputs (image-to-image), so coverage of the data is not "
                                "G's to choose")
    elif kind == "table":
        off["mode_collapse"] = ("G emits category probabilities that only sampling turns into rows; ganforge eval "
                                "measures a table's coverage")
    if holdout == 0:
        if kind == "table":
            why = "the critic judges packs of rows with their conditions, not lone held-out rows"
        elif not latent:
            why = "D judges input-output pairs, not lone held-out images"
        else:
            why = "no held-out split (holdout=0)"
        off["d_overfitting"] = why
    if not cfg.metrics:
        off["quality_worsening"] = "no training-time metrics (set metrics=[fid] and eval_every)"
    return off


def loss_scales(loss_name: str) -> Dict[str, float]:
    """Adversarial losses at chance (all logits 0), the scale a finite explosion is judged against.
    None for Wasserstein critics, whose values carry a free offset and scale."""
    if loss_name == "wasserstein":
        return {}
    family = get_loss(loss_name)
    zero = torch.zeros(4)
    return {"loss_d": float(family.d_loss(zero, zero)), "loss_g": float(family.g_loss(zero, zero))}


def quality_row(step: int, results: Mapping[str, float], metric: str) -> Dict[str, Any]:
    """An evaluation as the monitor reads it."""
    return {"step": step, "quality": results.get(metric), "quality_metric": metric,
            "quality_direction": METRIC_DIRECTION.get(metric, "min")}


class HealthGuard:
    def __init__(self, trainer):  # a TrainingView: read-only, actions through request()
        self.trainer = trainer
        cfg = trainer.cfg
        self.rollbacks = 0
        self.probe: Optional[HealthProbe] = None
        latent = trainer.fixed.z.dim() == 2 and trainer.fixed.z.shape[1] == cfg.z_dim
        if latent:
            g = torch.Generator().manual_seed(cfg.seed + 9_001)
            z = torch.randn(PROBE_SIZE, cfg.z_dim, generator=g).to(trainer.device)
            k = getattr(trainer.objective, "num_classes", 0)
            labels = (torch.arange(PROBE_SIZE) % k).to(trainer.device) if k else None
            self.probe = HealthProbe(trainer.objective, trainer.dataset, trainer.train_index(), trainer.holdout, z,
                                     labels, cfg.extractor, cfg.batch_size, get_loss(cfg.loss), cfg.seed)
        self.disabled = disabled_checks(cfg, trainer.dataset.info()["kind"], len(trainer.holdout), latent)
        data_dim = int(torch.tensor(trainer.dataset.shape).prod())
        context = {**run_context(cfg, len(trainer.train_index()), data_dim), "loss_scales": loss_scales(cfg.loss)}
        self.monitor = HealthMonitor(cfg.health, context, self.disabled)
        self.info = {"checks_off": self.disabled, "holdout": len(trainer.holdout),
                     "train_items": context["train_items"], "data_dim": data_dim}

    def write_info(self) -> None:
        """Write ``health.json`` (what the monitor checks, its split) and say which checks are off."""
        self.info["holdout"] = len(self.trainer.holdout)  # a resumed run keeps its checkpoint's split
        write_health_info(self.trainer.run_dir, self.info)
        if self.trainer.cfg.progress:
            for name, why in self.disabled.items():
                tqdm.write(f"ganforge: health check {name} is off: {why}")

    def check(self, logs: Dict[str, Any]) -> List[str]:
        """Add the probe's statistics and ``flags`` to ``logs``; returns the flag names."""
        logs["step"] = self.trainer.step
        if self.probe is not None:
            logs.update(self.probe.measure(self.trainer.d_steps > 0))
        flags = self.monitor.update(logs)
        logs["flags"] = [f.name for f in flags]
        self._announce(flags)
        return logs["flags"]

    def check_eval(self, step: int, results: Mapping[str, float], metric: str) -> None:
        """Feed one evaluation to the quality trend; a flag it raises is logged as an event row."""
        flags = [f for f in self.monitor.update(quality_row(step, results, metric)) if f.name == "quality_worsening"]
        if flags:
            self.trainer.request(Record({"event": "health", "flags": [f.name for f in flags]}))
            self._announce(flags)

    def _announce(self, flags) -> None:
        for flag in flags:
            if flag.new and is_main():
                tqdm.write(f"ganforge: step {flag.step}: {flag.name}: {flag.message}; {flag.suggestion}")

    def needs_rollback(self, flags: List[str]) -> bool:
        """Local verdict; the Trainer combines it over ranks so all roll back together."""
        return "divergence" in flags or not self.trainer.weights_finite()

    def rollback(self, reason: List[str]) -> None:
        """Reload the newest checkpoint, halve both learning rates, and go on; stop after too many."""
        t = self.trainer
        rollbacks = self.rollbacks + 1
        latest = ckpt.newest_intact(t.run_dir)[0]  # written only when finite, and checked again
        if rollbacks > t.cfg.max_rollbacks or latest is None:
            fix = self.monitor.remedy("divergence")
            raise TrainingDiverged(f"training diverged again after {t.cfg.max_rollbacks} rollback(s); the run stays "
                                   f"resumable at {latest}; {t.divergence_advice()}; {fix.text}")
        done = t.request(RollBack(reason, lr_factor=0.5, event={"rollbacks": rollbacks}))
        self.rollbacks = rollbacks  # the checkpoint's own count predates this rollback
        self.monitor.rolled_back(done.to_step)
        if is_main():
            tqdm.write(f"ganforge: divergence at step {done.from_step}: rolled back to step {done.to_step} with "
                       f"learning rates x{done.lr_scale:g} ({self.rollbacks}/{t.cfg.max_rollbacks})")

    def state_dict(self) -> Dict[str, Any]:
        return {"monitor": self.monitor.state_dict(), "rollbacks": self.rollbacks}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        if state:
            self.monitor.load_state_dict(state["monitor"])
            self.rollbacks = int(state["rollbacks"])
