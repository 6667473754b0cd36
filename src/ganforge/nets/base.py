"""What every generator and discriminator shares: the D output type and layer helpers."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import torch
from torch import nn

Tensor = torch.Tensor


@dataclass
class DOutput:
    """Discriminator result, the same for every family so losses never special-case a net.

    logits: (N,) realness scores, or (N, P) per-patch scores (PatchGAN); losses are means, so
    both work; features: (N, F) last hidden features (for projection,
    consistency and contrastive losses); class_logits: (N, K) for auxiliary classifiers.
    """

    logits: Tensor
    features: Optional[Tensor] = None
    class_logits: Optional[Tensor] = None


def maybe_sn(module: nn.Module, enabled: bool) -> nn.Module:
    """Wrap a conv/linear layer in spectral normalization when ``enabled``."""
    return nn.utils.parametrizations.spectral_norm(module) if enabled else module


class Projection(nn.Module):
    """Projection-discriminator term <embed(y), features> (Miyato & Koyama 2018)."""

    def __init__(self, num_classes: int, dim: int, spectral_norm: bool = False):
        super().__init__()
        embed = nn.Embedding(num_classes, dim)
        # Xavier-uniform as in the reference implementation: the default N(0, 1) makes the class
        # term ~sqrt(dim) times larger than the unconditional head and blows D up at the start.
        nn.init.xavier_uniform_(embed.weight)
        self.embed = maybe_sn(embed, spectral_norm)

    def forward(self, features: Tensor, y: Tensor) -> Tensor:
        return (self.embed(y) * features).sum(dim=1)


def check_labels(num_classes: int, y: Optional[Tensor]) -> None:
    if num_classes and y is None:
        raise ValueError("this network is class-conditional: pass labels y (N,)")
