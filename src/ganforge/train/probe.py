"""Measurements for the health monitor, taken from fixed sets so that successive checks compare like
with like: D's outputs on training reals, held-out reals and fakes, and how well a fixed batch of
fakes covers the real data in feature space next to a real batch of the same size.

Probing never changes training: RNG streams are forked and every buffer (batch-norm statistics,
spectral-norm power iterates) is restored after the forward passes.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Dict, Iterator, Optional

import torch
import torch.nn.functional as F
from torch import nn

from ..metrics.run_evaluator import auto_extractor
from ..metrics import create_extractor
from ..metrics.knn import knn_radii, precision_recall
from .health_stats import ada_overfit, diversity_ratio, generator_signal

Tensor = torch.Tensor
FEATURE_REFERENCE = 1000  # real items whose k-NN balls the fakes must reach
PROBE_BATCH = 256  # fixed fakes / real batch per check
PR_K = 3  # k of the k-NN balls for precision / recall (Kynkaanniemi et al.'s default)


@contextmanager
def untouched(module: nn.Module) -> Iterator[None]:
    """Run forward passes on ``module`` without moving its buffers or any RNG."""
    saved = [(b, b.detach().clone()) for b in module.buffers()]
    with torch.random.fork_rng(devices=[]), torch.no_grad():
        try:
            yield
        finally:
            for buf, value in saved:
                buf.copy_(value)


def feature_fn(dataset, extractor: str) -> Callable[[Tensor], Tensor]:
    """Features for coverage: the shipped MNIST classifier on digits, raw values for vectors,
    otherwise pixels average-pooled to 8 x 8 (Inception on every check would dominate a CPU run)."""
    name = auto_extractor(dataset) if extractor == "auto" else extractor
    if dataset.kind != "image" or name == "raw":
        return lambda x: x.detach().reshape(len(x), -1).float().cpu()
    if name == "mnist":
        net = create_extractor("mnist")
        return net.features
    return lambda x: F.adaptive_avg_pool2d(x.detach().float(), 8).flatten(1).cpu()


class HealthProbe:
    """Measures one check's statistics from fixed latents and fixed real sets.

    objective: the run's objective (``d_scores`` None turns the D checks off); dataset: all real
    data; train_index / holdout_index: rows used for training and kept out of it (holdout may be
    empty); z, labels: fixed latents (N x z_dim) and class ids for the fakes; extractor: the run's
    extractor name; batch_size: chunk size for D, as in training (batch statistics matter).
    """

    def __init__(self, objective, dataset, train_index: Tensor, holdout_index: Tensor, z: Tensor,
                 labels: Optional[Tensor], extractor: str, batch_size: int, loss, seed: int = 0):
        self.objective, self.dataset, self.batch_size, self.loss = objective, dataset, batch_size, loss
        self.device = z.device
        g = torch.Generator().manual_seed(seed + 4_242)
        order = train_index[torch.randperm(len(train_index), generator=g)]
        n = min(PROBE_BATCH, len(z), max(2, len(order) // 3))
        self.z, self.labels = z[:n], (labels[:n] if labels is not None else None)
        self.train_rows, rest = order[:n], order[n:]
        self.reference_rows = rest[:FEATURE_REFERENCE]
        self.holdout_rows = holdout_index[:n]
        self.features = feature_fn(dataset, extractor)
        self.reference = self.features(self._real(self.reference_rows)[0].to(self.device))
        self.real_feats = self.features(self._real(self.train_rows)[0].to(self.device))
        # The real batch's scores are the fixed yardstick of every check: computed once.
        self.reference_radii = knn_radii(self.reference, PR_K) if len(self.reference) > PR_K else None
        self.real_q = self._quality(self.real_feats) if self.reference_radii is not None else None
        self.d_checks = len(self.holdout_rows) > 0 and self._scores(self._real(self.train_rows[:2])) is not None

    def _real(self, rows: Tensor):
        x, y = self.dataset.get(rows)
        return x, (y if y is not None and y.dtype == torch.long else None)

    def _scores(self, batch) -> Optional[Tensor]:
        x, y = batch
        with untouched(self.objective):
            out = []
            for i in range(0, len(x), self.batch_size):
                part = self.objective.d_scores(x[i:i + self.batch_size].to(self.device),
                                               None if y is None else y[i:i + self.batch_size].to(self.device))
                if part is None:
                    return None
                out.append(part.cpu())
        return torch.cat(out)

    def _fakes(self, net: nn.Module, train_mode: bool) -> Tensor:
        with untouched(net):
            was = net.training
            net.train(train_mode)
            try:
                return torch.cat([net(self.z[i:i + self.batch_size],
                                      None if self.labels is None else self.labels[i:i + self.batch_size])
                                  for i in range(0, len(self.z), self.batch_size)])
            finally:
                net.train(was)

    def _quality(self, feats: Tensor) -> Dict[str, float]:
        return precision_recall(self.reference, feats, k=PR_K, real_radii=self.reference_radii)

    def measure(self, d_trained: bool = True) -> Dict[str, float]:
        """One check's statistics: ``d_train``, ``d_holdout``, ``d_gen`` (mean D outputs),
        ``overfit`` (r_v) and ``g_signal`` when D judges lone samples, data is held out and D has
        taken a step (``d_trained``: a critic still at its initialisation, as through likelihood
        pre-training, scores noise, and r_v is a ratio of two noise terms); ``recall``,
        ``precision`` and ``diversity`` of the fixed fakes in feature space, each over the same
        statistic for the fixed real batch."""
        stats: Dict[str, float] = {}
        gen = self.objective.generator
        if self.d_checks and d_trained:
            fake = self._fakes(gen, train_mode=True)  # what D is trained against
            d_train = self._scores(self._real(self.train_rows))
            d_hold = self._scores(self._real(self.holdout_rows))
            d_gen = self._scores((fake, self.labels))
            real = d_train if self.loss.g_needs_real else None
            stats.update(d_train=float(d_train.mean()), d_holdout=float(d_hold.mean()), d_gen=float(d_gen.mean()),
                         overfit=ada_overfit(d_train, d_hold, d_gen),
                         g_signal=generator_signal(self.loss.g_loss, d_gen, real))
        feats = self.features(self._fakes(gen, train_mode=False))
        if not bool(torch.isfinite(feats).all()):  # a diverged G: the divergence check speaks
            return stats
        if self.real_q is None:  # too few reference rows for k-NN balls
            return stats
        fake_q, real_q = self._quality(feats), self.real_q
        stats["recall"] = fake_q["recall"] / max(real_q["recall"], 1e-12)
        stats["precision"] = fake_q["precision"] / max(real_q["precision"], 1e-12)
        stats["diversity"] = diversity_ratio(feats, self.real_feats)
        return stats
