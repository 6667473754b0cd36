"""Transformer layers shared by the transformer generator (TransGAN) and discriminator (ViTGAN).

- :class:`Attention`: multi-head self-attention over tokens (B, N, D), either the usual scaled
  dot product or the L2 attention of Kim, Papamakarios & Mnih ("The Lipschitz Constant of
  Self-Attention", ICML 2021) that ViTGAN uses in its discriminator: logits
  ``-||x_i W_q - x_j W_k||^2 / sqrt(d_head)`` with the query and key projections tied
  (``W_q = W_k``), which makes self-attention Lipschitz where the dot product is not.
- :func:`improved_spectral_norm`: ViTGAN's ISN (Lee et al., ICLR 2022, Eq. 7),
  ``W_ISN = sigma(W_init) * W / sigma(W)``: spectral normalization that keeps each layer's
  spectral norm at its initial value instead of 1, which plain SN makes too small for
  transformer blocks.
- :class:`Block`: a pre-norm transformer block (LayerNorm, attention, LayerNorm, GELU MLP, with
  residuals), and :func:`grid_blocks`, which runs blocks inside non-overlapping g x g windows of a
  token map: TransGAN's grid self-attention (Jiang et al., NeurIPS 2021), which keeps attention
  affordable at high resolutions (the per-token LayerNorm and MLP are unaffected by windowing).
"""
from __future__ import annotations

import math
from typing import Sequence

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import parametrize

Tensor = torch.Tensor


class _Scale(nn.Module):
    """Parametrization multiplying a weight by a fixed scalar (the spectral norm at init)."""

    def __init__(self, value: Tensor):
        super().__init__()
        self.register_buffer("value", value.detach().clone())

    def forward(self, weight: Tensor) -> Tensor:
        return weight * self.value


def improved_spectral_norm(layer: nn.Module) -> nn.Module:
    """Wrap a linear/conv layer in ISN: spectral normalization (power iteration), then times the
    exact spectral norm of the weight at initialization."""
    weight = layer.weight.detach()
    sigma0 = torch.linalg.matrix_norm(weight.reshape(weight.shape[0], -1), ord=2)
    nn.utils.parametrizations.spectral_norm(layer)
    parametrize.register_parametrization(layer, "weight", _Scale(sigma0))
    return layer


def linear(d_in: int, d_out: int, isn: bool, bias: bool = True) -> nn.Linear:
    layer = nn.Linear(d_in, d_out, bias=bias)
    return improved_spectral_norm(layer) if isn else layer


class Attention(nn.Module):
    """x (B, N, D) -> (B, N, D). ``l2``: L2 attention with tied query/key projection; ``isn``:
    every projection under improved spectral normalization."""

    def __init__(self, dim: int, heads: int, l2: bool = False, isn: bool = False):
        super().__init__()
        if dim % heads:
            raise ValueError(f"attention width {dim} is not divisible by {heads} heads; change the width or heads")
        self.heads, self.l2 = heads, l2
        self.qk = linear(dim, dim if l2 else 2 * dim, isn, bias=False)  # one projection when tied
        self.v = linear(dim, dim, isn, bias=False)
        self.proj = linear(dim, dim, isn)

    def logits(self, x: Tensor) -> Tensor:
        """(B, heads, N, N) attention logits before the softmax."""
        b, n, d = x.shape
        h = self.heads
        split = lambda t: t.reshape(b, n, h, d // h).transpose(1, 2)  # noqa: E731
        if self.l2:
            q = k = split(self.qk(x))
            sq = q.pow(2).sum(-1)
            dist = (sq[..., :, None] + sq[..., None, :] - 2 * q @ k.transpose(-1, -2)).clamp(min=0)
            return -dist / math.sqrt(d // h)
        q, k = (split(t) for t in self.qk(x).chunk(2, dim=-1))
        return q @ k.transpose(-1, -2) / math.sqrt(d // h)

    def forward(self, x: Tensor) -> Tensor:
        b, n, d = x.shape
        v = self.v(x).reshape(b, n, self.heads, d // self.heads).transpose(1, 2)
        out = torch.softmax(self.logits(x), dim=-1) @ v
        return self.proj(out.transpose(1, 2).reshape(b, n, d))


class Block(nn.Module):
    """Pre-norm transformer block on tokens (B, N, D)."""

    def __init__(self, dim: int, heads: int, mlp_ratio: float = 4.0, l2: bool = False, isn: bool = False):
        super().__init__()
        hidden = int(dim * mlp_ratio)
        self.norm1, self.norm2 = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.attn = Attention(dim, heads, l2, isn)
        self.mlp = nn.Sequential(linear(dim, hidden, isn), nn.GELU(), linear(hidden, dim, isn))

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


def grid_blocks(blocks: Sequence[nn.Module], x: Tensor, side: int, grid: int) -> Tensor:
    """Run ``blocks`` on a token map x (B, side*side, D) in row-major order; where the map is
    larger than ``grid`` x ``grid`` tokens, attention stays inside each g x g window."""
    if side <= grid or grid <= 0:
        for block in blocks:
            x = block(x)
        return x
    if side % grid:
        raise ValueError(f"grid size {grid} does not divide the {side} x {side} token map; pick a divisor")
    b, _, d = x.shape
    n = side // grid
    w = x.reshape(b, n, grid, n, grid, d).permute(0, 1, 3, 2, 4, 5).reshape(b * n * n, grid * grid, d)
    for block in blocks:
        w = block(w)
    return w.reshape(b, n, n, grid, grid, d).permute(0, 1, 3, 2, 4, 5).reshape(b, side * side, d)


def pixel_upsample(x: Tensor, side: int) -> Tensor:
    """Tokens (B, side*side, D) -> (B, (2 side)^2, D / 4) by pixel shuffle (TransGAN's up-sampling)."""
    b, _, d = x.shape
    grid = x.transpose(1, 2).reshape(b, d, side, side)
    return F.pixel_shuffle(grid, 2).reshape(b, d // 4, 4 * side * side).transpose(1, 2)
