"""Acting on training health: feeds the monitor each logged step, warns with a suggestion, and on
divergence rolls back to the last good checkpoint with halved learning rates."""
from __future__ import annotations

from typing import Any, Dict, List

import torch
from tqdm.auto import tqdm

from ..distributed import is_main
from ..errors import GanforgeError
from ..losses import get_loss
from ..nets.generate import generate
from . import checkpoint as ckpt
from .health import HealthMonitor, diversity_ratio

DIVERSITY_BATCH = 64
SIGN_STATS = ("r_t", "acc_real", "acc_fake")  # meaningless for critics without a decision threshold


class TrainingDiverged(GanforgeError):
    """Divergence persisted through the allowed number of rollbacks."""


class HealthGuard:
    def __init__(self, trainer):
        self.trainer = trainer
        # Early steps look collapsed (G starts near a point): only NaN/inf counts during the first 5%.
        options = {"grace_steps": trainer.cfg.steps // 20, **trainer.cfg.health}
        self.monitor = HealthMonitor(options)
        self.rollbacks = 0
        n = min(DIVERSITY_BATCH, trainer.fixed.z.shape[0], len(trainer.dataset))
        # A fixed real batch (drawn outside the training RNG) is the diversity reference.
        idx = torch.randperm(len(trainer.dataset), generator=torch.Generator().manual_seed(trainer.cfg.seed))[:n]
        self.real_batch = trainer.objective.reference_batch(trainer.dataset, idx)
        self.n = n
        self.sign_is_verdict = get_loss(trainer.cfg.loss).sign_is_verdict

    def diversity(self) -> float:
        t, fixed = self.trainer, self.trainer.fixed
        labels = fixed.labels[:self.n] if fixed.labels is not None else None
        fake = generate(t.generator, fixed.z[:self.n], labels).float().cpu()
        return diversity_ratio(fake.flatten(1), self.real_batch.flatten(1))

    def check(self, logs: Dict[str, Any]) -> List[str]:
        """Add ``diversity`` and ``flags`` to ``logs``; roll back on divergence. Returns flag names."""
        logs["step"], logs["diversity"] = self.trainer.step, self.diversity()
        stats = logs if self.sign_is_verdict else {k: v for k, v in logs.items() if k not in SIGN_STATS}
        flags = self.monitor.update(stats)
        logs["flags"] = [f.name for f in flags]
        for flag in flags:
            if flag.new and is_main():
                tqdm.write(f"ganforge: step {flag.step}: {flag.name}: {flag.message}; {flag.suggestion}")
        return logs["flags"]

    def needs_rollback(self, flags: List[str]) -> bool:
        """Local verdict; the Trainer combines it over ranks so all roll back together."""
        return "divergence" in flags or not self.trainer.weights_finite()

    def rollback(self, reason: List[str]) -> None:
        """Reload the newest checkpoint, halve both learning rates, and go on; stop after too many."""
        t = self.trainer
        rollbacks = self.rollbacks + 1
        latest = ckpt.newest_intact(t.run_dir)[0]  # written only when finite, and checked again
        if rollbacks > t.cfg.max_rollbacks or latest is None:
            raise TrainingDiverged(f"training diverged again after {t.cfg.max_rollbacks} rollback(s); the run stays "
                                   f"resumable at {latest}; {t.divergence_advice()}, or try regularizer=r1 or "
                                   "discriminator.spectral_norm=true")
        bad_step, scale = t.step, t.lr_scale
        t.load_checkpoint(latest)
        self.rollbacks = rollbacks  # the checkpoint's own count predates this rollback
        t.lr_scale = scale * 0.5
        t.log.write({"step": t.step, "event": "rollback", "from_step": bad_step, "lr_scale": t.lr_scale,
                     "rollbacks": self.rollbacks, "flags": reason})
        if is_main():
            tqdm.write(f"ganforge: divergence at step {bad_step}: rolled back to step {t.step} with learning rates "
                       f"x{t.lr_scale:g} ({self.rollbacks}/{t.cfg.max_rollbacks})")

    def state_dict(self) -> Dict[str, Any]:
        return {"monitor": self.monitor.state_dict(), "rollbacks": self.rollbacks}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        if state:
            self.monitor.load_state_dict(state["monitor"])
            self.rollbacks = int(state["rollbacks"])
