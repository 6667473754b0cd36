"""Metrics as objects that accumulate batch by batch (the torchmetrics shape):
``m.update(real=..., fake=...)`` any number of times, then ``m.compute()``; ``m.reset()``.

    fid = FID(extractor="mnist")
    for real, fake in batches:
        fid.update(real=real, fake=fake)
    fid.compute()                       # a float, equal to fid_from_features on all the features

Inputs are samples in the library convention (images N x C x H x W in [-1, 1], vectors N x D)
turned into features as they arrive, so images are never kept. ``extractor`` picks the
features: a registered name (``inception``, ``mnist``, ``raw``: the values themselves, for
vectors or features you computed), a path to the FID Inception weights file, a
:class:`FeatureExtractor`, or any callable mapping a batch to an (N, F) tensor (for ``IS``: to
class logits, or probabilities with ``from_logits=False``). Each result equals the one-shot
function on the concatenated features: :func:`fid_from_features`, :func:`kid`, :func:`prdc`,
:func:`inception_score`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple, Union

import numpy as np
import torch
import torch.nn.functional as F

from ..data import load_dataset
from ..errors import ConfigError, DataError
from ._arrays import as_features
from .extractors import EXTRACTORS, FeatureExtractor, InceptionExtractor, create_extractor
from .frechet import frechet_distance
from .iscore import inception_score
from .kernel import kid
from .knn import prdc

ExtractorLike = Union[str, Path, FeatureExtractor, Callable[[torch.Tensor], Any], None]


class CallableExtractor(FeatureExtractor):
    """Any function or module ``fn(x) -> (N, F)`` as an extractor; ``probs`` applies a softmax
    to its output unless ``from_logits=False`` (the outputs already are probabilities)."""

    has_probs = True

    def __init__(self, fn: Callable[[torch.Tensor], Any], from_logits: bool = True):
        super().__init__()
        self.fn, self.from_logits = fn, from_logits  # an nn.Module fn becomes a submodule (moves with .to)
        self.name = getattr(fn, "__name__", type(fn).__name__)

    @torch.no_grad()
    def features(self, x: torch.Tensor) -> torch.Tensor:
        out = torch.as_tensor(self.fn(torch.as_tensor(x).to(self._device())))
        return out.detach().reshape(out.shape[0], -1).float().cpu()

    @torch.no_grad()
    def probs(self, x: torch.Tensor) -> torch.Tensor:
        out = self.features(x)
        return F.softmax(out.double(), dim=1).float() if self.from_logits else out


def feature_extractor(extractor: ExtractorLike, device: Union[str, torch.device, None] = None,
                      from_logits: bool = True) -> FeatureExtractor:
    """An extractor from a name, a weights file, an extractor or a callable (see the module doc)."""
    if extractor is None:
        ext: FeatureExtractor = create_extractor("raw")
    elif isinstance(extractor, FeatureExtractor):
        ext = extractor
    elif isinstance(extractor, (str, Path)):
        if str(extractor) in EXTRACTORS:
            ext = create_extractor(str(extractor))
        elif Path(extractor).expanduser().is_file():
            ext = InceptionExtractor(path=str(extractor))
        else:
            raise ConfigError(f"unknown extractor '{extractor}'; choose one of: {', '.join(EXTRACTORS.names())}, "
                              "a path to the FID Inception weights file, or a callable returning (N, F) features")
    elif callable(extractor):
        ext = CallableExtractor(extractor, from_logits)
    else:
        raise ConfigError(f"extractor must be a name, a file path or a callable, got {type(extractor).__name__}")
    return ext.to(device) if device is not None else ext


class _Metric:
    """Shared machinery: the extractor, per-side feature lists, reset."""

    needs_real = True

    def __init__(self, extractor: ExtractorLike = "raw", device: Union[str, torch.device, None] = None):
        self.extractor = feature_extractor(extractor, device)
        self.reset()

    def reset(self) -> None:
        """Forget every update."""
        self._parts: Dict[str, List[np.ndarray]] = {"real": [], "fake": []}

    def _features(self, x: Any) -> np.ndarray:
        return self.extractor.features(x).numpy()

    def update(self, real: Any = None, fake: Any = None) -> None:
        """Add a batch of real samples, of generated ones, or both (N x ... each)."""
        if real is None and fake is None:
            raise ConfigError(f"{type(self).__name__}.update needs real=, fake= or both")
        for side, batch in (("real", real), ("fake", fake)):
            if batch is not None:
                if len(batch) == 0:
                    raise DataError(f"{side}= is an empty batch")
                self._add(side, self._features(batch))

    def _add(self, side: str, features: np.ndarray) -> None:
        seen = [p.shape[1] for parts in self._parts.values() for p in parts]
        if seen and features.shape[1] != seen[0]:
            raise DataError(f"{side} features have {features.shape[1]} dimensions, earlier ones {seen[0]}; "
                            "pass samples of one kind to one metric")
        self._parts[side].append(features)

    def count(self, side: str) -> int:
        """Samples seen so far on ``side`` (``real`` or ``fake``)."""
        return sum(len(p) for p in self._parts[side])

    def _all(self, side: str, minimum: int = 2) -> np.ndarray:
        if self.count(side) < minimum:
            raise DataError(f"{type(self).__name__} has {self.count(side)} {side} sample(s); update it with at least "
                            f"{minimum} before compute()")
        return np.concatenate(self._parts[side])


class FID(_Metric):
    """Fréchet distance between Gaussians fitted to real and generated features (FID with the
    Inception extractor). Keeps only running sums (F and F x F per side), never the samples."""

    def reset(self, keep_real: bool = False) -> None:
        """Forget the updates (``keep_real``: only the generated side, to score another model
        against the same real statistics)."""
        real = getattr(self, "_sums", {}).get("real") if keep_real else None
        self._sums: Dict[str, Optional[Tuple[int, np.ndarray, np.ndarray, np.ndarray]]] = {"real": real, "fake": None}
        self._dim: Optional[int] = None if real is None else real[1].size

    def _add(self, side: str, features: np.ndarray) -> None:
        c = as_features(features, side)
        if self._dim is not None and c.shape[1] != self._dim:
            raise DataError(f"{side} features have {c.shape[1]} dimensions, earlier ones {self._dim}; "
                            "pass samples of one kind to one metric")
        self._dim = c.shape[1]
        state = self._sums[side]
        # Sums around the first batch's mean, as feature_stats does, so large means do not cancel.
        n, shift, total, cross = state if state is not None else (0, c.mean(axis=0), 0.0, 0.0)
        d = c - shift
        self._sums[side] = (n + len(c), shift, total + d.sum(axis=0), cross + d.T @ d)

    def count(self, side: str) -> int:
        state = self._sums[side]
        return 0 if state is None else state[0]

    def statistics(self, side: str) -> Tuple[np.ndarray, np.ndarray]:
        """(mu: F, sigma: F x F, unbiased) of ``side``'s features so far."""
        if self.count(side) < 2:
            raise DataError(f"FID has {self.count(side)} {side} sample(s); update it with at least 2 before compute()")
        n, shift, total, cross = self._sums[side]
        m = total / n
        return shift + m, (cross - n * np.outer(m, m)) / (n - 1)

    def compute(self) -> float:
        return frechet_distance(*self.statistics("real"), *self.statistics("fake"))


class KID(_Metric):
    """Kernel distance: unbiased MMD^2 with the cubic polynomial kernel, averaged over
    ``num_subsets`` random subsets of ``subset_size`` rows. ``compute()`` -> (mean, std)."""

    def __init__(self, extractor: ExtractorLike = "raw", num_subsets: int = 100, subset_size: int = 1000,
                 seed: int = 0, device: Union[str, torch.device, None] = None):
        self.num_subsets, self.subset_size, self.seed = num_subsets, subset_size, seed
        super().__init__(extractor, device)

    def compute(self) -> Tuple[float, float]:
        return kid(self._all("real"), self._all("fake"), self.num_subsets, self.subset_size, self.seed)


class PRDC(_Metric):
    """Improved precision/recall (k = ``k_pr``) and density/coverage (k = ``k_dc``) of the
    generated features against the real ones. ``compute()`` -> dict of the four."""

    def __init__(self, extractor: ExtractorLike = "raw", k_pr: int = 3, k_dc: int = 5,
                 device: Union[str, torch.device, None] = None):
        self.k_pr, self.k_dc = k_pr, k_dc
        super().__init__(extractor, device)

    def compute(self) -> Dict[str, float]:
        need = max(self.k_pr, self.k_dc) + 1
        return prdc(self._all("real", need), self._all("fake", need), k_pr=self.k_pr, k_dc=self.k_dc)


class IS(_Metric):
    """Inception Score of generated samples from the extractor's class probabilities
    (``inception``, ``mnist``, or a callable returning logits). ``compute()`` -> (mean, std)
    over ``splits`` parts, in the order the samples arrived."""

    needs_real = False

    def __init__(self, extractor: ExtractorLike = "inception", splits: int = 10, from_logits: bool = True,
                 device: Union[str, torch.device, None] = None):
        self.splits = splits
        self.extractor = feature_extractor(extractor, device, from_logits)
        if not getattr(self.extractor, "has_probs", False):
            raise ConfigError(f"IS needs class probabilities; the '{self.extractor.name}' extractor has none: use "
                              "'inception', 'mnist' or a classifier callable")
        self.reset()

    def _features(self, x: Any) -> np.ndarray:
        return self.extractor.probs(x).numpy()

    def update(self, real: Any = None, fake: Any = None) -> None:
        """Add generated samples (``fake=``); IS looks at no real data."""
        if real is not None:
            raise ConfigError("IS scores generated samples only; pass fake=")
        super().update(fake=fake)

    def compute(self) -> Tuple[float, float]:
        probs = self._all("fake", self.splits)
        return inception_score(probs, splits=self.splits)


def real_samples(data: str = "mnist", n: Optional[int] = None, image_size: int = 32, seed: int = 0,
                 **data_options: Any) -> torch.Tensor:
    """``n`` training samples of a dataset spec (all when None), a fixed random subset per
    ``seed``: images N x C x H x W in [-1, 1] or vectors N x D, as generators produce them."""
    dataset = load_dataset(data, image_size, **data_options)
    total = len(dataset)
    if n is None or n >= total:
        index = torch.arange(total)
    else:
        index = torch.randperm(total, generator=torch.Generator().manual_seed(seed))[:n].sort().values
    return dataset.get(index)[0]


__all__ = ["FID", "IS", "KID", "PRDC", "CallableExtractor", "feature_extractor", "real_samples"]
