"""MoCoGAN (Tulyakov et al. 2018) for short videos: a frame generator driven by a content code
that stays fixed over the clip and a motion code that a GRU unrolls frame by frame, judged by a
3-D convolutional video discriminator (this file) and a 2-D frame discriminator (the objective's).

The latent z (N, z_dim) holds everything random about one clip, so a seed fixes a clip:
``[content (content_dim) | h_0 (motion_dim) | e_1 .. e_T (motion_dim each)]``, all N(0, 1) as in
the reference code (``sample_z_content``, ``get_gru_initial_state``, ``get_iteration_noise``):
z_dim = content_dim + motion_dim x (frames + 1). Frame t is the DCGAN frame generator applied to
[content, h_t] with h_t = GRU(e_t, h_{t-1}).
Reference: github.com/sergeytulyakov/mocogan, src/models.py (VideoGenerator, VideoDiscriminator).
"""
from __future__ import annotations

from typing import Optional, Sequence

import torch
from torch import nn

from ..errors import ConfigError
from ..registry import lookup
from .base import DOutput, Projection, check_labels, maybe_sn
from .dcgan import DCGANGenerator
from .registry import register_model

Tensor = torch.Tensor


def mocogan_z_dim(frames: int, content_dim: int = 50, motion_dim: int = 10) -> int:
    """Latent size of a MoCoGAN clip: content + initial GRU state + one motion input per frame."""
    return content_dim + motion_dim * (frames + 1)


def _check_z_dim(z_dim: int, frames: int, content_dim: int, motion_dim: int) -> None:
    want = mocogan_z_dim(frames, content_dim, motion_dim)
    if z_dim != want:
        raise ConfigError(f"generator mocogan with {frames} frames takes z_dim = content_dim + motion_dim x "
                          f"(frames + 1) = {content_dim} + {motion_dim} x {frames + 1} = {want}; set z_dim={want}")


@register_model("mocogan", role="generator")
class MoCoGANGenerator(nn.Module):
    """z (N, z_dim) [+ class] -> videos (N, C, T, H, W) in [-1, 1].

    Args:
        content_dim: size of the content code, fixed over the clip (50 in the paper).
        motion_dim: size of the GRU motion code and of its per-frame inputs (10 in the paper).
        width: channels of the DCGAN frame generator's last hidden layer (ngf, 64 in the paper).
    """

    data_kind = "video"

    @classmethod
    def check_config(cls, cfg) -> None:
        """Refuse a z_dim that does not fit the clips, before the run directory exists; the frame
        count is data_options.frames or the dataset's default for it."""
        frames = cfg.data_options.get("frames")
        if frames is None:
            options = lookup("dataset").options(cfg.data.split(":", 1)[0])
            frames = next((o.default for o in options if o.name == "frames"), None)
        if isinstance(frames, int):
            _check_z_dim(cfg.z_dim, frames, cfg.generator.get("content_dim", 50), cfg.generator.get("motion_dim", 10))

    @staticmethod
    def z_dim_for(shape: Sequence[int], content_dim: int = 50, motion_dim: int = 10) -> int:
        """The z_dim this generator takes for clips of ``shape`` (C, T, H, W)."""
        return mocogan_z_dim(int(shape[1]), content_dim, motion_dim)

    def __init__(self, z_dim: int = 220, shape: Sequence[int] = (1, 16, 64, 64), num_classes: int = 0,
                 content_dim: int = 50, motion_dim: int = 10, width: int = 64):
        super().__init__()
        channels, frames, size = int(shape[0]), int(shape[1]), int(shape[-1])
        _check_z_dim(z_dim, frames, content_dim, motion_dim)
        self.z_dim, self.num_classes, self.shape = z_dim, num_classes, tuple(shape)
        self.frames, self.content_dim, self.motion_dim = frames, content_dim, motion_dim
        self.recurrent = nn.GRUCell(motion_dim, motion_dim)
        # Conditioning rides on the frame generator's class embedding, so every frame sees the class.
        self.frame = DCGANGenerator(z_dim=content_dim + motion_dim, shape=(channels, size, size),
                                    num_classes=num_classes, width=width)

    def motion(self, z: Tensor) -> Tensor:
        """Motion codes h_1..h_T (N, T, motion_dim) unrolled from the latent's h_0 and inputs e_t."""
        m, c = self.motion_dim, self.content_dim
        h = z[:, c:c + m]
        steps = z[:, c + m:].reshape(z.shape[0], self.frames, m)
        out = []
        for t in range(self.frames):
            h = self.recurrent(steps[:, t], h)
            out.append(h)
        return torch.stack(out, dim=1)

    def forward(self, z: Tensor, y: Optional[Tensor] = None) -> Tensor:
        """z: (N, z_dim), y: (N,) labels when conditional -> (N, C, T, H, W)."""
        check_labels(self.num_classes, y)
        n, t = z.shape[0], self.frames
        content = z[:, None, :self.content_dim].expand(n, t, self.content_dim)
        codes = torch.cat([content, self.motion(z)], dim=2).reshape(n * t, -1)
        labels = None if y is None else y.repeat_interleave(t)
        frames = self.frame(codes, labels)  # N*T, C, H, W
        return frames.reshape(n, t, *frames.shape[1:]).transpose(1, 2)


def _time_kernel(frames: int) -> int:
    return min(4, frames)


@register_model("mocogan", role="discriminator")
class VideoDiscriminator(nn.Module):
    """MoCoGAN's video discriminator: 3-D convs (kernel 4, stride 1 in time and 2 in space, no
    temporal padding) with LeakyReLU(0.2) and batch norm after the first layer, then a 4 x 4 x 4
    conv to one logit per remaining time window.

    x: (N, C, T, H, W) -> DOutput(logits (N,) or (N, P) per time window, features (N, F)).
    At 64 px and 16 frames this is the reference layout (T 16 -> 13 -> 10 -> 7 -> 4 -> 1); at
    32 px one stride-2 layer fewer leaves 4 time windows. Clips shorter than 4 frames use the
    whole clip as the temporal kernel.

    Args:
        width: channels of the first layer (ndf), doubled per layer.
        norm: batch or none (none for gradient penalties, which batch statistics would couple).
        spectral_norm: spectral normalization on every conv and the projection.
    """

    data_kind = "video"

    def __init__(self, shape: Sequence[int] = (1, 16, 64, 64), num_classes: int = 0, width: int = 64,
                 norm: str = "batch", spectral_norm: bool = False):
        super().__init__()
        if norm not in ("batch", "none"):
            raise ConfigError(f"discriminator.norm must be batch or none, got '{norm}'")
        channels, frames, size = int(shape[0]), int(shape[1]), int(shape[-1])
        downs = size.bit_length() - 3  # 64 px -> 4 stride-2 layers down to 4 x 4
        if size < 8 or 2 ** (downs + 2) != size:
            raise ConfigError(f"the mocogan discriminator needs a power-of-two frame size >= 8, got {size}")
        self.num_classes = num_classes
        layers, ch, t = [], channels, frames
        for i in range(downs):
            kt = _time_kernel(t)
            out = width * 2 ** i
            layers.append(maybe_sn(nn.Conv3d(ch, out, (kt, 4, 4), (1, 2, 2), (0, 1, 1), bias=False), spectral_norm))
            if i > 0 and norm == "batch":
                layers.append(nn.BatchNorm3d(out))
            layers.append(nn.LeakyReLU(0.2, inplace=True))
            ch, t = out, t - kt + 1
        self.body = nn.Sequential(*layers)
        self.head = maybe_sn(nn.Conv3d(ch, 1, (_time_kernel(t), 4, 4), 1, 0, bias=False), spectral_norm)
        self.projection = Projection(num_classes, ch, spectral_norm) if num_classes else None

    def forward(self, x: Tensor, y: Optional[Tensor] = None) -> DOutput:
        check_labels(self.num_classes, y)
        h = self.body(x)
        logits = self.head(h).flatten(1)
        features = h.mean(dim=(2, 3, 4))
        if self.projection is not None:
            logits = logits + self.projection(features, y)[:, None]
        return DOutput(logits=logits.squeeze(1) if logits.shape[1] == 1 else logits, features=features)
