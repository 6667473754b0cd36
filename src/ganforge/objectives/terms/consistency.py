"""Balanced consistency regularization, bCR (Zhao et al. 2021): D should not care whether a real
or a generated image is flipped and shifted: ||D(x) - D(T(x))||^2, with T (CR's flip + shift,
StudioGAN src/utils/cr.py) applied to the un-augmented image and D's own input pipeline run on
both. One term per side of the batch, each with its weight (StudioGAN: 10 and 10)."""
from __future__ import annotations

from typing import Optional

import torch

from ...augment.consistency import flip_translate
from ...errors import ConfigError
from .base import LOSS_TERMS, LossTerm, TermInputs

Tensor = torch.Tensor


class BalancedConsistency(LossTerm):
    needs = frozenset({"judge", "d_outputs"})
    on = "real"

    def __init__(self, weight: float = 10.0, **common):
        super().__init__(weight, **common)

    def bind(self, objective) -> None:
        if len(getattr(objective, "data_shape", ())) != 3:
            raise ConfigError("bCR flips and shifts images; use objective.bcr_real=0 objective.bcr_fake=0 for vector data")

    def d_value(self, objective, inputs: TermInputs, logs) -> Optional[Tensor]:
        if self.on == "real":
            x, out, y = inputs.real, inputs.real_out, inputs.labels
        else:
            x, out = inputs.fake, inputs.fake_out
            y = inputs.labels if inputs.fake_labels is None else inputs.fake_labels
        term = (out.logits - inputs.judge(flip_translate(x), y).logits).pow(2).mean()
        logs[f"bcr_{self.on}"] = term.detach()
        return term


@LOSS_TERMS.register("bcr_real")
class ConsistencyReal(BalancedConsistency):
    """bCR on real images."""

    on, order = "real", 30


@LOSS_TERMS.register("bcr_fake")
class ConsistencyFake(BalancedConsistency):
    """bCR on generated images."""

    on, order = "fake", 31
