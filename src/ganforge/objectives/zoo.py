"""Family-specific objectives built on the standard GAN objective: ACGAN's auxiliary
classifier and BigGAN's orthogonal regularization."""
from __future__ import annotations

from typing import Dict, Optional, Tuple

import torch
import torch.nn.functional as F

from ..errors import ConfigError
from ..nets.layers import orthogonal_penalty
from .base import Logs, StepContext
from .gan import GANObjective, d_stats
from .registry import OBJECTIVES

Tensor = torch.Tensor


@OBJECTIVES.register("acgan")
class ACGANObjective(GANObjective):
    """AC-GAN (Odena et al. 2017): D also predicts the class; D minimises the cross-entropy on
    real and fake images, G on its fakes, each weighted by ``aux_weight``. Needs a
    discriminator with ``aux_classifier=true`` and ``conditional=true``."""

    def __init__(self, cfg, data_info: Dict[str, object], aux_weight: float = 1.0):
        super().__init__(cfg, data_info)
        if not self.num_classes:
            raise ConfigError("objective=acgan needs conditional=true and labelled data")
        if getattr(self.discriminator, "classifier", None) is None:
            raise ConfigError("objective=acgan needs a discriminator with class logits: "
                              "use discriminator=resnet with discriminator.aux_classifier=true")
        self.aux_weight = aux_weight

    def _fake(self, n: int, device) -> Tuple[Tensor, Tensor]:
        y = torch.randint(0, self.num_classes, (n,), device=device)
        return self.generator(self.latent(n, device), y), y

    def d_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        with torch.no_grad():
            fake, fake_y = self._fake(real.shape[0], real.device)
        out_real, out_fake = self.judge(real, labels, ctx), self.judge(fake, fake_y, ctx)
        adv = self.loss.d_loss(out_real.logits, out_fake.logits, self.cfg.label_smoothing)
        aux = F.cross_entropy(out_real.class_logits, labels) + F.cross_entropy(out_fake.class_logits, fake_y)
        self.augment.observe(out_real.logits.detach())
        acc = (out_real.class_logits.argmax(1) == labels).float().mean()
        logs = {"loss_d_adv": adv.detach(), "loss_d_aux": aux.detach(), "class_acc_real": acc,
                **d_stats(out_real.logits, out_fake.logits)}
        return adv + self.aux_weight * aux + self.step_penalty(real, fake, labels, ctx, logs), logs

    def g_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        fake, fake_y = self._fake(real.shape[0], real.device)
        out = self.judge(fake, fake_y, ctx)
        real_logits = None
        if self.loss.g_needs_real:
            with torch.no_grad():
                real_logits = self.judge(real, labels, ctx).logits
        adv = self.loss.g_loss(out.logits, real_logits)
        aux = F.cross_entropy(out.class_logits, fake_y)
        return adv + self.aux_weight * aux, {"loss_g_adv": adv.detach(), "loss_g_aux": aux.detach()}


@OBJECTIVES.register("biggan")
class BigGANObjective(GANObjective):
    """Standard GAN step plus BigGAN's orthogonal regularization on G's weights,
    ``ortho_weight * sum ||W W^T * (1 - I)||^2`` (Brock et al. 2019, beta = 1e-4)."""

    def __init__(self, cfg, data_info: Dict[str, object], ortho_weight: float = 1e-4):
        super().__init__(cfg, data_info)
        self.ortho_weight = ortho_weight

    def g_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        loss, logs = super().g_step(real, labels, ctx)
        if self.ortho_weight > 0:
            ortho = orthogonal_penalty(self.generator)
            logs["reg_ortho"] = ortho.detach()
            loss = loss + self.ortho_weight * ortho
        return loss, logs
