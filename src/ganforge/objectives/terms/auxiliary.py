"""AC-GAN's auxiliary classifier loss (Odena et al. 2017): D also predicts the class; D minimises
the cross-entropy on real images and on fakes (for the classes they were drawn for), G on its
fakes. Needs a discriminator with class logits (``discriminator=resnet
discriminator.aux_classifier=true``) and class-conditional training."""
from __future__ import annotations

from typing import Optional

import torch
import torch.nn.functional as F

from ...errors import ConfigError
from .base import LOSS_TERMS, LossTerm, TermInputs

Tensor = torch.Tensor


@LOSS_TERMS.register("aux")
class AuxiliaryClassifier(LossTerm):
    """Cross-entropy of D's class logits, in both steps."""

    sides = frozenset({"d", "g"})
    needs = frozenset({"d_outputs"})
    order = 15

    def bind(self, objective) -> None:
        if not getattr(objective, "num_classes", 0):
            raise ConfigError("the auxiliary classifier term (objective=acgan) needs conditional=true and labelled data")
        if getattr(objective.discriminator, "classifier", None) is None:
            raise ConfigError("the auxiliary classifier term (objective=acgan) needs a discriminator with class logits: "
                              "use discriminator=resnet with discriminator.aux_classifier=true")

    def d_value(self, objective, inputs: TermInputs, logs) -> Optional[Tensor]:
        real, fake, labels = inputs.real_out, inputs.fake_out, inputs.labels
        fake_labels = labels if inputs.fake_labels is None else inputs.fake_labels
        aux = F.cross_entropy(real.class_logits, labels) + F.cross_entropy(fake.class_logits, fake_labels)
        logs["loss_d_aux"] = aux.detach()
        logs["class_acc_real"] = (real.class_logits.argmax(1) == labels).float().mean()
        return aux

    def g_value(self, objective, inputs: TermInputs, logs) -> Optional[Tensor]:
        aux = F.cross_entropy(inputs.fake_out.class_logits, inputs.fake_labels)
        logs["loss_g_aux"] = aux.detach()
        return aux
