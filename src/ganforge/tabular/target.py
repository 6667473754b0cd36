"""The auxiliary target model of CTAB-GAN (Zhao et al. 2021) for a declared target column.

An MLP (Linear -> LeakyReLU(0.2) -> Dropout(0.5) per layer, as CTAB-GAN's ``Classifier``) reads
an encoded row without the target's columns and predicts the target: class logits for a
discrete target (cross-entropy), a standardised value for a numeric one (smooth L1). It is
trained on real rows; the generator is charged the same loss on its own rows, against the
target its rows carry, so the other columns must explain the target the way real rows do.
CTAB-GAN takes that target as the arg-max of the generated one-hot (no gradient through it);
with ``soft=True`` the loss is the cross-entropy against the generated probabilities themselves
(the same value on one-hot real rows), so the generator may also move the target to fit the
other columns.
Reference: Team-TUD/CTAB-GAN, model/synthesizer/ctabgan_synthesizer.py (``Classifier`` and the
``problem_type`` block of ``fit``).
"""
from __future__ import annotations

from typing import Tuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..nets.tabular import Dropout
from .transformer import Block, TableTransformer

Tensor = torch.Tensor


class TargetModel(nn.Module):
    """Predicts ``transformer.target`` from the other encoded columns; ``width`` x ``depth`` MLP."""

    def __init__(self, transformer: TableTransformer, width: int = 128, depth: int = 2, soft: bool = False):
        super().__init__()
        self.soft = soft
        block = transformer.block(transformer.target)
        self.discrete = block.categories is not None
        self.start, self.stop = block.start, block.start + block.width
        keep = [i for i in range(transformer.width) if not self.start <= i < self.stop]
        self.register_buffer("_keep", torch.as_tensor(keep, dtype=torch.long), persistent=False)
        if not self.discrete:
            table, mean, std = _numeric_layout(block)
            self.register_buffer("_modes", torch.as_tensor(table, dtype=torch.float32), persistent=False)
            self.mean, self.std = mean, std
            self.missing = block.spec.has_missing
        layers, dim = [], len(keep)
        for _ in range(depth):
            layers += [nn.Linear(dim, width), nn.LeakyReLU(0.2), Dropout(0.5)]
            dim = width
        layers.append(nn.Linear(dim, len(block.categories) if self.discrete else 1))
        self.net = nn.Sequential(*layers)

    def labels(self, rows: Tensor) -> Tuple[Tensor, Tensor]:
        """What rows (N x width, one-hots or probabilities) say the target is: class ids (N,)
        or standardised values (N,), and a mask of rows that have one (numeric targets can be
        missing). Hard labels (CTAB-GAN) carry no gradient; soft ones are the class probabilities
        (N, K) or the value decoded from the mode probabilities, with their gradient."""
        span = rows[:, self.start:self.stop]
        span = span if self.soft else span.detach()
        if self.discrete:
            return (span if self.soft else span.argmax(1)), torch.ones(len(rows), dtype=torch.bool, device=rows.device)
        k = self._modes.shape[0]
        alpha, modes = span[:, 0], span[:, 1:1 + k]
        value = (modes * (self._modes[:, 0] + alpha[:, None] * self._modes[:, 1])).sum(1) / modes.sum(1)
        present = span[:, 1 + k] >= span[:, 2 + k] if self.missing else torch.ones_like(value, dtype=torch.bool)
        return (value - self.mean) / self.std, present

    def loss(self, rows: Tensor) -> Tensor:
        """Mean loss of predicting each row's own target from its other columns (rows: N x width)."""
        target, present = self.labels(rows)
        # The first layer reads whole rows with zero weights on the target's own columns: the
        # same function as a layer on the other columns, without gathering them every step.
        first = self.net[0]
        full = first.weight.new_zeros(first.out_features, rows.shape[1]).index_copy(1, self._keep, first.weight)
        pred = F.linear(rows, full, first.bias)
        for layer in list(self.net)[1:]:
            pred = layer(pred)
        if self.discrete:  # soft labels: -sum_k p_k log q_k, which is F.cross_entropy with probabilities
            return F.cross_entropy(pred, target)
        # the mean over rows that have a target, as a masked sum: no boolean gather, no host sync
        # (a row without one, whose decoded value is 0/0, adds exactly zero)
        per_row = F.smooth_l1_loss(pred[:, 0], torch.where(present, target, 0.0), reduction="none")
        return torch.where(present, per_row, 0.0).sum() / present.sum().clamp(min=1)


def _numeric_layout(block: Block) -> Tuple[np.ndarray, float, float]:
    """Per mode slot (value at alpha 0, change per unit alpha) and the mixture's mean and std,
    in the normalizer's units (log space for log-transformed columns)."""
    norm = block.normalizer
    table = norm.mode_values()
    w = np.asarray(norm.weights)
    mu, sd = np.asarray(norm.means), np.asarray(norm.stds)
    mean = float((w * mu).sum())
    std = float(np.sqrt(max((w * (sd ** 2 + mu ** 2)).sum() - mean ** 2, 1e-12)))
    return table, mean, std
