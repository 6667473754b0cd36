"""Input-gradient penalties on D (WGAN-GP, R1, R2, R3GAN's R1 + R2) and PGGAN's drift term.

Each is taken at the clean samples through the objective's ``critic`` (D's whole input
pipeline, see :mod:`ganforge.regularizers`), one value per D input (PacGAN packs add up)."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Optional

import torch

from ...regularizers import drift_penalty, gradient_penalty, r1_penalty, r2_penalty
from .base import LOSS_TERMS, LossTerm, TermInputs

Tensor = torch.Tensor


class GradientPenalty(LossTerm, ABC):
    """Base of the input-gradient penalties (weight 10 unless a recipe says otherwise)."""

    needs = frozenset({"critic"})
    own_phase = penalty = True
    order = 10
    kind = ""

    def __init__(self, weight: float = 10.0, **common):
        super().__init__(weight, **common)

    @abstractmethod
    def raw(self, inputs: TermInputs) -> Tensor:
        """The unweighted penalty for this step's inputs."""

    def d_value(self, objective, inputs: TermInputs, logs) -> Optional[Tensor]:
        value = self.raw(inputs)
        logs[f"reg_{self.kind}{inputs.tag}"] = value.detach()
        return value


@LOSS_TERMS.register("gp")
class WGANGP(GradientPenalty):
    """WGAN-GP (Gulrajani et al. 2017): E[(||grad D(x_hat)|| - 1)^2] at random interpolates of the
    real and generated batches, one per D input."""

    kind, needs_fake = "gp", True

    def raw(self, inputs):
        return gradient_penalty(inputs.critic, inputs.real, inputs.fake, group=inputs.group)


@LOSS_TERMS.register("r1")
class R1(GradientPenalty):
    """R1 (Mescheder et al. 2018): 0.5 E[||grad D(x)||^2] on real data."""

    kind = "r1"

    def raw(self, inputs):
        return r1_penalty(inputs.critic, inputs.real, inputs.group)


@LOSS_TERMS.register("r2")
class R2(GradientPenalty):
    """R2: the same penalty on generated samples."""

    kind, needs_fake = "r2", True

    def raw(self, inputs):
        return r2_penalty(inputs.critic, inputs.fake, inputs.group)


@LOSS_TERMS.register("r1r2")
class R1R2(GradientPenalty):
    """R1 + R2 with one weight (R3GAN, Huang et al. 2024), logged as one value."""

    kind, needs_fake = "r1r2", True

    def raw(self, inputs):
        return r1_penalty(inputs.critic, inputs.real, inputs.group) + r2_penalty(inputs.critic, inputs.fake, inputs.group)


@LOSS_TERMS.register("drift")
class Drift(LossTerm):
    """PGGAN's drift term E[D(x_real)^2] (Karras et al. 2018; eps_drift = 0.001), which keeps a
    Wasserstein critic's output near zero."""

    needs = frozenset({"d_outputs"})
    order = 50

    def __init__(self, weight: float = 0.001, **common):
        super().__init__(weight, **common)

    def d_value(self, objective, inputs: TermInputs, logs) -> Optional[Tensor]:
        term = drift_penalty(inputs.real_out.logits)
        logs["reg_drift"] = term.detach()
        return term
