"""WaveGAN (Donahue, McAuley & Puckette 2019): DCGAN flattened to 1-D for raw waveforms.

G: a dense layer to 16 steps x 16·d channels, then transposed 1-D convs (kernel 25, stride 4)
halving the channels, ReLU between, tanh at the end: 16 -> 64 -> ... -> L samples. D: the mirror
image, strided 1-D convs (kernel 25, stride 4) with LeakyReLU(0.2) and **phase shuffle** after
every layer but the last: the activations are shifted by a random n in [-rad, rad] steps with
reflection padding, so D cannot reject fakes by the periodic artifacts of transposed
convolutions alone. At L = 16384 this is the paper's layout exactly (5 layers each way); other
lengths 16 x 4^k use k layers, channel widths following the same halving.
Reference: github.com/chrisdonahue/wavegan, wavegan.py (WaveGANGenerator, WaveGANDiscriminator,
apply_phaseshuffle); one shift is drawn per call and shared by the batch, as there.
"""
from __future__ import annotations

import math
from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import ConfigError
from .base import DOutput, Projection, check_labels, maybe_sn
from .registry import register_model

Tensor = torch.Tensor
KERNEL = 25


def _layers(length: int) -> int:
    k = round(math.log(length / 16, 4)) if length >= 64 else 0
    if k < 1 or 16 * 4 ** k != length:
        raise ConfigError(f"wavegan needs clips of 16 x 4^k samples (1024, 4096, 16384, 65536), got {length}; "
                          "set data_options.length accordingly")
    return k


def phase_shuffle(x: Tensor, rad: int) -> Tensor:
    """Shift (N, C, L) activations by one random n in [-rad, rad] steps, reflect-padded."""
    if rad <= 0:
        return x
    n = int(torch.randint(-rad, rad + 1, ()))
    if n == 0:
        return x
    length = x.shape[-1]
    if n > 0:  # content moves right: pad n on the left
        return F.pad(x, (n, 0), mode="reflect")[..., :length]
    return F.pad(x, (0, -n), mode="reflect")[..., -n:]


class _Upsample(nn.Module):
    """x4 up-sampling: a transposed conv ('zeros', the paper's default) or nearest-neighbour
    repetition followed by a conv ('nn')."""

    def __init__(self, cin: int, cout: int, mode: str):
        super().__init__()
        self.mode = mode
        if mode == "zeros":  # 'same' padding: exactly 4x the input length
            self.conv = nn.ConvTranspose1d(cin, cout, KERNEL, 4, padding=11, output_padding=1)
        else:
            self.conv = nn.Conv1d(cin, cout, KERNEL, 1, padding=KERNEL // 2)

    def forward(self, x: Tensor) -> Tensor:
        return self.conv(x if self.mode == "zeros" else F.interpolate(x, scale_factor=4, mode="nearest"))


@register_model("wavegan", role="generator")
class WaveGANGenerator(nn.Module):
    """z (N, z_dim) [+ class] -> waveforms (N, C, L) in [-1, 1].

    Args:
        width: model size d (64 in the paper; the dense layer outputs 16 x 16d for L = 16384).
        upsample: zeros (transposed convs) or nn (nearest-neighbour + conv).
        batch_norm: batch normalization after the dense layer and each hidden conv (off in the paper).
        embed_dim: size of the class embedding joined to z for class-conditional models.
    """

    data_kind = "audio"

    def __init__(self, z_dim: int = 100, shape: Sequence[int] = (1, 16384), num_classes: int = 0, width: int = 64,
                 upsample: str = "zeros", batch_norm: bool = False, embed_dim: int = 32):
        super().__init__()
        if upsample not in ("zeros", "nn"):
            raise ConfigError(f"generator.upsample must be zeros or nn, got '{upsample}'")
        channels, length = int(shape[0]), int(shape[-1])
        k = _layers(length)
        self.z_dim, self.num_classes, self.shape = z_dim, num_classes, tuple(shape)
        self.embed = nn.Embedding(num_classes, embed_dim) if num_classes else None
        self.top = width * 2 ** (k - 1)
        self.dense = nn.Linear(z_dim + (embed_dim if num_classes else 0), 16 * self.top)
        self.dense_norm = nn.BatchNorm1d(self.top) if batch_norm else nn.Identity()
        layers, ch = [], self.top
        for i in range(k):
            last = i == k - 1
            out = channels if last else ch // 2
            layers.append(_Upsample(ch, out, upsample))
            if not last:
                layers += [nn.BatchNorm1d(out) if batch_norm else nn.Identity(), nn.ReLU(True)]
            ch = out
        self.net = nn.Sequential(*layers, nn.Tanh())

    def forward(self, z: Tensor, y: Optional[Tensor] = None) -> Tensor:
        """z: (N, z_dim), y: (N,) labels when conditional -> (N, C, L)."""
        check_labels(self.num_classes, y)
        if self.embed is not None:
            z = torch.cat([z, self.embed(y)], dim=1)
        h = self.dense(z).reshape(z.shape[0], self.top, 16)
        return self.net(F.relu(self.dense_norm(h)))


@register_model("wavegan", role="discriminator")
class WaveGANDiscriminator(nn.Module):
    """x (N, C, L) -> DOutput(logits (N,), features (N, 16 x top width)).

    Args:
        width: model size d (64 in the paper).
        phase_shuffle: radius n of phase shuffle after each hidden layer (2 in the paper; 0 off).
        spectral_norm: spectral normalization of every layer (the paper uses WGAN-GP instead).
    """

    data_kind = "audio"

    def __init__(self, shape: Sequence[int] = (1, 16384), num_classes: int = 0, width: int = 64,
                 phase_shuffle: int = 2, spectral_norm: bool = False):
        super().__init__()
        channels, length = int(shape[0]), int(shape[-1])
        k = _layers(length)
        self.num_classes, self.rad = num_classes, phase_shuffle
        self.convs = nn.ModuleList()
        ch = channels
        for i in range(k):
            out = width * 2 ** i
            self.convs.append(maybe_sn(nn.Conv1d(ch, out, KERNEL, 4, padding=11), spectral_norm))
            ch = out
        self.head = maybe_sn(nn.Linear(16 * ch, 1), spectral_norm)
        self.projection = Projection(num_classes, 16 * ch, spectral_norm) if num_classes else None

    def forward(self, x: Tensor, y: Optional[Tensor] = None) -> DOutput:
        check_labels(self.num_classes, y)
        h = x
        for i, conv in enumerate(self.convs):
            h = F.leaky_relu(conv(h), 0.2)
            if i < len(self.convs) - 1 and self.training:  # a training-time regularizer, like dropout
                h = phase_shuffle(h, self.rad)
        h = h.flatten(1)
        logits = self.head(h).squeeze(1)
        if self.projection is not None:
            logits = logits + self.projection(h, y)
        return DOutput(logits=logits, features=h)
