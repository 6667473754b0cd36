"""Stacked MNIST (Metz et al. 2017; VEEGAN/PacGAN protocol): three digits stacked as RGB channels,
1,000 modes. A generator's samples are classified channel by channel with the shipped MNIST
classifier; the usual report is the number of modes reached and KL(q || uniform) over 26,000 samples.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

import numpy as np
import torch

from ..data.stacked_mnist import NUM_MODES, make_stacked_mnist  # noqa: F401  (re-exported)
from ..errors import DataError
from .extractors import create_extractor
from .mixtures import kl_to_uniform

DEFAULT_SAMPLES = 26_000


@torch.no_grad()
def classify_stacked(x: torch.Tensor, classifier: Any, batch_size: int = 1000) -> torch.Tensor:
    """Predicted mode (long N) of images N x 3 x H x W in [-1, 1]: 100 * c0 + 10 * c1 + c2, where c_k is
    the classifier's argmax on channel k. ``classifier`` needs ``probs(x) -> N x 10`` (the 'mnist'
    extractor)."""
    x = torch.as_tensor(x)
    if x.dim() != 4 or x.shape[1] != 3:
        raise DataError(f"stacked MNIST samples must be N x 3 x H x W, got shape {tuple(x.shape)}; "
                        "the generator must output 3 channels")
    out = []
    for i in range(0, len(x), batch_size):
        part = x[i:i + batch_size]
        digits = [classifier.probs(part[:, c:c + 1]).argmax(dim=1) for c in range(3)]
        out.append(digits[0] * 100 + digits[1] * 10 + digits[2])
    return torch.cat(out).long().cpu()


def stacked_mode_stats(modes: Any) -> Dict[str, float]:
    """From predicted modes (ints in 0..999, length N): modes_covered (of 1,000) and kl_to_uniform
    (KL(q || uniform) of their histogram, see ``mixtures.kl_to_uniform``)."""
    m = np.asarray(modes.cpu() if hasattr(modes, "cpu") else modes, dtype=np.int64).ravel()
    if m.size and (m.min() < 0 or m.max() >= NUM_MODES):
        raise DataError(f"stacked MNIST modes must lie in 0..{NUM_MODES - 1}")
    counts = np.bincount(m, minlength=NUM_MODES)
    return {"modes_covered": float((counts > 0).sum()), "kl_to_uniform": kl_to_uniform(counts)}


def stacked_mnist_modes(x: torch.Tensor, classifier: Optional[Any] = None, batch_size: int = 1000) -> Dict[str, float]:
    """Mode statistics of generated Stacked-MNIST images x: N x 3 x H x W in [-1, 1] (26,000 is the
    usual N). ``classifier`` defaults to the shipped 'mnist' extractor.
    Returns {"modes_covered": count of 1,000, "kl_to_uniform": KL(q || uniform)}."""
    if classifier is None:
        classifier = create_extractor("mnist")
    return stacked_mode_stats(classify_stacked(x, classifier, batch_size))
