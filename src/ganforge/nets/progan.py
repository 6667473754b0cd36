"""Progressive-growing GAN (Karras et al. 2018) for square images 8..256 px.

G: pixel-normed z [+ class embedding] -> 4x4 (equalized-lr linear + conv), then one block per
resolution doubling (nearest up-sampling, two 3x3 convs, leaky ReLU, pixel norm) and one 1x1
"toRGB" head per resolution; the output is linear (no tanh), as in the reference. D mirrors it
with "fromRGB" heads, average-pool down-sampling, minibatch standard deviation before the last
4x4 block, and a projection term when conditional.

Equalized learning rate with He's gain, as tkarras/progressive_growing_of_gans networks.py
(``get_weight(gain=sqrt(2), use_wscale=True)``): every weight is N(0, 1) scaled at run time by
sqrt(2) / sqrt(fan_in), except G's first dense layer (sqrt(2) / 4, "to match the original Theano
implementation"), the toRGB layers and D's last dense layer (gain 1).

Both nets carry the growth state as buffers ``level`` (0 = 4x4, top = full size) and ``alpha``
(fade-in of the newest level), set by ``objective=progressive`` from the step. G always
returns full-size images (lower levels up-sampled with nearest neighbours) and D always takes
full-size images (average-pooled down to the level), so data, augmentation and metrics never
see the resolution change. A freshly built net is at the top level with alpha = 1.
``inactive_parameter_names()`` names the heads unused at the current level.
"""
from __future__ import annotations

import math
from typing import Optional, Sequence, Set

import torch
import torch.nn.functional as F
from torch import nn

from .base import DOutput, Projection, check_labels, maybe_sn
from .layers import EqualConv2d, EqualLinear, MinibatchStd, PixelNorm
from .registry import register_model
from .resnet import num_blocks
from .timestep import head_logits, make_head

Tensor = torch.Tensor
HE = math.sqrt(2.0)  # He's gain for leaky-ReLU layers (the reference's default get_weight gain)


def _lrelu(x: Tensor) -> Tensor:
    return F.leaky_relu(x, 0.2)


class _Growing(nn.Module):
    def _init_growth(self, top: int) -> None:
        self.top = top
        self.register_buffer("level", torch.tensor(top))
        self.register_buffer("alpha", torch.tensor(1.0))

    def set_growth(self, level: int, alpha: float) -> None:
        if not 0 <= level <= self.top:
            raise ValueError(f"level must be in 0..{self.top}, got {level}")
        self.level.fill_(level)
        self.alpha.fill_(alpha)

    def inactive_parameter_names(self) -> Set[str]:
        """Parameters of resolution heads the current level does not use (no gradient)."""
        lvl = int(self.level)
        used = {lvl, lvl - 1}
        return {f"{self.heads_name}.{i}.{n}" for i, head in enumerate(getattr(self, self.heads_name))
                for n, _ in head.named_parameters() if i not in used} | {
            n for n, _ in self.named_parameters() if self._beyond_level(n, lvl)}

    def _beyond_level(self, name: str, level: int) -> bool:
        return False


@register_model("progan", role="generator")
class ProGANGenerator(_Growing):
    heads_name = "to_rgb"

    def __init__(self, z_dim: int = 128, shape: Sequence[int] = (3, 32, 32), num_classes: int = 0,
                 width: int = 32, max_channels: int = 256, embed_dim: int = 32):
        super().__init__()
        channels, size = shape[0], shape[-1]
        n = num_blocks(size, "progan")
        self.z_dim, self.num_classes, self.shape = z_dim, num_classes, tuple(shape)
        chs = [min(width * 2 ** (n - i), max_channels) for i in range(n + 1)]
        self.norm = PixelNorm()
        self.embed = nn.Embedding(num_classes, embed_dim) if num_classes else None
        self.input = EqualLinear(z_dim + (embed_dim if num_classes else 0), chs[0] * 16, gain=HE / 4)
        self.input_conv = EqualConv2d(chs[0], chs[0], 3, padding=1, gain=HE)
        self.blocks = nn.ModuleList(nn.ModuleList([EqualConv2d(chs[i], chs[i + 1], 3, padding=1, gain=HE),
                                                   EqualConv2d(chs[i + 1], chs[i + 1], 3, padding=1, gain=HE)])
                                    for i in range(n))
        self.to_rgb = nn.ModuleList(EqualConv2d(c, channels, 1) for c in chs)  # gain 1
        self._init_growth(n)

    def _beyond_level(self, name: str, level: int) -> bool:
        return name.startswith("blocks.") and int(name.split(".")[1]) >= level

    def forward(self, z: Tensor, y: Optional[Tensor] = None) -> Tensor:
        """z: (N, z_dim), y: (N,) labels when conditional -> full-size images (N, C, H, W), linear
        in training; clamped to the data range [-1, 1] in eval mode (sampling)."""
        check_labels(self.num_classes, y)
        x = self.norm(z)
        if self.embed is not None:
            x = torch.cat([x, self.norm(self.embed(y))], dim=1)
        h = self.norm(_lrelu(self.input(x).view(z.shape[0], -1, 4, 4)))
        h = self.norm(_lrelu(self.input_conv(h)))
        level, prev = int(self.level), None
        for conv1, conv2 in self.blocks[:level]:
            prev = h
            h = F.interpolate(h, scale_factor=2, mode="nearest")
            h = self.norm(_lrelu(conv2(self.norm(_lrelu(conv1(h))))))
        rgb = self.to_rgb[level](h)
        if prev is not None:  # fade the new level in over the up-sampled previous output
            old = F.interpolate(self.to_rgb[level - 1](prev), scale_factor=2, mode="nearest")
            rgb = torch.lerp(old, rgb, self.alpha.to(rgb.dtype))
        scale = self.shape[-1] // rgb.shape[-1]
        rgb = F.interpolate(rgb, scale_factor=scale, mode="nearest") if scale > 1 else rgb
        return rgb if self.training else rgb.clamp(-1, 1)


@register_model("progan", role="discriminator")
class ProGANDiscriminator(_Growing):
    heads_name = "from_rgb"

    def __init__(self, shape: Sequence[int] = (3, 32, 32), num_classes: int = 0, width: int = 32,
                 max_channels: int = 256, mbstd_group: int = 4, spectral_norm: bool = False, t_dim: int = 0):
        super().__init__()
        channels, size = shape[0], shape[-1]
        n = num_blocks(size, "progan")
        self.num_classes, self.size = num_classes, size
        chs = [min(width * 2 ** (n - i), max_channels) for i in range(n + 1)]  # index = level
        sn = spectral_norm
        self.from_rgb = nn.ModuleList(maybe_sn(EqualConv2d(channels, c, 1, gain=HE), sn) for c in chs)
        # blocks[j] takes level n - j down to level n - j - 1: input side (highest resolution) first
        self.blocks = nn.ModuleList(nn.ModuleList([
            maybe_sn(EqualConv2d(chs[lv], chs[lv], 3, padding=1, gain=HE), sn),
            maybe_sn(EqualConv2d(chs[lv], chs[lv - 1], 3, padding=1, gain=HE), sn)]) for lv in range(n, 0, -1))
        self.mbstd = MinibatchStd(mbstd_group)
        self.final_conv = maybe_sn(EqualConv2d(chs[0] + 1, chs[0], 3, padding=1, gain=HE), sn)
        self.final_fc = maybe_sn(EqualLinear(chs[0] * 16, chs[0], gain=HE), sn)
        self.head = make_head(chs[0], t_dim, maybe_sn(EqualLinear(chs[0], 1), sn))  # gain 1
        self.projection = Projection(num_classes, chs[0], sn) if num_classes else None
        self._init_growth(n)

    def _beyond_level(self, name: str, level: int) -> bool:
        return name.startswith("blocks.") and int(name.split(".")[1]) < self.top - level

    def forward(self, x: Tensor, y: Optional[Tensor] = None, t: Optional[Tensor] = None) -> DOutput:
        """x: full-size (N, C, H, W), t: (N,) diffusion steps when ``t_dim`` -> DOutput(logits (N,),
        features (N, F))."""
        check_labels(self.num_classes, y)
        level = int(self.level)
        x = F.avg_pool2d(x, self.size // (4 * 2 ** level)) if self.size > 4 * 2 ** level else x
        h = _lrelu(self.from_rgb[level](x))
        for lv in range(level, 0, -1):
            conv1, conv2 = self.blocks[self.top - lv]
            h = F.avg_pool2d(_lrelu(conv2(_lrelu(conv1(h)))), 2)
            if lv == level:  # fade the new level in over the previous level's input head
                old = _lrelu(self.from_rgb[lv - 1](F.avg_pool2d(x, 2)))
                h = torch.lerp(old, h, self.alpha.to(h.dtype))
        h = _lrelu(self.final_conv(self.mbstd(h)))
        h = _lrelu(self.final_fc(h.flatten(1)))
        logits = head_logits(self.head, h, t)
        if self.projection is not None:
            logits = logits + self.projection(h, y)
        return DOutput(logits=logits, features=h)
