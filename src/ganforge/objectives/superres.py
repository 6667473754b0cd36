"""Super-resolution GAN in the ESRGAN manner (Wang et al. 2018).

Two phases. For the first ``pretrain_steps`` G steps the generator is trained on the pixel L1
loss alone (the PSNR-oriented model; D is left untouched). Then G minimises
``lambda_pixel * L1 + lambda_feature * L1(features) + lambda_adv * adversarial`` where the
features come from a frozen network (see :mod:`.features`) and the adversarial loss is the
configured family, normally the relativistic average one (``loss: ragan``) used by ESRGAN.
Paper weights: 0.01, 1 and 0.005 (with VGG features).
"""
from __future__ import annotations

from typing import Dict, Optional, Tuple

import torch

from ..errors import ConfigError
from ..losses import get_loss
from ..nets import create_model
from .base import Logs, StepContext
from .features import create_feature_net
from .gan import d_stats
from .i2i import TranslationObjective, check_translation_config, g_adversarial, l1, net_options, zero_loss
from .registry import OBJECTIVES

Tensor = torch.Tensor


@OBJECTIVES.register("superres")
class SuperResObjective(TranslationObjective):
    """real = LR images (N, C, h, w), labels = HR images (N, C, s*h, s*w).

    ``pretrain_steps``: G steps on the pixel loss alone before the GAN phase. ``lambda_pixel``: weight of the
    pixel L1 loss. ``lambda_feature``: weight of the feature-space L1 loss. ``lambda_adv``: weight of the
    adversarial loss. ``feature_net``: frozen net of the feature loss (random or mnist)."""

    def __init__(self, cfg, data_info: Dict[str, object], pretrain_steps: int = 1000, lambda_pixel: float = 0.01,
                 lambda_feature: float = 1.0, lambda_adv: float = 0.005, feature_net: str = "random"):
        super().__init__()
        check_translation_config(cfg, data_info, "superres", "paired")
        scale = int(data_info.get("scale", 1))
        if scale < 2:
            raise ConfigError("objective superres needs targets larger than inputs (data=sr-photos or superres:DIR); "
                              "use objective=pix2pix for same-size pairs")
        self.cfg, self.pretrain_steps = cfg, int(pretrain_steps)
        self.weights = {"pixel": float(lambda_pixel), "feature": float(lambda_feature), "adv": float(lambda_adv)}
        lr_shape, hr_shape = tuple(data_info["shape"]), tuple(data_info["target_shape"])
        self.generator = create_model(cfg.generator.name, "generator", shape=lr_shape,
                                      **net_options(cfg.generator, "generator", scale=scale))
        self.discriminator = create_model(cfg.discriminator.name, "discriminator", shape=hr_shape, num_classes=0,
                                          **cfg.discriminator.kwargs())
        # Held in a list so it stays out of state_dict: it is rebuilt identically from its name,
        # and checkpoints stay loadable when lambda_feature or feature_net change on resume.
        self._features = [create_feature_net(feature_net, hr_shape[0])] if lambda_feature > 0 else []
        self.loss = get_loss(cfg.loss)

    def d_parameters(self):
        return self.discriminator.parameters()

    def g_parameters(self):
        return self.generator.parameters()

    def pretraining(self, ctx: StepContext) -> bool:
        return ctx.step < self.pretrain_steps

    def d_step(self, real: Tensor, hr: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        if self.pretraining(ctx):
            return zero_loss(self.discriminator), {}
        with torch.no_grad():
            fake = self.generator(real)
        real_logits, fake_logits = self.discriminator(hr).logits, self.discriminator(fake).logits
        loss = self.loss.d_loss(real_logits, fake_logits, self.cfg.label_smoothing)
        return loss, {"loss_d_adv": loss.detach(), **d_stats(real_logits, fake_logits)}

    def g_step(self, real: Tensor, hr: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        fake = self.generator(real)
        pixel = l1(fake, hr)
        if self.pretraining(ctx):
            return pixel, {"loss_pixel": pixel.detach()}
        w = self.weights
        loss, logs = w["pixel"] * pixel, {"loss_pixel": pixel.detach()}
        if self._features:
            net = self._features[0].to(fake.device)
            with torch.no_grad():
                target = net(hr)
            feature = l1(net(fake), target)
            loss, logs["loss_feature"] = loss + w["feature"] * feature, feature.detach()
        if w["adv"] > 0:
            adv = g_adversarial(self.loss, lambda x: self.discriminator(x).logits, fake, hr)
            loss, logs["loss_g_adv"] = loss + w["adv"] * adv, adv.detach()
        return loss, logs
