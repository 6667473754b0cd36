"""ContraGAN's conditional contrastive (2C) loss (Kang & Park 2020) on D's features, with D's class
embeddings as proxies: in D's loss on real images and in G's on its fakes."""
from __future__ import annotations

from typing import Optional

import torch
from pydantic import Field
from typing_extensions import Annotated

from ...contrastive import contrastive_2c_loss
from ...errors import ConfigError
from .base import LOSS_TERMS, LossTerm, TermInputs

Tensor = torch.Tensor


@LOSS_TERMS.register("contrastive")
class Contrastive2C(LossTerm):
    """``temperature``: temperature of the 2C loss."""

    sides = frozenset({"d", "g"})
    needs = frozenset({"d_outputs"})
    order = 40

    def __init__(self, weight: float = 1.0, temperature: Annotated[float, Field(gt=0)] = 1.0, **common):
        super().__init__(weight, **common)
        self.temperature = float(temperature)

    def bind(self, objective) -> None:
        if not (getattr(objective, "num_classes", 0) and hasattr(objective.discriminator, "projection")):
            raise ConfigError("objective.contrastive_weight needs conditional=true and a discriminator with a "
                              "class projection (dcgan, mlp)")

    def _loss(self, objective, features: Tensor, labels: Tensor) -> Tensor:
        proxies = objective.discriminator.projection.embed(labels)
        return contrastive_2c_loss(features, proxies, labels, self.temperature)

    def d_value(self, objective, inputs: TermInputs, logs) -> Optional[Tensor]:
        term = self._loss(objective, inputs.real_out.features, inputs.labels)
        logs["contrastive_d"] = term.detach()
        return term

    def g_value(self, objective, inputs: TermInputs, logs) -> Optional[Tensor]:
        term = self._loss(objective, inputs.fake_out.features, inputs.fake_labels)
        logs["contrastive_g"] = term.detach()
        return term
