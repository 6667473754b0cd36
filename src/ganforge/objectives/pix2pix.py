"""pix2pix (Isola et al. 2017): conditional GAN + L1 on paired images.

G maps input A to B; D (a PatchGAN) judges the pair (A, B) concatenated along channels, so it
learns whether B is a plausible translation *of this A*. G minimises the adversarial loss plus
``lambda_l1`` (100 in the paper) times the L1 distance to the true B, which keeps the low
frequencies right and leaves D to sharpen the high ones. D's loss is halved, as in the paper,
to slow it relative to G. Both terms are scaled as the authors' code uses its GANLoss
(``criterion_weights``), so a family's own constants (lsgan's 1/2) do not change the balance
against the L1 term.
"""
from __future__ import annotations

from typing import Dict, Optional, Tuple

import torch

from ..errors import ConfigError
from ..losses import criterion_weights, get_loss
from ..nets import create_model
from .base import Logs, StepContext
from .gan import d_stats
from .i2i import TranslationObjective, check_translation_config, g_adversarial, l1, net_options
from .registry import OBJECTIVES

Tensor = torch.Tensor


@OBJECTIVES.register("pix2pix")
class Pix2PixObjective(TranslationObjective):
    """real = A (N, C_a, H, W), labels = B (N, C_b, H, W) from paired data.

    ``lambda_l1``: weight of the L1 distance to the target (100)."""

    def __init__(self, cfg, data_info: Dict[str, object], lambda_l1: float = 100.0):
        super().__init__()
        check_translation_config(cfg, data_info, "pix2pix", "paired")
        self.cfg, self.lambda_l1 = cfg, float(lambda_l1)
        a_shape, b_shape = tuple(data_info["shape"]), tuple(data_info["target_shape"])
        if a_shape[1:] != b_shape[1:]:
            raise ConfigError(f"pix2pix needs inputs and targets of the same size, got {a_shape} -> {b_shape}; "
                              "use objective=superres for up-scaling")
        self.generator = create_model(cfg.generator.name, "generator", shape=a_shape,
                                      **net_options(cfg.generator, "generator", out_channels=b_shape[0]))
        d_shape = (a_shape[0] + b_shape[0],) + a_shape[1:]
        self.discriminator = create_model(cfg.discriminator.name, "discriminator", shape=d_shape, num_classes=0,
                                          **cfg.discriminator.kwargs())
        self.loss = get_loss(cfg.loss)
        self.d_weight, self.g_weight = criterion_weights(self.loss)

    def d_parameters(self):
        return self.discriminator.parameters()

    def g_parameters(self):
        return self.generator.parameters()

    def judge(self, a: Tensor, b: Tensor) -> Tensor:
        """D's logits for the pair (A, B): (N,) or per patch (N, P)."""
        return self.discriminator(torch.cat([a, b], dim=1)).logits

    def d_step(self, real: Tensor, target: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        with torch.no_grad():
            fake = self.generator(real)
        real_logits, fake_logits = self.judge(real, target), self.judge(real, fake)
        loss = self.d_weight * self.loss.d_loss(real_logits, fake_logits, self.cfg.label_smoothing)
        return loss, {"loss_d_adv": loss.detach(), **d_stats(real_logits, fake_logits)}

    def g_step(self, real: Tensor, target: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        fake = self.generator(real)
        adv = self.g_weight * g_adversarial(self.loss, lambda b: self.judge(real, b), fake, target)
        rec = l1(fake, target)
        return adv + self.lambda_l1 * rec, {"loss_g_adv": adv.detach(), "loss_g_l1": rec.detach()}
