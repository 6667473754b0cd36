"""What a loss term is: a weighted, optionally lazy and scheduled addition to D's or G's loss.

A term reads what the objective hands it (:class:`TermInputs`) and returns its *unweighted*
value; the :class:`~.set.TermSet` multiplies by the weight at the current progress, applies the
interval and keeps the logs. Terms are modules of the objective, so tensor state (StyleGAN2's
running path length) travels with the weights and across devices; other state (LeCam's
anchors) goes through :meth:`LossTerm.extra_state` into the checkpoint.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Dict, FrozenSet, Literal, Optional

import torch
from pydantic import Field
from torch import nn
from typing_extensions import Annotated

from ...errors import ConfigError
from ...registry import Registry
from ...schedules import SCHEDULES, schedule_factor
from ..base import Logs, StepContext

Tensor = torch.Tensor
LOSS_TERMS = Registry("loss term")
Fraction = Annotated[float, Field(ge=0, le=1)]
Every = Annotated[int, Field(ge=1, le=10_000)]


@dataclass
class TermInputs:
    """One step's material for the terms. ``real``/``fake``: clean samples (N, ...) as the
    objective's D pipeline takes them (D side: fakes detached); ``labels``: class ids of the real
    rows (N,) or None; ``fake_labels``: the classes the fakes were drawn for (AC-GAN draws its
    own); ``real_out``/``fake_out``: D's outputs (``DOutput``) on them; ``judge(x, y)``: D's
    verdict on clean samples through its whole input pipeline; ``critic(x)``: D's logits on clean
    samples, the function input-gradient penalties differentiate; ``group``: samples per D input
    (PacGAN); ``tag``: suffix of the log keys when an objective has a second discriminator;
    ``target``: what G's output should equal, for paired data (N, ...)."""

    ctx: StepContext
    real: Optional[Tensor] = None
    fake: Optional[Tensor] = None
    labels: Optional[Tensor] = None
    fake_labels: Optional[Tensor] = None
    real_out: Any = None
    fake_out: Any = None
    judge: Optional[Callable[[Tensor, Optional[Tensor]], Any]] = None
    critic: Optional[Callable[[Tensor], Tensor]] = None
    group: int = 1
    tag: str = ""
    target: Optional[Tensor] = None


class LossTerm(nn.Module):
    """Base of every term.

    Args:
        weight: multiplier of the term in its network's loss; 0 turns it off.
        every: interval k: the term is taken every k steps of its network, times k (lazy
            regularization); input-gradient penalties and the path length become their own
            optimizer step then, with StyleGAN2's Adam correction.
        schedule: constant, or linear / cosine: the weight falls to final x weight between
            decay_start and decay_end.
        decay_start: fraction of the steps where the schedule starts.
        decay_end: fraction of the steps where the schedule ends.
        final: the weight at the schedule's end, as a fraction of weight.
    """

    # Which losses the term joins: "d" (discriminator), "g" (generator), or both.
    sides: ClassVar[FrozenSet[str]] = frozenset({"d"})
    # What the objective must provide (its ``provides``): "critic", "d_outputs", "judge", "styles", "target".
    needs: ClassVar[FrozenSet[str]] = frozenset()
    # Lazy and the objective has a reg phase: its own optimizer step (StyleGAN2's Dreg / Greg).
    own_phase: ClassVar[bool] = False
    # Input-gradient penalties: an objective's second discriminator takes these only.
    penalty: ClassVar[bool] = False
    # The D reg phase must draw fakes for this term.
    needs_fake: ClassVar[bool] = False
    # Place in the sum (and in the random stream: bCR and GP draw numbers): lower first.
    order: ClassVar[int] = 100
    # Buffers an objective held before they moved into the term: {old key: buffer name}.
    legacy_buffers: ClassVar[Dict[str, str]] = {}

    def __init__(self, weight: float = 1.0, every: Every = 1, schedule: Literal[SCHEDULES] = "constant",  # type: ignore[valid-type]
                 decay_start: Fraction = 0.0, decay_end: Fraction = 1.0, final: Fraction = 0.0):
        super().__init__()
        if schedule != "constant" and decay_end <= decay_start:
            raise ConfigError(f"decay_end ({decay_end}) must be after decay_start ({decay_start})")
        self.weight, self.every = float(weight), int(every)
        self.schedule, self.decay_start, self.decay_end, self.final = schedule, decay_start, decay_end, final

    def weight_at(self, progress: float) -> float:
        """The weight at ``progress`` in [0, 1] of the run."""
        return self.weight * schedule_factor(self.schedule, progress, self.decay_start, self.decay_end, self.final)

    def bind(self, objective) -> None:
        """Checks against the built objective (its data, its nets); raise ConfigError with the fix."""

    def d_value(self, objective, inputs: TermInputs, logs: Logs) -> Optional[Tensor]:
        """The unweighted D-side value (scalar), logging its parts; None when it has nothing this step."""
        return None

    def g_value(self, objective, inputs: TermInputs, logs: Logs) -> Optional[Tensor]:
        """The unweighted G-side value (scalar); None when it has nothing this step."""
        return None

    def extra_state(self) -> Dict[str, object]:
        """Non-tensor state for the checkpoint (tensor state lives in buffers)."""
        return {}

    def load_extra_state(self, state: Dict[str, object]) -> None:
        pass
