"""Recurrent character generator for text GANs: a GRU that writes one symbol per step and
reads back what it wrote, the generator of Kusner & Hernandez-Lobato (2016, "GANs for
sequences of discrete elements with the Gumbel-softmax distribution"; an LSTM there, a GRU
here), trained against the same ``charcnn`` critic.

z (N, z_dim) -> h_0 = tanh(W z); step t: h_t = GRU([E s_{t-1}, z], h_{t-1}), logits_t = W_o h_t,
s_t = the relaxed symbol (Gumbel-softmax sample, straight-through when ``hard``, or softmax); s_0
is a start vector of zeros. Feeding the relaxed s_t back keeps the whole string differentiable,
and each symbol is written knowing the ones before it (the CNN writes all positions at once
from z). In eval mode s_t is one-hot and fed back as such: the arg-max (greedy decoding,
``decode: argmax``) or a draw from softmax(logits_t) (ancestral sampling, ``decode: sample``,
with one uniform per step from z as for ``charcnn``), so a seed gives one string.

:meth:`CharGRUGenerator.teacher_logits` runs the same cell on a real string's previous symbols
(teacher forcing), the log-likelihood that maximum-likelihood pre-training (``objective:
mle-gan``) maximizes.
"""
from __future__ import annotations

from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .charcnn import TextGenerator, first_end_mask
from .registry import register_model

Tensor = torch.Tensor


@register_model("chargru", role="generator")
class CharGRUGenerator(TextGenerator):
    """z (N, z_dim) [+ class] -> symbols (N, L, V): relaxed one-hots in training, one-hots in eval.

    Args:
        width: GRU hidden size.
        embed: size of the symbol embedding fed back at each step.
        relaxation, tau, hard, embed_dim, decode: as for ``charcnn`` (Gumbel-softmax or softmax,
            temperature, straight-through, class embedding size, greedy or sampled eval symbols).
    """

    def __init__(self, z_dim: int = 128, shape: Sequence[int] = (8, 27), num_classes: int = 0, width: int = 256,
                 embed: int = 32, relaxation: str = "gumbel", tau: float = 0.5, hard: bool = False,
                 embed_dim: int = 32, decode: str = "argmax"):
        super().__init__()
        code = self._setup(z_dim, shape, num_classes, width, relaxation, tau, hard, embed_dim, decode)
        self.init = nn.Linear(code, width)
        self.symbol = nn.Linear(self.vocab, embed, bias=False)  # an embedding that also takes relaxed symbols
        self.cell = nn.GRUCell(embed + code, width)
        self.output = nn.Linear(width, self.vocab)

    def forward(self, z: Tensor, y: Optional[Tensor] = None) -> Tensor:
        u = self.uniforms(z)
        code = self.code(z, y)
        h = torch.tanh(self.init(code))
        s = code.new_zeros(code.shape[0], self.vocab)
        out = []
        for t in range(self.length):
            h = self.cell(torch.cat([self.symbol(s), code], dim=1), h)
            s = self.relaxed(self.output(h), None if u is None else u[:, t])
            out.append(s)
        return torch.stack(out, dim=1)

    def teacher_logits(self, x: Tensor, z: Tensor, y: Optional[Tensor] = None) -> Tensor:
        """Logits (N, L, V) of each symbol of the one-hot strings x (N, L, V) given the ones
        before it (and z): the cell of :meth:`forward` fed the real previous symbols."""
        code = self.code(z, y)
        h = torch.tanh(self.init(code))
        previous = self.symbol(torch.cat([x.new_zeros(x.shape[0], 1, self.vocab), x[:, :-1]], dim=1))
        out = []
        for t in range(self.length):
            h = self.cell(torch.cat([previous[:, t], code], dim=1), h)
            out.append(self.output(h))
        return torch.stack(out, dim=1)

    def nll(self, x: Tensor, z: Tensor, y: Optional[Tensor] = None) -> Tensor:
        """Mean negative log-likelihood per symbol of the strings x (N, L, V), up to and
        including each one's first end symbol (the padding after it is not scored)."""
        logits = self.teacher_logits(x, z, y)
        mask = first_end_mask(x).float()
        per_symbol = F.cross_entropy(logits.transpose(1, 2).float(), x.argmax(-1), reduction="none")
        return (per_symbol * mask).sum() / mask.sum()
