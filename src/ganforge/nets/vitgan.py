"""ViTGAN discriminator (Lee et al., "ViTGAN: Training GANs with Vision Transformers", ICLR 2022):
a Vision Transformer that judges images, with the paper's stabilizers.

The image is cut into overlapping patches (each P x P patch widened by ``overlap`` pixels on
every side, so the discriminator cannot lock onto patch borders), each patch is linearly embedded
into a token, a learned class token and position embeddings are added, and pre-norm transformer
blocks follow; the class token's final features give the realness logit (plus a projection term
for class-conditional models). With ``spectral_norm`` (the default) every linear layer uses
improved spectral normalization and ``l2_attention`` replaces dot-product attention with tied
query/key L2 attention (see :mod:`.transformer`). The paper also uses DiffAugment and balanced
consistency regularization, which ganforge's ``augment.name=diffaugment`` and
``objective.bcr_real``/``bcr_fake`` provide.
"""
from __future__ import annotations

from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .base import DOutput, Projection, check_labels
from .registry import register_model
from .transformer import Block, linear

Tensor = torch.Tensor


@register_model("vitgan", role="discriminator")
class ViTGANDiscriminator(nn.Module):
    """x (N, C, H, W) -> DOutput(logits (N,), features (N, width) of the class token).

    ``width``: token width (384 in the paper's 32 px model).
    ``depth``: transformer blocks (4 in the paper).
    ``heads``: attention heads of every block (6 in the paper).
    ``mlp_ratio``: hidden units of the MLPs over the token width.
    ``patch``: patch side P (default: the image side over 8, giving 8 x 8 tokens).
    ``overlap``: extra pixels on each side of a patch (default P / 2).
    ``spectral_norm``: improved spectral normalization on every linear layer.
    ``l2_attention``: L2 attention with tied query/key projections instead of the dot product."""

    def __init__(self, shape: Sequence[int] = (3, 32, 32), num_classes: int = 0, width: int = 384, depth: int = 4,
                 heads: int = 6, mlp_ratio: float = 4.0, patch: Optional[int] = None, overlap: Optional[int] = None,
                 spectral_norm: bool = True, l2_attention: bool = True):
        super().__init__()
        channels, h, w = (int(s) for s in shape)
        patch = int(patch or max(min(h, w) // 8, 1))
        overlap = int(patch // 2 if overlap is None else overlap)
        if h % patch or w % patch:
            raise ValueError(f"vitgan patch size {patch} does not divide the {h}x{w} image; set discriminator.patch")
        self.num_classes, self.patch, self.overlap = num_classes, patch, overlap
        tokens = (h // patch) * (w // patch)
        self.embed = linear(channels * (patch + 2 * overlap) ** 2, width, spectral_norm)
        self.cls = nn.Parameter(torch.zeros(1, 1, width))
        self.pos = nn.Parameter(torch.zeros(1, tokens + 1, width))
        nn.init.trunc_normal_(self.cls, std=0.02)
        nn.init.trunc_normal_(self.pos, std=0.02)
        self.blocks = nn.ModuleList(Block(width, heads, mlp_ratio, l2=l2_attention, isn=spectral_norm)
                                    for _ in range(depth))
        self.norm = nn.LayerNorm(width)
        self.head = linear(width, 1, spectral_norm)
        self.projection = Projection(num_classes, width, spectral_norm) if num_classes else None

    def patches(self, x: Tensor) -> Tensor:
        """(N, C, H, W) -> (N, tokens, C * (P + 2o)^2): overlapping patches on a stride-P grid,
        zero padded by o at the image border."""
        k = self.patch + 2 * self.overlap
        return F.unfold(x, kernel_size=k, stride=self.patch, padding=self.overlap).transpose(1, 2)

    def forward(self, x: Tensor, y: Optional[Tensor] = None) -> DOutput:
        check_labels(self.num_classes, y)
        tokens = self.embed(self.patches(x))
        h = torch.cat([self.cls.expand(x.shape[0], -1, -1), tokens], dim=1) + self.pos
        for block in self.blocks:
            h = block(h)
        features = self.norm(h[:, 0])
        logits = self.head(features).squeeze(1)
        if self.projection is not None:
            logits = logits + self.projection(features, y)
        return DOutput(logits=logits, features=features)
