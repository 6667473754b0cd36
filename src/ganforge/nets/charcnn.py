"""Character-level text GAN nets: the residual 1-D CNN generator and critic of Gulrajani et al.
(2017, "Improved Training of Wasserstein GANs", language model), with the generator's output
relaxed by Gumbel-softmax (Jang et al. 2017; Kusner & Hernandez-Lobato 2016) by default.

G: z -> linear -> (width, L) -> residual blocks (ReLU, conv k5, ReLU, conv k5, scaled by 0.3)
-> 1 x 1 conv to V symbol logits per position. D: 1 x 1 conv from the V symbols to width ->
the same residual blocks -> linear on the flattened (width x L) map -> one logit.
Reference: github.com/igul222/improved_wgan_training, gan_language.py (ResBlock, Generator,
Discriminator).

Discrete outputs have no gradient, so the training-time output is a relaxation:

* ``relaxation: gumbel`` (default): softmax((logits + Gumbel noise) / tau), a differentiable
  sample that approaches a one-hot draw from softmax(logits) as tau -> 0; with ``hard: true``
  the forward pass is the one-hot draw itself and the gradient is the relaxed one
  (straight-through), so the critic only ever sees one-hot fakes, as it sees one-hot data.
* ``relaxation: softmax``: the plain softmax probabilities, as in Gulrajani et al.

In eval mode (sampling, metrics) the output is one-hot: with ``decode: argmax`` (default) the
arg-max at each position; with ``decode: sample`` a draw from softmax(logits) at each position,
the distribution the Gumbel-softmax relaxes, by the inverse CDF of one uniform per position taken
from the last L coordinates of z (u = Phi(z), so the draw is exact and the same z always gives
the same string); the net then reads only the first z_dim - L coordinates.
"""
from __future__ import annotations

from typing import Optional, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from ..errors import ConfigError
from .base import DOutput, Projection, check_labels, maybe_sn
from .registry import register_model

Tensor = torch.Tensor
RESIDUAL_SCALE = 0.3  # gan_language.py: inputs + 0.3 * output


DECODERS = ("argmax", "sample")


def check_relaxation(relaxation: str, tau: float) -> None:
    if relaxation not in ("gumbel", "softmax"):
        raise ConfigError(f"generator.relaxation must be gumbel or softmax, got '{relaxation}'")
    if not tau > 0:
        raise ConfigError(f"generator.tau must be > 0, got {tau}")


def relax(logits: Tensor, training: bool, relaxation: str, tau: float, hard: bool) -> Tensor:
    """Symbol logits (..., V) -> the generator's output: in training a Gumbel-softmax sample
    (straight-through when ``hard``) or the softmax; in eval the one-hot arg-max."""
    if not training:
        return F.one_hot(logits.argmax(-1), logits.shape[-1]).to(logits.dtype)
    if relaxation == "softmax":
        return F.softmax(logits, dim=-1)
    return F.gumbel_softmax(logits, tau=tau, hard=hard, dim=-1)


def categorical(logits: Tensor, u: Tensor) -> Tensor:
    """One-hot draws from softmax(logits) (..., V) by the inverse CDF at uniforms ``u`` (...)."""
    cdf = F.softmax(logits.float(), dim=-1).cumsum(-1)
    ids = torch.searchsorted(cdf.contiguous(), u.float().unsqueeze(-1).contiguous(), right=True)
    return F.one_hot(ids.squeeze(-1).clamp_max(logits.shape[-1] - 1), logits.shape[-1]).to(logits.dtype)


def first_end_mask(x: Tensor) -> Tensor:
    """(N, L) True up to and including the first end symbol (id 0) of one-hot strings x (N, L, V)."""
    is_end = x.argmax(-1) == 0
    return (is_end.long().cumsum(1) - is_end.long()) == 0


class ResBlock(nn.Module):
    def __init__(self, width: int, spectral_norm: bool = False):
        super().__init__()
        self.conv1 = maybe_sn(nn.Conv1d(width, width, 5, padding=2), spectral_norm)
        self.conv2 = maybe_sn(nn.Conv1d(width, width, 5, padding=2), spectral_norm)

    def forward(self, x: Tensor) -> Tensor:
        return x + RESIDUAL_SCALE * self.conv2(F.relu(self.conv1(F.relu(x))))


class TextGenerator(nn.Module):
    """What the character generators share: shape, relaxation options and the class embedding."""

    data_kind = "text"

    def _setup(self, z_dim: int, shape: Sequence[int], num_classes: int, width: int, relaxation: str, tau: float,
               hard: bool, embed_dim: int, decode: str = "argmax") -> int:
        """Check and keep the options; returns the size of the code z [+ class embedding]."""
        check_relaxation(relaxation, tau)
        self.length, self.vocab = int(shape[0]), int(shape[1])
        if decode not in DECODERS:
            raise ConfigError(f"generator.decode must be one of {', '.join(DECODERS)}, got '{decode}'")
        if decode == "sample" and z_dim <= self.length:
            raise ConfigError(f"generator.decode=sample draws each of the {self.length} symbols from its own "
                              f"coordinate of z; use z_dim > {self.length} (got {z_dim})")
        self.z_dim, self.num_classes, self.shape, self.width = z_dim, num_classes, tuple(shape), width
        self.relaxation, self.tau, self.hard, self.decode = relaxation, tau, hard, decode
        self.code_dim = z_dim - (self.length if decode == "sample" else 0)
        self.embed = nn.Embedding(num_classes, embed_dim) if num_classes else None
        return self.code_dim + (embed_dim if num_classes else 0)

    def code(self, z: Tensor, y: Optional[Tensor]) -> Tensor:
        """The coordinates of z (N, z_dim) the net reads, joined with the class embedding of y."""
        check_labels(self.num_classes, y)
        z = z[:, :self.code_dim]
        return z if self.embed is None else torch.cat([z, self.embed(y)], dim=1)

    def uniforms(self, z: Tensor) -> Optional[Tensor]:
        """(N, L) uniforms Phi(z) from the coordinates ``decode: sample`` keeps for the draws
        (None for arg-max decoding)."""
        if self.decode != "sample":
            return None
        return torch.special.ndtr(z[:, self.code_dim:self.code_dim + self.length].float())

    def relaxed(self, logits: Tensor, u: Optional[Tensor] = None) -> Tensor:
        """Training: the relaxation; eval: one-hot symbols (arg-max, or drawn at uniforms ``u``)."""
        if not self.training and self.decode == "sample":
            return categorical(logits, u)
        return relax(logits, self.training, self.relaxation, self.tau, self.hard)


@register_model("charcnn", role="generator")
class CharCNNGenerator(TextGenerator):
    """z (N, z_dim) [+ class] -> symbols (N, L, V): relaxed one-hots in training, one-hots in eval.

    Args:
        width: channels of the residual blocks (DIM, 512 in the reference).
        blocks: residual blocks (5 in the reference).
        relaxation: gumbel (Gumbel-softmax samples) or softmax (probabilities, the reference).
        tau: Gumbel-softmax temperature.
        hard: straight-through Gumbel-softmax (one-hot forward, relaxed gradient).
        embed_dim: size of the class embedding joined to z for class-conditional models.
        decode: eval-mode symbols: argmax (the most likely at each position) or sample (drawn
            from softmax(logits) with uniforms from the last L coordinates of z).
    """

    def __init__(self, z_dim: int = 128, shape: Sequence[int] = (8, 27), num_classes: int = 0, width: int = 128,
                 blocks: int = 5, relaxation: str = "gumbel", tau: float = 0.5, hard: bool = False,
                 embed_dim: int = 32, decode: str = "argmax"):
        super().__init__()
        code = self._setup(z_dim, shape, num_classes, width, relaxation, tau, hard, embed_dim, decode)
        self.input = nn.Linear(code, self.length * width)
        self.blocks = nn.Sequential(*[ResBlock(width) for _ in range(blocks)])
        self.output = nn.Conv1d(width, self.vocab, 1)

    def logits(self, z: Tensor, y: Optional[Tensor] = None) -> Tensor:
        """Symbol logits (N, L, V)."""
        z = self.code(z, y)
        h = self.input(z).reshape(z.shape[0], self.width, self.length)
        return self.output(self.blocks(h)).transpose(1, 2)

    def forward(self, z: Tensor, y: Optional[Tensor] = None) -> Tensor:
        return self.relaxed(self.logits(z, y), self.uniforms(z))


@register_model("charcnn", role="discriminator")
class CharCNNDiscriminator(nn.Module):
    """x (N, L, V) one-hot or relaxed symbols -> DOutput(logits (N,), features (N, width x L)).

    Args:
        width: channels of the residual blocks (DIM, 512 in the reference).
        blocks: residual blocks (5 in the reference).
        spectral_norm: spectral normalization of every layer (the reference uses WGAN-GP).
    """

    data_kind = "text"

    def __init__(self, shape: Sequence[int] = (8, 27), num_classes: int = 0, width: int = 128, blocks: int = 5,
                 spectral_norm: bool = False):
        super().__init__()
        length, vocab = int(shape[0]), int(shape[1])
        self.num_classes = num_classes
        self.input = maybe_sn(nn.Conv1d(vocab, width, 1), spectral_norm)
        self.blocks = nn.Sequential(*[ResBlock(width, spectral_norm) for _ in range(blocks)])
        self.head = maybe_sn(nn.Linear(length * width, 1), spectral_norm)
        self.projection = Projection(num_classes, length * width, spectral_norm) if num_classes else None

    def forward(self, x: Tensor, y: Optional[Tensor] = None) -> DOutput:
        check_labels(self.num_classes, y)
        h = self.blocks(self.input(x.transpose(1, 2))).flatten(1)
        logits = self.head(h).squeeze(1)
        if self.projection is not None:
            logits = logits + self.projection(h, y)
        return DOutput(logits=logits, features=h)
