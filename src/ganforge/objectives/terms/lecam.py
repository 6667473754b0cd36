"""LeCam regularization (Tseng et al. 2021) in the authors' code form (google/lecam-gan,
biggan_cifar/losses.py ``lecam_reg`` + third_party/utils.py ``ema_losses``): EMA anchors a_R, a_F
of D's mean output on real and fake data (decay 0.9, tracking the batch exactly before
``start``), updated before the term E[relu(D(x) - a_F)^2] + E[relu(a_R - D(G(z)))^2], applied
after ``start`` generator steps (1000). ``two_sided`` gives the paper's Eq. (3) squares."""
from __future__ import annotations

from typing import Dict, Optional

import torch
from pydantic import Field
from typing_extensions import Annotated

from ...regularizers import lecam_penalty
from .base import LOSS_TERMS, LossTerm, TermInputs

Tensor = torch.Tensor


@LOSS_TERMS.register("lecam")
class LeCam(LossTerm):
    """``decay``: decay of the moving averages of D's outputs (0.9 in the authors' code).
    ``start``: generator step after which the term applies (1000 in the authors' code).
    ``two_sided``: the paper's two-sided squares instead of the code's one-sided ReLU form."""

    needs = frozenset({"d_outputs"})
    order = 20

    def __init__(self, weight: float = 0.3, decay: Annotated[float, Field(ge=0, lt=1)] = 0.9, start: int = 1000,
                 two_sided: bool = False, **common):
        super().__init__(weight, **common)
        self.decay, self.start, self.two_sided = float(decay), int(start), bool(two_sided)
        self.ema_real: Optional[float] = None
        self.ema_fake: Optional[float] = None

    def d_value(self, objective, inputs: TermInputs, logs) -> Optional[Tensor]:
        r, f = inputs.real_out.logits.float(), inputs.fake_out.logits.float()
        self.update(float(r.detach().mean()), float(f.detach().mean()), inputs.ctx.step)
        if inputs.ctx.step <= self.start:
            return None
        lecam = lecam_penalty(r, f, self.ema_real, self.ema_fake, self.two_sided)
        logs["lecam"] = lecam.detach()
        return lecam

    def update(self, real: float, fake: float, step: int) -> None:
        # As the reference's ema_losses.update: no averaging (decay 0) before the start iteration.
        d = self.decay if step >= self.start else 0.0
        self.ema_real = real if self.ema_real is None else d * self.ema_real + (1 - d) * real
        self.ema_fake = fake if self.ema_fake is None else d * self.ema_fake + (1 - d) * fake

    def extra_state(self) -> Dict[str, object]:
        return {"ema_real": self.ema_real, "ema_fake": self.ema_fake}

    def load_extra_state(self, state: Dict[str, object]) -> None:
        self.ema_real, self.ema_fake = state.get("ema_real"), state.get("ema_fake")
