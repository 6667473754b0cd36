"""MLP generator and discriminator for vector data (2-D mixtures, embeddings)."""
from __future__ import annotations

from typing import Optional, Sequence

import torch
from torch import nn

from .base import DOutput, Projection, check_labels, maybe_sn
from .registry import register_model
from .timestep import head_logits, make_head

Tensor = torch.Tensor


@register_model("mlp", role="generator")
class MLPGenerator(nn.Module):
    def __init__(self, z_dim: int = 2, shape: Sequence[int] = (2,), num_classes: int = 0,
                 width: int = 256, depth: int = 3, embed_dim: int = 16):
        super().__init__()
        self.z_dim, self.num_classes, self.shape = z_dim, num_classes, tuple(shape)
        self.embed = nn.Embedding(num_classes, embed_dim) if num_classes else None
        dim = z_dim + (embed_dim if num_classes else 0)
        layers = []
        for _ in range(depth):
            layers += [nn.Linear(dim, width), nn.ReLU(True)]
            dim = width
        layers.append(nn.Linear(dim, int(shape[0])))
        self.net = nn.Sequential(*layers)

    def forward(self, z: Tensor, y: Optional[Tensor] = None) -> Tensor:
        """z: (N, z_dim) -> (N, D)."""
        check_labels(self.num_classes, y)
        if self.embed is not None:
            z = torch.cat([z, self.embed(y)], dim=1)
        return self.net(z)


@register_model("mlp", role="discriminator")
class MLPDiscriminator(nn.Module):
    def __init__(self, shape: Sequence[int] = (2,), num_classes: int = 0, width: int = 256, depth: int = 3,
                 spectral_norm: bool = False, t_dim: int = 0):
        super().__init__()
        self.num_classes = num_classes
        dim, layers = int(shape[0]), []
        for _ in range(depth):
            layers += [maybe_sn(nn.Linear(dim, width), spectral_norm), nn.LeakyReLU(0.2, True)]
            dim = width
        self.body = nn.Sequential(*layers)
        self.head = make_head(dim, t_dim, maybe_sn(nn.Linear(dim, 1), spectral_norm))
        self.projection = Projection(num_classes, dim, spectral_norm) if num_classes else None

    def forward(self, x: Tensor, y: Optional[Tensor] = None, t: Optional[Tensor] = None) -> DOutput:
        """x: (N, D), t: (N,) diffusion steps when ``t_dim`` -> DOutput(logits (N,), features (N, width))."""
        check_labels(self.num_classes, y)
        h = self.body(x)
        logits = head_logits(self.head, h, t)
        if self.projection is not None:
            logits = logits + self.projection(h, y)
        return DOutput(logits=logits, features=h)
