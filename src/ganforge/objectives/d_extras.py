"""Optional discriminator-side terms of the GAN objective, each off at weight 0:

* LeCam regularization (Tseng et al. 2021): ||D(x) - a_F||^2 + ||D(G(z)) - a_R||^2 with a_R, a_F
  exponential moving averages of D's mean output on real and fake data.
* Balanced consistency regularization, bCR (Zhao et al. 2020): D should not care whether a real
  or fake image is augmented: ||D(x) - D(T(x))||^2 on reals and on fakes.
* ContraGAN's conditional contrastive (2C) loss (Kang & Park 2020) on D's features with its
  class embeddings as proxies, in both the D and the G step.
"""
from __future__ import annotations

from typing import Dict, Optional

import torch

from ..augment import diff_augment
from ..contrastive import contrastive_2c_loss
from ..errors import ConfigError

Tensor = torch.Tensor
BCR_POLICY = "translation,cutout"


class DiscriminatorExtras:
    def __init__(self, discriminator, image_data: bool, conditional: bool, lecam_weight: float = 0.0,
                 lecam_decay: float = 0.99, bcr_real: float = 0.0, bcr_fake: float = 0.0,
                 contrastive_weight: float = 0.0, contrastive_temperature: float = 1.0):
        self.lecam_weight, self.lecam_decay = lecam_weight, lecam_decay
        self.bcr_real, self.bcr_fake = bcr_real, bcr_fake
        self.contrastive_weight, self.temperature = contrastive_weight, contrastive_temperature
        if (bcr_real or bcr_fake) and not image_data:
            raise ConfigError("bCR augments images (translation, cutout); use objective.bcr_real=0 "
                              "objective.bcr_fake=0 for vector data")
        if contrastive_weight and not (conditional and hasattr(discriminator, "projection")):
            raise ConfigError("objective.contrastive_weight needs conditional=true and a discriminator with a "
                              "class projection (dcgan, mlp)")
        self.discriminator = discriminator
        self.ema_real: Optional[float] = None
        self.ema_fake: Optional[float] = None

    def _contrastive(self, features: Tensor, labels: Tensor) -> Tensor:
        proxies = self.discriminator.projection.embed(labels)
        return contrastive_2c_loss(features, proxies, labels, self.temperature)

    def d_terms(self, real_in: Tensor, fake_in: Tensor, labels: Optional[Tensor], real_out, fake_out,
                logs: Dict[str, Tensor], fake_labels: Optional[Tensor] = None) -> Tensor:
        """Sum of the enabled terms for the D loss (0 when all are off). ``fake_labels``: the
        classes the fakes were drawn for, when they differ from the real batch's (AC-GAN)."""
        total = real_out.logits.new_zeros(())
        if self.lecam_weight:
            r, f = real_out.logits.float(), fake_out.logits.float()
            if self.ema_real is not None:
                lecam = (r - self.ema_fake).pow(2).mean() + (f - self.ema_real).pow(2).mean()
                logs["lecam"] = lecam.detach()
                total = total + self.lecam_weight * lecam
            self._update_ema(float(r.detach().mean()), float(f.detach().mean()))
        fake_labels = labels if fake_labels is None else fake_labels
        for weight, x, out, y, name in ((self.bcr_real, real_in, real_out, labels, "bcr_real"),
                                        (self.bcr_fake, fake_in, fake_out, fake_labels, "bcr_fake")):
            if weight:
                shifted = self.discriminator(diff_augment(x, BCR_POLICY), y).logits
                term = (out.logits - shifted).pow(2).mean()
                logs[name] = term.detach()
                total = total + weight * term
        if self.contrastive_weight:
            term = self._contrastive(real_out.features, labels)
            logs["contrastive_d"] = term.detach()
            total = total + self.contrastive_weight * term
        return total

    def g_terms(self, fake_out, labels: Optional[Tensor], logs: Dict[str, Tensor]) -> Tensor:
        if not self.contrastive_weight:
            return fake_out.logits.new_zeros(())
        term = self._contrastive(fake_out.features, labels)
        logs["contrastive_g"] = term.detach()
        return self.contrastive_weight * term

    def _update_ema(self, real: float, fake: float) -> None:
        d = self.lecam_decay
        self.ema_real = real if self.ema_real is None else d * self.ema_real + (1 - d) * real
        self.ema_fake = fake if self.ema_fake is None else d * self.ema_fake + (1 - d) * fake

    def state_dict(self) -> Dict[str, Optional[float]]:
        return {"ema_real": self.ema_real, "ema_fake": self.ema_fake}

    def load_state_dict(self, state: Dict[str, Optional[float]]) -> None:
        self.ema_real, self.ema_fake = state.get("ema_real"), state.get("ema_fake")
