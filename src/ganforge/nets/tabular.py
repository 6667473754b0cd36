"""CTGAN networks for tables (Xu et al. 2019): a residual MLP generator and a packed MLP critic.

The generator ends in per-span activations matching the table encoding: tanh for the scalar
(alpha) parts and Gumbel-softmax for each one-hot span (mode indicators, categories, missing
flags). Conditioning is a vector concatenated to the input: ``y`` is either a float conditional
vector (N, num_classes) or class ids (N,) turned into one-hots, so the same nets also serve as
plain class-conditional vector models. Any ``shape`` works; outputs are flattened features.
"""
from __future__ import annotations

import math
from typing import Dict, List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import nn

from .base import DOutput, maybe_sn
from .registry import register_model

Tensor = torch.Tensor


def condition(x: Tensor, y: Optional[Tensor], width: int) -> Tensor:
    """Append the conditioning to x (N, F): a float vector (N, width), class ids (N,) as
    one-hots, or zeros when ``y`` is None (unconditioned previews)."""
    if not width:
        return x
    if y is None:
        y = x.new_zeros(x.shape[0], width)
    elif y.dim() == 1:
        y = F.one_hot(y.long(), width).to(x.dtype)
    return torch.cat([x, y.to(x.dtype)], dim=1)


_MASKS: Dict[Tuple[torch.device, torch.dtype], Tensor] = {}


def _byte_masks(device: torch.device, dtype: torch.dtype) -> Tensor:
    """(256, 8): row v holds 2 * bit b of v in column b, the dropout factors one random byte
    gives eight units (a lookup: unpacking the bits with broadcast ops costs twice as much)."""
    key = (device, dtype)
    if key not in _MASKS:
        bits = torch.arange(8)
        _MASKS[key] = (torch.arange(256)[:, None].bitwise_right_shift(bits).bitwise_and(1) * 2).to(device, dtype)
    return _MASKS[key]


class Dropout(nn.Dropout):
    """``nn.Dropout`` whose p = 0.5 mask comes from random bytes, eight Bernoulli(1/2) bits each.

    The same distribution as torch's mask (each unit kept with probability 1/2, kept ones
    doubled), drawn with 1/8 of the random numbers: on CPU torch's per-element ``bernoulli_``
    costs 4-6x more than this, and a table GAN's critic and target model drop out at every
    layer of every forward. Other p use torch's dropout. No state: checkpoints are unchanged."""

    def forward(self, x: Tensor) -> Tensor:
        if not self.training or self.p != 0.5:
            return super().forward(x)
        n = x.numel()
        draws = torch.randint(0, 256, ((n + 7) // 8,), dtype=torch.uint8, device=x.device)
        keep = _byte_masks(x.device, x.dtype).index_select(0, draws.long()).view(-1)[:n]  # 0 or 2
        return x * keep.view_as(x)


class Residual(nn.Module):
    """Linear -> BatchNorm -> ReLU, with the input concatenated to the output (CTGAN's block)."""

    def __init__(self, i: int, o: int):
        super().__init__()
        self.fc, self.bn = nn.Linear(i, o), nn.BatchNorm1d(o)

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat([F.relu(self.bn(self.fc(x))), x], dim=1)


@register_model("ctgan", role="generator")
class CTGANGenerator(nn.Module):
    """z (N, z_dim) [+ condition] -> rows (N, *shape), activated span by span.

    ``spans``: [(kind, width), ...] with kind "tanh" or "softmax", covering prod(shape)
    features; by default one tanh span. ``tau``: Gumbel-softmax temperature.
    """

    def __init__(self, z_dim: int = 128, shape: Sequence[int] = (2,), num_classes: int = 0, width: int = 256,
                 depth: int = 2, spans: Optional[Sequence[Tuple[str, int]]] = None, tau: float = 0.2):
        super().__init__()
        self.z_dim, self.num_classes, self.shape, self.tau = z_dim, num_classes, tuple(shape), tau
        out = math.prod(self.shape)
        self.spans = [(str(k), int(w)) for k, w in (spans or [("tanh", out)])]
        bad = [k for k, _ in self.spans if k not in ("tanh", "softmax")]
        if bad or sum(w for _, w in self.spans) != out:
            raise ValueError(f"spans must be (tanh|softmax, width) pairs covering {out} features, got {self.spans}")
        dim, blocks = z_dim + num_classes, []
        for _ in range(depth):
            blocks.append(Residual(dim, width))
            dim += width
        self.body = nn.Sequential(*blocks)
        self.head = nn.Linear(dim, out)
        self._layout(out)

    def _layout(self, out: int) -> None:
        # One-hot spans are softmaxed as a few padded blocks (N, widest, spans): a gather, one
        # softmax over axis 1 (torch's CPU softmax over a short last axis is 3x slower), and one
        # gather back to the table's column order for the whole row. Spans are grouped by width
        # so padding at most doubles a block; padding cells read an appended -inf column.
        tanh, spans, start = [], [], 0
        for kind, w in self.spans:
            cols = list(range(start, start + w))
            if kind == "tanh":
                tanh.extend(cols)
            else:
                spans.append(cols)
            start += w
        groups: List[List[List[int]]] = []
        for cols in sorted(spans, key=len):
            if not groups or len(cols) > 2 * len(groups[-1][0]):
                groups.append([])
            groups[-1].append(cols)
        where, blocks, at = [0] * out, [], len(tanh)
        for i, c in enumerate(tanh):
            where[c] = i
        for group in groups:
            widest = len(group[-1])
            blocks.append((len(group), widest))
            pad = [[out] * len(group) for _ in range(widest)]  # (widest, spans), -inf column by default
            for k, cols in enumerate(group):
                for j, c in enumerate(cols):
                    pad[j][k], where[c] = c, at + j * len(group) + k
            at += widest * len(group)
            pad = sum(pad, [])
            self.register_buffer(f"_pad{len(blocks) - 1}", torch.as_tensor(pad, dtype=torch.long), persistent=False)
        self.num_soft, self._blocks = len(spans), blocks
        self.register_buffer("_tanh", torch.as_tensor(tanh, dtype=torch.long), persistent=False)
        self.register_buffer("_where", torch.as_tensor(where, dtype=torch.long), persistent=False)

    def span_softmax(self, logits: Tensor) -> List[Tensor]:
        """Softmax within each one-hot span: logits (N, features) -> the padded blocks'
        probabilities, each (N, widest * spans), in the order ``_where`` expects."""
        n, ext = logits.shape[0], F.pad(logits, (0, 1), value=float("-inf"))
        return [torch.softmax(ext.index_select(1, getattr(self, f"_pad{i}")).view(n, widest, count), dim=1).view(n, -1)
                for i, (count, widest) in enumerate(self._blocks)]

    def raw(self, z: Tensor, y: Optional[Tensor] = None) -> Tensor:
        """Pre-activation outputs (N, features): softmax spans are logits (for cross-entropy)."""
        return self.head(self.body(condition(z, y, self.num_classes)))

    def activate(self, raw: Tensor) -> Tensor:
        """tanh on scalar spans; on one-hot spans Gumbel-softmax (soft, temperature tau) in
        training, plain softmax probabilities in eval mode. A decoder that draws each category
        from those probabilities gets the same distribution as the arg-max of a Gumbel sample,
        from its own seeded RNG, so sampling never touches the global (training) RNG."""
        logits = raw
        if self.num_soft and self.training:  # Gumbel(0, 1) noise, -log(-log U), then the temperature
            u = torch.rand_like(raw).clamp_(min=1e-20)
            logits = (raw - torch.log(-torch.log(u))) / self.tau
        # index_select, not x[:, idx]: the same columns at a fifth of the cost on CPU, backward too
        parts = [torch.tanh(raw.index_select(1, self._tanh))] + self.span_softmax(logits)
        return torch.cat(parts, dim=1).index_select(1, self._where)

    def forward(self, z: Tensor, y: Optional[Tensor] = None) -> Tensor:
        """z: (N, z_dim), y: condition or None -> (N, *shape)."""
        return self.activate(self.raw(z, y)).reshape(z.shape[0], *self.shape)


@register_model("ctgan", role="discriminator")
class CTGANDiscriminator(nn.Module):
    """Packed rows (N, features) [+ condition] -> DOutput(logits (N,), features (N, width)).

    Linear -> LeakyReLU(0.2) -> Dropout(0.5), ``depth`` times, then a linear head. PacGAN
    packing happens before this net (``shape`` already counts the packed features).
    """

    def __init__(self, shape: Sequence[int] = (2,), num_classes: int = 0, width: int = 256, depth: int = 2,
                 dropout: float = 0.5, spectral_norm: bool = False):
        super().__init__()
        self.num_classes = num_classes
        dim, layers = math.prod(tuple(shape)) + num_classes, []
        for _ in range(depth):
            layers += [maybe_sn(nn.Linear(dim, width), spectral_norm), nn.LeakyReLU(0.2), Dropout(dropout)]
            dim = width
        self.body = nn.Sequential(*layers)
        self.head = maybe_sn(nn.Linear(dim, 1), spectral_norm)

    def forward(self, x: Tensor, y: Optional[Tensor] = None) -> DOutput:
        h = self.body(condition(x.reshape(x.shape[0], -1), y, self.num_classes))
        return DOutput(logits=self.head(h).squeeze(1), features=h)
