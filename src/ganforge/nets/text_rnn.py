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

from .charcnn import TextGenerator
from .registry import register_model

Tensor = torch.Tensor


@register_model("chargru", role="generator")
class CharGRUGenerator(TextGenerator):
    """z (N, z_dim) [+ class] -> symbols (N, L, V): relaxed one-hots in training, one-hots in eval.

    Args:
        width: GRU hidden size.
        embed: size of the symbol embedding fed back at each step.
        relaxation, tau, hard, embed_dim: as for ``charcnn`` (Gumbel-softmax or softmax,
            temperature, straight-through, class embedding size).
    """

    def __init__(self, z_dim: int = 128, shape: Sequence[int] = (8, 27), num_classes: int = 0, width: int = 256,
                 embed: int = 32, relaxation: str = "gumbel", tau: float = 0.5, hard: bool = False,
                 embed_dim: int = 32):
        super().__init__()
        code = self._setup(z_dim, shape, num_classes, width, relaxation, tau, hard, embed_dim)
        self.init = nn.Linear(code, width)
        self.symbol = nn.Linear(self.vocab, embed, bias=False)  # an embedding that also takes relaxed symbols
        self.cell = nn.GRUCell(embed + code, width)
        self.output = nn.Linear(width, self.vocab)

    def forward(self, z: Tensor, y: Optional[Tensor] = None) -> Tensor:
        z = self.code(z, y)
        h = torch.tanh(self.init(z))
        s = z.new_zeros(z.shape[0], self.vocab)
        out = []
        for _ in range(self.length):
            h = self.cell(torch.cat([self.symbol(s), z], dim=1), h)
            s = self.relaxed(self.output(h))
            out.append(s)
        return torch.stack(out, dim=1)
