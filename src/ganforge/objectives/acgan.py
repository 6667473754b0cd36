"""AC-GAN's objective: the standard GAN step plus an auxiliary classifier on D."""
from __future__ import annotations

from typing import Dict, Optional, Tuple

import torch
import torch.nn.functional as F

from ..errors import ConfigError
from .base import Logs, StepContext
from .gan import GANObjective, d_stats
from .registry import OBJECTIVES

Tensor = torch.Tensor


@OBJECTIVES.register("acgan")
class ACGANObjective(GANObjective):
    """AC-GAN (Odena et al. 2017): D also predicts the class; D minimises the cross-entropy on
    real and fake images, G on its fakes. ``aux_weight``: weight of that cross-entropy in both
    steps. Needs a discriminator with ``aux_classifier=true`` and ``objective.conditional=true``;
    takes every option of the standard GAN objective too (LeCam, bCR, penalties...)."""

    def __init__(self, cfg, data_info: Dict[str, object], aux_weight: float = 1.0, **options):
        super().__init__(cfg, data_info, **options)
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
        loss = adv + self.aux_weight * aux + self.step_penalty(real, fake, labels, ctx, logs)
        judge = lambda x, y: self.judge(x, y, ctx)  # noqa: E731
        return loss + self.extras.d_terms(real, fake, labels, out_real, out_fake, judge, ctx.step, logs,
                                          fake_labels=fake_y), logs

    def g_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        fake, fake_y = self._fake(real.shape[0], real.device)
        out = self.judge(fake, fake_y, ctx)
        real_logits = None
        if self.loss.g_needs_real:
            with torch.no_grad():
                real_logits = self.judge(real, labels, ctx).logits
        adv = self.loss.g_loss(out.logits, real_logits)
        aux = F.cross_entropy(out.class_logits, fake_y)
        logs = {"loss_g_adv": adv.detach(), "loss_g_aux": aux.detach()}
        return adv + self.aux_weight * aux + self.extras.g_terms(out, fake_y, logs), logs
