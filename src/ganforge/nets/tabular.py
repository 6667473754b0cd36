"""CTGAN networks for tables (Xu et al. 2019): a residual MLP generator and a packed MLP critic.

The generator ends in per-span activations matching the table encoding: tanh for the scalar
(alpha) parts and Gumbel-softmax for each one-hot span (mode indicators, categories, missing
flags). Conditioning is a vector concatenated to the input: ``y`` is either a float conditional
vector (N, num_classes) or class ids (N,) turned into one-hots, so the same nets also serve as
plain class-conditional vector models. Any ``shape`` works; outputs are flattened features.
"""
from __future__ import annotations

import math
from typing import Optional, Sequence, Tuple

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
        # All one-hot spans are softmaxed together: each softmax column knows its span id, the
        # per-span max and sum are a scatter/index_add over those ids. A handful of ops instead
        # of one softmax per span keeps wide tables fast (3-4x less time than a loop per span).
        tanh, soft, ids, start = [], [], [], 0
        for kind, w in self.spans:
            cols = list(range(start, start + w))
            if kind == "tanh":
                tanh += cols
            else:
                soft += cols
                ids += [len(set(ids))] * w
            start += w
        order = torch.as_tensor(tanh + soft, dtype=torch.long)
        self.num_soft = len(set(ids))
        self.register_buffer("_tanh", torch.as_tensor(tanh, dtype=torch.long), persistent=False)
        self.register_buffer("_soft", torch.as_tensor(soft, dtype=torch.long), persistent=False)
        self.register_buffer("_span_id", torch.as_tensor(ids, dtype=torch.long), persistent=False)
        self.register_buffer("_unorder", torch.argsort(order), persistent=False)

    def span_softmax(self, logits: Tensor) -> Tensor:
        """Softmax within each one-hot span: logits (N, softmax columns) -> probabilities."""
        n, ids = logits.shape[0], self._span_id
        with torch.no_grad():  # softmax is shift-invariant: the per-span max only guards exp()
            top = logits.new_full((n, self.num_soft), float("-inf"))
            top.scatter_reduce_(1, ids.expand(n, -1), logits, "amax")
        e = (logits - top[:, ids]).exp()
        return e / e.new_zeros(n, self.num_soft).index_add_(1, ids, e)[:, ids]

    def raw(self, z: Tensor, y: Optional[Tensor] = None) -> Tensor:
        """Pre-activation outputs (N, features): softmax spans are logits (for cross-entropy)."""
        return self.head(self.body(condition(z, y, self.num_classes)))

    def activate(self, raw: Tensor) -> Tensor:
        """tanh on scalar spans; on one-hot spans Gumbel-softmax (soft, temperature tau) in
        training, plain softmax probabilities in eval mode. A decoder that draws each category
        from those probabilities gets the same distribution as the arg-max of a Gumbel sample,
        from its own seeded RNG, so sampling never touches the global (training) RNG."""
        parts = [torch.tanh(raw[:, self._tanh])]
        if self.num_soft:
            logits = raw[:, self._soft]
            if self.training:  # Gumbel(0, 1) noise, -log(-log U), then the temperature
                u = torch.rand_like(logits).clamp_(min=1e-20)
                logits = (logits - torch.log(-torch.log(u))) / self.tau
            parts.append(self.span_softmax(logits))
        return torch.cat(parts, dim=1)[:, self._unorder]

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
            layers += [maybe_sn(nn.Linear(dim, width), spectral_norm), nn.LeakyReLU(0.2), nn.Dropout(dropout)]
            dim = width
        self.body = nn.Sequential(*layers)
        self.head = maybe_sn(nn.Linear(dim, 1), spectral_norm)

    def forward(self, x: Tensor, y: Optional[Tensor] = None) -> DOutput:
        h = self.body(condition(x.reshape(x.shape[0], -1), y, self.num_classes))
        return DOutput(logits=self.head(h).squeeze(1), features=h)
