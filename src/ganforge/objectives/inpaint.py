"""Restoring images: inpainting (filling holes) and denoising, one masked-image objective.

Each batch of clean images is corrupted on the fly: hole masks are drawn (free-form strokes,
boxes or both, :mod:`ganforge.data.masks`) and/or Gaussian noise of ``noise_sigma`` 8-bit levels
is added. A mask-aware generator (``gated`` or ``partialconv``) sees the corrupted image and the
mask and restores the image; for inpainting the known pixels are pasted back, for denoising every
pixel is the generator's. G minimises

    lambda_hole * L1_hole + lambda_valid * L1_valid + lambda_adv * adversarial (+ lambda_feature * feature)

with the L1 terms of Liu et al. 2018 (absolute error inside / outside the holes, each divided by
the total element count; 6 and 1 in that paper, DeepFill v2 weighs both 1), the adversarial loss
of the configured family on a PatchGAN critic that judges (image, mask) pairs, as DeepFill v2's
SN-PatchGAN does, and an optional perceptual term on a frozen feature net (see
:mod:`.features`). D sees the real image and the completed one, each beside the same mask.
"""
from __future__ import annotations

import inspect
from typing import Dict, Optional, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from ..data.masks import MASKS, draw_masks
from ..errors import ConfigError
from ..losses import get_loss
from ..nets import create_model
from .base import Logs, StepContext
from .features import create_feature_net
from .gan import d_stats
from .i2i import TranslationObjective, check_no_metrics, g_adversarial, l1, net_options
from .registry import OBJECTIVES

Tensor = torch.Tensor
SAMPLE_SEED = 4_242  # fixed masks and noise of the sample grids, away from the training stream


class Inpainter(nn.Module):
    """The saved generator: x (N, C + 1, H, W), the image channels followed by the hole mask
    (1 = missing; what lies under it is never looked at) -> the restored image (N, C, H, W) in
    [-1, 1]. ``composite``: paste the known pixels back (inpainting); False when every pixel is
    noisy (denoising)."""

    input_kind = "image"
    needs_mask = True
    scale = 1

    def __init__(self, net: nn.Module, composite: bool = True):
        super().__init__()
        self.net, self.composite = net, bool(composite)
        self.size_multiple = int(getattr(net, "size_multiple", 1))

    def restore(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        """(raw generator output, completed image), both (N, C, H, W)."""
        image, mask = x[:, :-1], x[:, -1:]
        raw = self.net(image * (1 - mask), mask)
        return raw, (raw * mask + image * (1 - mask) if self.composite else raw)

    def forward(self, x: Tensor, y: Optional[Tensor] = None) -> Tensor:
        return self.restore(x)[1]


def corrupt(clean: Tensor, mask_kind: str, noise_sigma: float,
            generator: Optional[torch.Generator] = None) -> Tuple[Tensor, Tensor]:
    """clean (N, C, H, W) in [-1, 1] -> (Inpainter input (N, C + 1, H, W), mask (N, 1, H, W)).
    Noise of ``noise_sigma`` 8-bit levels is added and clipped to the valid range; draws come
    from ``generator`` or the global torch RNG (on the CPU, so runs match across devices)."""
    n, _, h, w = clean.shape
    mask = draw_masks(mask_kind, n, h, w, generator).to(clean.device)
    image = clean
    if noise_sigma > 0:
        noise = torch.randn(clean.shape, generator=generator).to(clean.device)
        image = (clean + noise * (2.0 * noise_sigma / 255.0)).clamp(-1, 1)
    return torch.cat([image, mask], dim=1), mask


@OBJECTIVES.register("inpaint")
class InpaintObjective(TranslationObjective):
    """real = clean images (N, C, H, W) from any image dataset (labels unused).

    ``mask``: the holes drawn per image: freeform, box, both (their union) or none.
    ``noise_sigma``: std of the Gaussian noise added to every pixel, in 8-bit levels (> 0: denoising).
    ``lambda_hole``: weight of the L1 error inside the holes.
    ``lambda_valid``: weight of the L1 error outside the holes.
    ``lambda_adv``: weight of the adversarial term.
    ``lambda_feature``: weight of the perceptual (frozen feature net) term; 0 turns it off.
    ``feature_net``: the frozen feature net of that term: random or mnist.
    ``flip``: mirror each training image left-right with probability 1/2.
    ``shift``: move each training image by up to this many pixels, reflecting at the border.
    Flips and shifts give small sets such as the 80 training faces more variety, which a
    generator otherwise memorizes."""

    def __init__(self, cfg, data_info: Dict[str, object], mask: str = "both", noise_sigma: float = 0.0,
                 lambda_hole: float = 6.0, lambda_valid: float = 1.0, lambda_adv: float = 0.1,
                 lambda_feature: float = 0.0, feature_net: str = "random", flip: bool = False, shift: int = 0):
        super().__init__()
        if data_info.get("kind") != "image" or data_info.get("task"):
            raise ConfigError(f"objective inpaint restores single images (data=faces, mnist, folder:PATH, ...); "
                              f"'{data_info.get('name')}' is {data_info.get('task') or data_info.get('kind')} data")
        check_no_metrics(cfg, "inpaint", "ganforge.translate.restore (benchmarks/restoration.py)")
        MASKS.get(mask)
        if mask == "none" and noise_sigma == 0:
            raise ConfigError("objective inpaint with mask=none and noise_sigma=0 has nothing to restore; set "
                              "objective.mask=freeform, box or both, or objective.noise_sigma=25")
        self.cfg, self.mask_kind, self.noise_sigma = cfg, mask, float(noise_sigma)
        self.flip, self.shift = bool(flip), int(shift)
        if not 0 <= self.shift < min(data_info["shape"][1:]) // 2:
            raise ConfigError(f"objective.shift must be between 0 and half the image side, got {shift}")
        self.weights = {"hole": float(lambda_hole), "valid": float(lambda_valid), "adv": float(lambda_adv),
                        "feature": float(lambda_feature)}
        shape = tuple(data_info["shape"])
        net = create_model(cfg.generator.name, "generator", shape=shape, **net_options(cfg.generator, "generator"))
        if "mask" not in inspect.signature(net.forward).parameters:
            raise ConfigError(f"objective inpaint needs a mask-aware image generator (generator=gated or "
                              f"partialconv), not '{cfg.generator.name}'")
        self.generator = Inpainter(net, composite=noise_sigma == 0)
        d_shape = (shape[0] + 1,) + shape[1:]
        self.discriminator = create_model(cfg.discriminator.name, "discriminator", shape=d_shape, num_classes=0,
                                          **cfg.discriminator.kwargs())
        self._features = [create_feature_net(feature_net, shape[0])] if lambda_feature > 0 else []
        self.loss = get_loss(cfg.loss)

    def sample(self, net, z, labels, batch_size=256, seed=0, where=None, **gen_kwargs):
        raise ConfigError("this run restores images rather than sampling noise; use ganforge inpaint RUN IMAGE "
                          "--mask MASK, or ganforge.translate.inpaint.InpaintModel")

    def d_parameters(self):
        return self.discriminator.parameters()

    def g_parameters(self):
        return self.generator.parameters()

    def judge(self, image: Tensor, mask: Tensor) -> Tensor:
        """D's logits for an image beside its hole mask: (N,) or per patch (N, P)."""
        return self.discriminator(torch.cat([image, mask], dim=1)).logits

    def jittered(self, real: Tensor) -> Tensor:
        """Training images (N, C, H, W), each mirrored with probability 1/2 (``flip``) and moved by
        up to ``shift`` pixels with reflection at the border; draws from the global RNG."""
        if self.flip:
            mirror = (torch.rand(real.shape[0]) < 0.5).to(real.device)
            real = torch.where(mirror[:, None, None, None], real.flip(-1), real)
        if self.shift:
            s, (h, w) = self.shift, real.shape[-2:]
            padded = F.pad(real, (s, s, s, s), mode="reflect")
            offsets = torch.randint(0, 2 * s + 1, (real.shape[0], 2)).tolist()
            real = torch.stack([p[:, dy:dy + h, dx:dx + w] for p, (dy, dx) in zip(padded, offsets)])
        return real

    def d_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        real = self.jittered(real)
        inputs, mask = corrupt(real, self.mask_kind, self.noise_sigma)
        with torch.no_grad():
            fake = self.generator(inputs)
        real_logits, fake_logits = self.judge(real, mask), self.judge(fake, mask)
        loss = self.loss.d_loss(real_logits, fake_logits, self.cfg.label_smoothing)
        return loss, {"loss_d_adv": loss.detach(), **d_stats(real_logits, fake_logits)}

    def g_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        real = self.jittered(real)
        inputs, mask = corrupt(real, self.mask_kind, self.noise_sigma)
        raw, completed = self.generator.restore(inputs)
        error = (raw - real).abs()
        hole, valid = (error * mask).mean(), (error * (1 - mask)).mean()
        w = self.weights
        loss = w["hole"] * hole + w["valid"] * valid
        logs = {"loss_g_hole": hole.detach(), "loss_g_valid": valid.detach()}
        if w["adv"] > 0:
            adv = g_adversarial(self.loss, lambda b: self.judge(b, mask), completed, real)
            loss, logs["loss_g_adv"] = loss + w["adv"] * adv, adv.detach()
        if self._features:
            feature_net = self._features[0].to(real.device)
            with torch.no_grad():
                target = feature_net(real)
            feature = l1(feature_net(completed), target)
            loss, logs["loss_g_feature"] = loss + w["feature"] * feature, feature.detach()
        return loss, logs

    def reference_batch(self, dataset, index: Tensor) -> Tensor:
        return dataset.get(index)[0]  # the clean images

    def sample_inputs(self, dataset, n: int) -> Tensor:
        pick = torch.linspace(0, len(dataset) - 1, min(n, len(dataset))).round().long()
        clean = dataset.get(pick)[0]
        self._panel_targets = clean
        return corrupt(clean, self.mask_kind, self.noise_sigma, torch.Generator().manual_seed(SAMPLE_SEED))[0]

    def sample_panel(self, inputs: Tensor, outputs: Tensor):
        """Rows of [corrupted input with holes in white | restored | clean]."""
        mask = inputs[:, -1:].to(outputs.device)
        shown = inputs[:, :-1].to(outputs.device) * (1 - mask) + mask
        return super().sample_panel(shown, outputs)
