"""Optional discriminator-side terms of the GAN objective, each off at weight 0:

* LeCam regularization (Tseng et al. 2021), in the authors' code form (google/lecam-gan,
  biggan_cifar/losses.py + third_party/utils.py ``ema_losses``): EMA anchors a_R, a_F of D's mean
  output on real and fake data (decay 0.9, tracking the batch exactly before ``lecam_start``),
  updated before the term E[relu(D(x) - a_F)^2] + E[relu(a_R - D(G(z)))^2], which is applied
  after ``lecam_start`` generator steps (1000). ``lecam_two_sided`` gives the paper's squares.
* Balanced consistency regularization, bCR (Zhao et al. 2021): D should not care whether a real
  or fake image is flipped and shifted: ||D(x) - D(T(x))||^2 on reals and on fakes, with T applied
  to the un-augmented image (then D's own input pipeline runs on both).
* ContraGAN's conditional contrastive (2C) loss (Kang & Park 2020) on D's features with its
  class embeddings as proxies, in both the D and the G step.
* PGGAN's drift term eps_drift * E[D(x_real)^2] (Karras et al. 2018).
"""
from __future__ import annotations

from typing import Callable, Dict, Optional

import torch

from ..augment.consistency import flip_translate
from ..contrastive import contrastive_2c_loss
from ..errors import ConfigError
from ..regularizers import drift_penalty, lecam_penalty

Tensor = torch.Tensor


class DiscriminatorExtras:
    def __init__(self, discriminator, image_data: bool, conditional: bool, lecam_weight: float = 0.0,
                 lecam_decay: float = 0.9, bcr_real: float = 0.0, bcr_fake: float = 0.0,
                 contrastive_weight: float = 0.0, contrastive_temperature: float = 1.0, lecam_start: int = 1000,
                 lecam_two_sided: bool = False, drift: float = 0.0):
        self.lecam_weight, self.lecam_decay = lecam_weight, lecam_decay
        self.lecam_start, self.lecam_two_sided = int(lecam_start), bool(lecam_two_sided)
        self.bcr_real, self.bcr_fake = bcr_real, bcr_fake
        self.contrastive_weight, self.temperature = contrastive_weight, contrastive_temperature
        self.drift = drift
        if not 0 <= lecam_decay < 1 or lecam_start < 0 or drift < 0:
            raise ConfigError("objective needs 0 <= lecam_decay < 1, lecam_start >= 0 and drift >= 0")
        if (bcr_real or bcr_fake) and not image_data:
            raise ConfigError("bCR flips and shifts images; use objective.bcr_real=0 objective.bcr_fake=0 for vector data")
        if contrastive_weight and not (conditional and hasattr(discriminator, "projection")):
            raise ConfigError("objective.contrastive_weight needs conditional=true and a discriminator with a "
                              "class projection (dcgan, mlp)")
        self.discriminator = discriminator
        self.ema_real: Optional[float] = None
        self.ema_fake: Optional[float] = None

    def _contrastive(self, features: Tensor, labels: Tensor) -> Tensor:
        proxies = self.discriminator.projection.embed(labels)
        return contrastive_2c_loss(features, proxies, labels, self.temperature)

    def d_terms(self, real: Tensor, fake: Tensor, labels: Optional[Tensor], real_out, fake_out,
                judge: Callable[[Tensor, Optional[Tensor]], object], step: int, logs: Dict[str, Tensor],
                fake_labels: Optional[Tensor] = None) -> Tensor:
        """Sum of the enabled terms for the D loss (0 when all are off). ``real``/``fake`` are the
        clean samples, ``real_out``/``fake_out`` D's outputs on them, ``judge(x, y)`` runs D's input
        pipeline and D on clean samples, ``step`` is the generator step. ``fake_labels``: the
        classes the fakes were drawn for, when they differ from the real batch's (AC-GAN)."""
        total = real_out.logits.new_zeros(())
        if self.lecam_weight:
            r, f = real_out.logits.float(), fake_out.logits.float()
            self._update_ema(float(r.detach().mean()), float(f.detach().mean()), step)
            if step > self.lecam_start:
                lecam = lecam_penalty(r, f, self.ema_real, self.ema_fake, self.lecam_two_sided)
                logs["lecam"] = lecam.detach()
                total = total + self.lecam_weight * lecam
        fake_labels = labels if fake_labels is None else fake_labels
        for weight, x, out, y, name in ((self.bcr_real, real, real_out, labels, "bcr_real"),
                                        (self.bcr_fake, fake, fake_out, fake_labels, "bcr_fake")):
            if weight:
                term = (out.logits - judge(flip_translate(x), y).logits).pow(2).mean()
                logs[name] = term.detach()
                total = total + weight * term
        if self.contrastive_weight:
            term = self._contrastive(real_out.features, labels)
            logs["contrastive_d"] = term.detach()
            total = total + self.contrastive_weight * term
        if self.drift:
            term = drift_penalty(real_out.logits)
            logs["reg_drift"] = term.detach()
            total = total + self.drift * term
        return total

    def g_terms(self, fake_out, labels: Optional[Tensor], logs: Dict[str, Tensor]) -> Tensor:
        if not self.contrastive_weight:
            return fake_out.logits.new_zeros(())
        term = self._contrastive(fake_out.features, labels)
        logs["contrastive_g"] = term.detach()
        return self.contrastive_weight * term

    def _update_ema(self, real: float, fake: float, step: int) -> None:
        # As the reference's ema_losses.update: no averaging (decay 0) before the start iteration.
        d = self.lecam_decay if step >= self.lecam_start else 0.0
        self.ema_real = real if self.ema_real is None else d * self.ema_real + (1 - d) * real
        self.ema_fake = fake if self.ema_fake is None else d * self.ema_fake + (1 - d) * fake

    def state_dict(self) -> Dict[str, Optional[float]]:
        return {"ema_real": self.ema_real, "ema_fake": self.ema_fake}

    def load_state_dict(self, state: Dict[str, Optional[float]]) -> None:
        self.ema_real, self.ema_fake = state.get("ema_real"), state.get("ema_fake")
