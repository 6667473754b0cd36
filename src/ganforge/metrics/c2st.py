"""Classifier two-sample test (C2ST): can a classifier tell generated items from real ones?

Lopez-Paz & Oquab, "Revisiting Classifier Two-Sample Tests", ICLR 2017: label the real items 0
and the generated ones 1 (equal counts), split the pooled set into a training half and a held-out
half, fit a binary classifier on the first and score the second. Under the null hypothesis
P_real = P_generated the held-out accuracy t obeys n_te * t ~ Binomial(n_te, 1/2), so the
one-sided p-value is P(Binomial(n_te, 1/2) >= n_te * t). Besides the accuracy the ROC AUC of the
held-out probabilities is reported: 0.5 means the classifier cannot tell the two apart, 1.0 that
it ranks every generated item above every real one.

The classifier is :class:`.detector.Detector`, trained from scratch on 8-bit pixels (the paper
scored GAN samples with classifiers on pretrained ResNet features; none can ship here), with
early stopping on a validation fifth of the training half.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Dict, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from ..errors import DataError
from .detector import Detector, quantize_images, stored_items
from .specs import MetricInputs, register_metric

Tensor = torch.Tensor


@dataclass
class C2STResult:
    """Held-out scores of one test; ``detector`` is the fitted classifier (eval mode, CPU)."""

    auc: float
    accuracy: float
    p_value: float
    n_train: int
    n_test: int
    detector: Detector

    def metrics(self) -> Dict[str, float]:
        return {"c2st_auc": self.auc, "c2st_accuracy": self.accuracy, "c2st_p_value": self.p_value}


def binomial_p_value(correct: int, n: int) -> float:
    """P(X >= correct) for X ~ Binomial(n, 1/2): the C2ST null distribution of held-out hits."""
    from scipy.stats import binom

    return float(binom.sf(correct - 1, n, 0.5))


def _as_input(x: Tensor) -> Tensor:
    # uint8 images (how the evaluator stores them) -> [-1, 1]; float images are rounded to 8 bits.
    return x.float().div(127.5).sub(1.0) if x.dtype == torch.uint8 else quantize_images(x)


def _stratified_split(n_real: int, n_fake: int, test_fraction: float, g: torch.Generator) -> Tuple[Tensor, Tensor]:
    """Indices into [real; fake] for the training and the held-out part, each class split alike."""
    train, test = [], []
    for offset, n in ((0, n_real), (n_real, n_fake)):
        perm = torch.randperm(n, generator=g) + offset
        k = int(round(n * test_fraction))
        test.append(perm[:k])
        train.append(perm[k:])
    return torch.cat(train), torch.cat(test)


def _logits(detector: Detector, x: Tensor, index: Tensor, batch_size: int, device) -> Tensor:
    with torch.no_grad():
        return torch.cat([detector(_as_input(x[index[i:i + batch_size]]).to(device)).float().cpu()
                          for i in range(0, len(index), batch_size)])


@torch.no_grad()
def _recalibrate(detector: Detector, x: Tensor, index: Tensor, batch_size: int, device) -> None:
    """Batch-norm statistics of the final weights, averaged over every training item."""
    detector.train()
    detector.reset_statistics()
    for i in range(0, len(index), batch_size):
        rows = index[i:i + batch_size]
        if len(rows) > 1:
            detector(_as_input(x[rows]).to(device))
    detector.eval()


def best_threshold(logits: Tensor, labels: Tensor) -> float:
    """The logit threshold with the highest accuracy on (logits, labels in {0, 1}); among equals,
    the one closest to 0. Early-stopped nets rank well before their logits are centred, so the
    threshold is taken from validation data rather than fixed at 0."""
    values, order = torch.sort(logits)
    y = labels[order]
    # Threshold below item i: items 0..i-1 called real, i.. called generated.
    real_left = torch.cat([torch.zeros(1), torch.cumsum(1 - y, 0)])
    fake_right = torch.cat([torch.cumsum(y.flip(0), 0).flip(0), torch.zeros(1)])
    hits = real_left + fake_right
    cuts = torch.cat([values[:1] - 1, (values[1:] + values[:-1]) / 2, values[-1:] + 1])
    best = hits == hits.max()
    return float(cuts[best][cuts[best].abs().argmin()])


def fit_detector(x: Tensor, y: Tensor, index: Tensor, width: int = 32, epochs: int = 10, batch_size: int = 64,
                 lr: float = 1e-3, patience: int = 3, seed: int = 0, device=None) -> Detector:
    """Train a :class:`Detector` on rows ``index`` of x (N, ...) with labels y (N,) in {0, 1}:
    Adam on binary cross-entropy, at most ``epochs`` passes, keeping the weights with the lowest
    loss on a validation fifth of ``index`` (stopping after ``patience`` epochs without a better one),
    whose decision threshold is then set on the same fifth (:func:`best_threshold`).
    The global RNG is left untouched; the same seed gives the same detector."""
    device = torch.device(device or "cpu")
    g = torch.Generator().manual_seed(seed)
    index = index[torch.randperm(len(index), generator=g)]
    n_val = max(1, len(index) // 5)
    val, fit = index[:n_val], index[n_val:]
    if len(fit) < 2:
        raise DataError(f"the classifier two-sample test needs more items to train on (got {len(index)}); "
                        "pass more samples")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        detector = Detector(tuple(x.shape[1:]), width)
    detector = detector.to(device)
    opt = torch.optim.Adam(detector.parameters(), lr=lr)
    target = y.float()
    best, best_state, stale = float("inf"), None, 0
    for _ in range(epochs):
        detector.train()
        detector.reset_statistics()  # eval-mode statistics: this epoch's average, not a lagging blend
        order = fit[torch.randperm(len(fit), generator=g)]
        for i in range(0, len(order), batch_size):
            rows = order[i:i + batch_size]
            if len(rows) < 2:  # batch norm needs two items
                continue
            loss = F.binary_cross_entropy_with_logits(detector(_as_input(x[rows]).to(device)), target[rows].to(device))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        detector.eval()
        val_loss = float(F.binary_cross_entropy_with_logits(_logits(detector, x, val, 256, device), target[val]))
        if val_loss < best:
            best, stale = val_loss, 0
            best_state = {k: v.detach().clone() for k, v in detector.state_dict().items()}
        else:
            stale += 1
            if stale >= patience:
                break
    detector.load_state_dict(best_state)
    _recalibrate(detector, x, fit, 256, device)
    detector.offset.fill_(best_threshold(_logits(detector, x, val, 256, device), target[val]))
    return detector.cpu().eval()


def classifier_two_sample_test(real: Tensor, fake: Tensor, width: int = 32, epochs: int = 10, batch_size: int = 64,
                               lr: float = 1e-3, test_fraction: float = 0.5, seed: int = 0,
                               device=None) -> C2STResult:
    """real (N_r, ...) and fake (N_f, ...): images in [-1, 1] (float, rounded to 8 bits here) or
    uint8, or vectors. The larger set is subsampled to the smaller one's size so chance is 50%;
    ``test_fraction`` of each is held out. Returns held-out AUC, accuracy and binomial p-value."""
    from sklearn.metrics import roc_auc_score

    if real.shape[1:] != fake.shape[1:]:
        raise DataError(f"real items have shape {tuple(real.shape[1:])} but generated ones {tuple(fake.shape[1:])}; "
                        "compare items of one shape")
    m = min(len(real), len(fake))
    if m < 10:
        raise DataError(f"the classifier two-sample test needs at least 10 real and 10 generated items, got "
                        f"{len(real)} and {len(fake)}")
    g = torch.Generator().manual_seed(seed)
    real = real[torch.randperm(len(real), generator=g)[:m]]
    fake = fake[torch.randperm(len(fake), generator=g)[:m]]
    x = torch.cat([real, fake])
    y = torch.cat([torch.zeros(m), torch.ones(m)])
    train, test = _stratified_split(m, m, test_fraction, g)
    detector = fit_detector(x, y, train, width, epochs, batch_size, lr, seed=seed, device=device)
    logits = _logits(detector, x, test, 256, "cpu")
    truth = y[test].numpy()
    correct = int(((logits > 0).float().numpy() == truth).sum())
    auc = float(roc_auc_score(truth, logits.numpy()))
    return C2STResult(auc=auc, accuracy=correct / len(test), p_value=binomial_p_value(correct, len(test)),
                      n_train=len(train), n_test=len(test), detector=detector)


def _collector(options: Dict, device) -> Callable[[Tensor], np.ndarray]:
    return lambda x: stored_items(x).numpy()


@register_metric("c2st", ["c2st_auc", "c2st_accuracy", "c2st_p_value"],
                 "classifier two-sample test: held-out AUC/accuracy of a real-vs-generated classifier", _collector,
                 {"c2st_auc": "min", "c2st_accuracy": "min", "c2st_p_value": "max"}, needs=["real_samples"])
def c2st_metric(inputs: MetricInputs, opt: Dict) -> Dict[str, float]:
    """The evaluator's ``c2st``: generated items kept by the collector against the real ones."""
    result = classifier_two_sample_test(torch.as_tensor(inputs.real_samples), torch.as_tensor(inputs.collected["c2st"]),
                                        epochs=opt["c2st_epochs"], seed=opt["seed"])
    return result.metrics()
