"""Super-resolution GAN in the ESRGAN manner (Wang et al. 2018).

Two phases. For the first ``pretrain_steps`` G steps the generator is trained on the pixel L1
loss alone (the PSNR-oriented model; D is left untouched). Then G minimises
``lambda_pixel * L1 + lambda_feature * L1(features) + lambda_adv * adversarial`` where the
features come from a frozen network (see :mod:`.features`; ``vgg19`` conv5_4 before activation
is ESRGAN's) and the adversarial loss is the configured family, normally the relativistic
average one (``loss: ragan``). Paper weights: 0.01, 1 and 0.005. With ``ragan`` the two
relativistic terms are averaged for G and halved for D, as the authors' code does (BasicSR
basicsr/models/esrgan_model.py: ``l_g_gan = (l_g_real + l_g_fake) / 2``, ``l_d_* * 0.5``), which
is what the paper's 0.005 is paired with.
"""
from __future__ import annotations

import warnings
from typing import Dict, Optional, Tuple

import torch

from ..errors import ConfigError
from ..losses import get_loss
from ..nets import create_model
from ..nets.vgg import VGG19_ENV, VGG19_FILE
from .base import Logs, StepContext
from .features import create_feature_net, resolve_feature_net
from .gan import d_stats
from .i2i import TranslationObjective, check_translation_config, g_adversarial, l1, net_options, zero_loss
from .registry import OBJECTIVES
from .terms import TermInputs

Tensor = torch.Tensor
MAX_RANDOM_FEATURE_WEIGHT = 0.1  # random conv features are no perceptual metric: keep them a mild prior


@OBJECTIVES.register("superres")
class SuperResObjective(TranslationObjective):
    """real = LR images (N, C, h, w), target = HR images (N, C, s*h, s*w).

    ``pretrain_steps``: G steps on the pixel loss alone before the GAN phase. ``lambda_pixel``: weight of the
    pixel L1 loss (0.01 in ESRGAN). ``lambda_feature``: weight of the feature-space L1 loss (1 in ESRGAN; at
    most 0.1 on the random net). ``lambda_adv``: weight of the adversarial loss (0.005 in ESRGAN).
    ``feature_net``: frozen net of the feature loss: vgg19 (ESRGAN's conv5_4, needs GANFORGE_VGG19_WEIGHTS),
    auto (vgg19 when its weights are there, else random), random or mnist."""

    provides = frozenset({"target"})  # G-side terms after the pretraining phase

    def __init__(self, cfg, data_info: Dict[str, object], pretrain_steps: int = 1000, lambda_pixel: float = 0.01,
                 lambda_feature: float = 1.0, lambda_adv: float = 0.005, feature_net: str = "vgg19", **options):
        check_translation_config(cfg, data_info, "superres", "paired")
        super().__init__(cfg, **options)
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
        resolved = resolve_feature_net(feature_net)
        if lambda_feature > 0 and resolved == "random":
            if lambda_feature > MAX_RANDOM_FEATURE_WEIGHT:
                raise ConfigError(f"objective.lambda_feature={lambda_feature} on the random feature net is no "
                                  f"perceptual loss; set {VGG19_ENV} to torchvision's {VGG19_FILE} (feature_net=vgg19) "
                                  f"or use lambda_feature<={MAX_RANDOM_FEATURE_WEIGHT}")
            if feature_net == "auto":
                warnings.warn(f"no VGG19 weights ({VGG19_ENV} unset): the feature loss uses the fixed random conv net")
        # Held in a list so it stays out of state_dict: it is rebuilt identically from its name,
        # and checkpoints stay loadable when lambda_feature or feature_net change on resume.
        self._features = [create_feature_net(resolved, hr_shape[0])] if lambda_feature > 0 else []
        self.loss = get_loss(cfg.loss)
        self.adv_scale = 0.5 if cfg.loss == "ragan" else 1.0  # BasicSR averages the two relativistic terms

    def d_parameters(self):
        return self.discriminator.parameters()

    def g_parameters(self):
        return self.generator.parameters()

    def pretraining(self, ctx: StepContext) -> bool:
        return ctx.step < self.pretrain_steps

    def trains_d(self, step: int) -> bool:
        return step >= self.pretrain_steps

    def d_step(self, real: Tensor, hr: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        if self.pretraining(ctx):
            return zero_loss(self.discriminator), {}
        with torch.no_grad():
            fake = self.generator(real)
        real_logits, fake_logits = self.discriminator(hr).logits, self.discriminator(fake).logits
        loss = self.adv_scale * self.loss.d_loss(real_logits, fake_logits, self.cfg.label_smoothing)
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
            adv = self.adv_scale * g_adversarial(self.loss, lambda x: self.discriminator(x).logits, fake, hr)
            loss, logs["loss_g_adv"] = loss + w["adv"] * adv, adv.detach()
        return self.plus_terms(loss, "g", TermInputs(ctx, hr, fake, target=hr), logs), logs
