"""The hooks every run has: health (the monitor and its roll backs), sample grids and
checkpoints; evaluation lives in ``eval_hook.py``. Each reads the :class:`TrainingView` and asks
for actions, so the Trainer's loop is the same for all of them."""
from __future__ import annotations

from typing import Any, Dict, List

from ..distributed import any_rank, is_main
from .guard import HealthGuard
from .hooks import Diverged, Hook, SaveCheckpoint, Stop, TrainingView
from .sampling import save_samples


class HealthHook(Hook):
    """Feeds the health monitor each logged step (``diversity`` and ``flags`` join the row) and, on
    divergence on any rank, rolls every rank back together (the guard's policy)."""

    state_key = "health"

    def __init__(self, view: TrainingView):
        self.guard = HealthGuard(view)
        self.flags: List[str] = []

    def observe(self, view: TrainingView, logs: Dict[str, Any]) -> None:
        self.flags = self.guard.check(logs) if is_main() else []

    def due(self, view: TrainingView, logs: Dict[str, Any]) -> bool:
        return bool(logs) and any_rank(self.guard.needs_rollback(self.flags), view.device)

    def run(self, view: TrainingView, logs: Dict[str, Any]) -> None:
        self.guard.rollback(self.flags)

    def evaluated(self, view: TrainingView, results: Dict[str, float], metric: str) -> None:
        if is_main():
            self.guard.check_eval(view.step, results, metric)

    def diverged(self, reason: List[str]) -> None:
        """What a :class:`Diverged` request from another hook leads to."""
        self.guard.rollback(reason)

    def state_dict(self) -> Dict[str, Any]:
        return self.guard.state_dict()

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        self.guard.load_state_dict(state)


class SampleHook(Hook):
    """``samples/step-00001000.png`` (the step in eight digits) every ``sample_every`` steps and at the end (rank 0)."""

    name = "sampling"

    def due(self, view: TrainingView, logs: Dict[str, Any]) -> bool:
        return is_main() and (view.step % view.cfg.sample_every == 0 or view.last)

    def run(self, view: TrainingView, logs: Dict[str, Any]) -> None:
        save_samples(view)


class CheckpointHook(Hook):
    """A checkpoint every ``checkpoint_every`` steps, at the end and when a stop is requested;
    never one of a diverged state (that asks for a roll back instead). On a stop request it
    ends the run once the checkpoint is on disk."""

    def due(self, view: TrainingView, logs: Dict[str, Any]) -> bool:
        self.stop = any_rank(view.stop_requested, view.device)  # collective: every rank, every step
        return view.step % view.cfg.checkpoint_every == 0 or view.last or self.stop

    def run(self, view: TrainingView, logs: Dict[str, Any]) -> None:
        # never save a diverged state: weights, EMA, optimizer moments, augmentation
        if any_rank(bool(view.unsaveable_parts()), view.device):
            view.request(Diverged(["non_finite_state"]))
            return
        view.request(SaveCheckpoint())
        if self.stop:
            view.request(Stop("interrupted"))
