"""Recurrent character generator for text GANs: a GRU that writes one symbol per step and
reads back what it wrote, the generator of Kusner & Hernandez-Lobato (2016, "GANs for
sequences of discrete elements with the Gumbel-softmax distribution"; an LSTM there, a GRU
here), trained against the same ``charcnn`` critic.

z (N, z_dim) -> h_0 = tanh(W z); step t: h_t = GRU([E s_{t-1}, z], h_{t-1}), logits_t = W_o h_t,
s_t = the relaxed symbol (Gumbel-softmax sample, straight-through when ``hard``, or softmax); s_0
is a start vector of zeros. Feeding the relaxed s_t back keeps the whole string differentiable,
and each symbol is written knowing the ones before it (the CNN writes all positions at once
from z). In eval mode s_t is the one-hot arg-max, fed back as such (greedy decoding), so a seed
gives one string, as for ``charcnn``.
"""
from __future__ import annotations

from typing import Optional, Sequence

import torch
from torch import nn

from .base import check_labels
from .charcnn import check_relaxation, relax
from .registry import register_model

Tensor = torch.Tensor


@register_model("chargru", role="generator")
class CharGRUGenerator(nn.Module):
    """z (N, z_dim) [+ class] -> symbols (N, L, V): relaxed one-hots in training, one-hots in eval.

    Args:
        width: GRU hidden size.
        embed: size of the symbol embedding fed back at each step.
        relaxation: gumbel (Gumbel-softmax samples) or softmax (probabilities).
        tau: Gumbel-softmax temperature.
        hard: straight-through Gumbel-softmax (one-hot forward, relaxed gradient).
        embed_dim: size of the class embedding joined to z for class-conditional models.
    """

    data_kind = "text"

    def __init__(self, z_dim: int = 128, shape: Sequence[int] = (8, 27), num_classes: int = 0, width: int = 256,
                 embed: int = 32, relaxation: str = "gumbel", tau: float = 0.5, hard: bool = False,
                 embed_dim: int = 32):
        super().__init__()
        check_relaxation(relaxation, tau)
        self.length, self.vocab = int(shape[0]), int(shape[1])
        self.z_dim, self.num_classes, self.shape, self.width = z_dim, num_classes, tuple(shape), width
        self.relaxation, self.tau, self.hard = relaxation, tau, hard
        self.class_embed = nn.Embedding(num_classes, embed_dim) if num_classes else None
        code = z_dim + (embed_dim if num_classes else 0)
        self.init = nn.Linear(code, width)
        self.symbol = nn.Linear(self.vocab, embed, bias=False)  # an embedding that also takes relaxed symbols
        self.cell = nn.GRUCell(embed + code, width)
        self.output = nn.Linear(width, self.vocab)

    def forward(self, z: Tensor, y: Optional[Tensor] = None) -> Tensor:
        check_labels(self.num_classes, y)
        if self.class_embed is not None:
            z = torch.cat([z, self.class_embed(y)], dim=1)
        h = torch.tanh(self.init(z))
        s = z.new_zeros(z.shape[0], self.vocab)
        out = []
        for _ in range(self.length):
            h = self.cell(torch.cat([self.symbol(s), z], dim=1), h)
            s = relax(self.output(h), self.training, self.relaxation, self.tau, self.hard)
            out.append(s)
        return torch.stack(out, dim=1)
