"""The seam between the Trainer and what watches it: hooks read a :class:`TrainingView` and ask
for :class:`Action` s; the Trainer alone changes its state.

A hook (evaluation, samples, health, checkpoints, or a user's) is called after every generator
step: :meth:`Hook.observe` on logged steps, before the row reaches ``metrics.jsonl`` (to add
fields), then :meth:`Hook.due` and, when due, :meth:`Hook.run`. Hooks never assign to the
Trainer or call its methods; they call ``view.request(action)``, which the Trainer carries out at
once and answers (a roll back answers where it went). Raising a :class:`GanforgeError` ends the
run with that message, the last checkpoint intact.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import torch


# ----------------------------------------------------------------------------- actions

class Action:
    """Something a hook asks the Trainer to do."""


@dataclass(frozen=True)
class Record(Action):
    """Append ``row`` to ``metrics.jsonl`` (the step is added), show ``show`` beside the progress bar,
    and log ``image`` (a PNG path) under ``tag`` for TensorBoard."""

    row: Dict[str, Any] = field(default_factory=dict)
    show: Dict[str, str] = field(default_factory=dict)
    image: Optional[Path] = None
    tag: str = "samples"


@dataclass(frozen=True)
class SaveCheckpoint(Action):
    """Write the step checkpoint (collective: every rank requests it together)."""


@dataclass(frozen=True)
class SaveBest(Action):
    """Keep this step as ``checkpoints/best`` with ``best.json`` naming ``metric`` and ``value``."""

    metric: str
    value: float


@dataclass(frozen=True)
class Diverged(Action):
    """The run diverged (``reason``: flag names): the health hook decides, a roll back or a stop;
    without monitoring the run stops with the advice to enable it."""

    reason: List[str]


@dataclass(frozen=True)
class RollBack(Action):
    """Reload the newest checkpoint, multiply the learning rates by ``lr_factor`` and go on;
    ``event`` adds fields to the logged rollback row. Answered with a :class:`RolledBack`."""

    reason: List[str]
    lr_factor: float = 0.5
    event: Dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RolledBack:
    from_step: int
    to_step: int
    lr_scale: float


@dataclass(frozen=True)
class Evaluated(Action):
    """An evaluation's ``results``, ranked by ``metric``: every hook's :meth:`Hook.evaluated` sees them."""

    results: Dict[str, float]
    metric: str


@dataclass(frozen=True)
class ScaleLR(Action):
    """Multiply both learning rates by ``factor`` from the next step on (kept in checkpoints)."""

    factor: float


@dataclass(frozen=True)
class Stop(Action):
    """End the run after this step (a checkpoint is written first); ``reason`` goes to the log."""

    reason: str


# ----------------------------------------------------------------------------- view

class TrainingView:
    """What hooks may read of a run, by property (nothing here can be assigned). The networks
    and the dataset are the Trainer's own: hooks sample and read, they never train or edit them."""

    def __init__(self, trainer):
        self._trainer = trainer

    cfg = property(lambda self: self._trainer.cfg, doc="the run's TrainConfig")
    run_dir = property(lambda self: self._trainer.run_dir, doc="the run directory")
    device = property(lambda self: self._trainer.device, doc="where the networks live")
    dataset = property(lambda self: self._trainer.dataset, doc="the training data")
    objective = property(lambda self: self._trainer.objective, doc="the objective (sampling helpers, panels)")
    generator = property(lambda self: self._trainer.generator, doc="the generator being trained")
    fixed = property(lambda self: self._trainer.fixed, doc="the fixed latent batch of the sample grids")
    step = property(lambda self: self._trainer.step, doc="generator steps done")
    d_steps = property(lambda self: self._trainer.d_steps, doc="discriminator steps done")
    lr_scale = property(lambda self: self._trainer.lr_scale, doc="learning-rate multiplier from roll backs")
    stop_requested = property(lambda self: self._trainer.stop_requested, doc="SIGINT/SIGTERM or a Stop on this rank")
    holdout = property(lambda self: self._trainer.holdout, doc="indices of the held-out real items (may be empty)")

    def train_index(self) -> torch.Tensor:
        """Indices of the real items the run trains on."""
        return self._trainer.train_index()

    @property
    def last(self) -> bool:
        """This is the final step of the run."""
        return self.step >= self.cfg.steps

    @property
    def sampler(self) -> torch.nn.Module:
        """The network samples and evaluations draw from: the EMA generator when there is one."""
        ema = self._trainer.ema
        return ema.shadow if ema is not None else self._trainer.generator

    def weights_finite(self) -> bool:
        return self._trainer.weights_finite()

    def unsaveable_parts(self) -> list:
        """Names of the parts of the state that are NaN/inf (a checkpoint of them is refused)."""
        return self._trainer.unsaveable_parts()

    def divergence_advice(self) -> str:
        """Which learning rates to lower, from which networks hold NaN/inf."""
        return self._trainer.divergence_advice()

    def request(self, action: Action) -> Any:
        """Ask the Trainer to carry out ``action`` now; returns its answer (RolledBack, a path, None)."""
        return self._trainer.act(action)


class Hook:
    """Base of the training hooks. ``name``: its phase in ``timing.json`` (None: not timed);
    ``state_key``: where its :meth:`state_dict` goes in checkpoints (None: stateless)."""

    name: Optional[str] = None
    state_key: Optional[str] = None

    def busy(self, view: TrainingView) -> Optional[str]:
        """Text the progress bar shows while :meth:`run` works (None: nothing)."""
        return None

    def observe(self, view: TrainingView, logs: Dict[str, Any]) -> None:
        """On logged steps, before the row is written: add fields to ``logs``."""

    def evaluated(self, view: TrainingView, results: Dict[str, float], metric: str) -> None:
        """After an evaluation at this step: its results, ``metric`` the one that picks the best."""

    def due(self, view: TrainingView, logs: Dict[str, Any]) -> bool:
        """Whether :meth:`run` should run after this step (called on every rank)."""
        return False

    def run(self, view: TrainingView, logs: Dict[str, Any]) -> None:
        """Do the work, asking for actions with ``view.request``."""

    def state_dict(self) -> Dict[str, Any]:
        return {}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        pass
