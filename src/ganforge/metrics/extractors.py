"""Feature extractors: images or vectors -> feature matrices for the metrics.

An extractor has ``name``, ``feature_dim`` (None when it depends on the input), ``has_probs``,
``features(x) -> N x F`` and, when ``has_probs``, ``probs(x) -> N x K``. Inputs follow the library
convention (images N x C x H x W in [-1, 1], vectors N x D); each extractor resizes/converts as it
needs. Outputs are float32 CPU tensors.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
import os
from pathlib import Path
from typing import Any, List, Optional

import torch
from torch import nn
import torch.nn.functional as F

from ..errors import ConfigError, DataError
from ..registry import Registry
from . import inception_net, mnist_net

EXTRACTORS = Registry("feature extractor")

INCEPTION_ENV = "GANFORGE_INCEPTION_WEIGHTS"
INCEPTION_FILE = "pt_inception-2015-12-05-6726825d.pth"


class FeatureExtractor(nn.Module, ABC):
    """Base class: frozen, always in eval mode, no gradients."""

    name = "base"
    feature_dim: Optional[int] = None
    has_probs = False

    def train(self, mode: bool = True) -> "FeatureExtractor":
        # Batch-norm statistics must never update while measuring.
        return super().train(False)

    def _device(self) -> torch.device:
        p = next(self.parameters(), None)
        return p.device if p is not None else torch.device("cpu")

    @abstractmethod
    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Samples in the data's range -> N x F features."""

    def probs(self, x: torch.Tensor) -> torch.Tensor:
        raise ConfigError(f"the '{self.name}' extractor has no class probabilities; use 'inception' or 'mnist'")

    def features_and_probs(self, x: torch.Tensor):
        """(features N x F, probs N x K); subclasses share one forward pass where they can."""
        return self.features(x), self.probs(x)


@EXTRACTORS.register("raw")
class RawExtractor(FeatureExtractor):
    """Flattened values: N x ... -> N x prod(...). For 2-D points and tables."""

    name = "raw"

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """x: N x ... -> N x D float32 (D = product of the remaining dims)."""
        return torch.as_tensor(x).detach().reshape(len(x), -1).float().cpu()


class ClassifierExtractor(FeatureExtractor):
    """A shipped classifier ``net`` with ``embed(x) -> N x F`` and ``head(features) -> logits``:
    features are the embedding, probabilities its softmax. Subclasses convert inputs in ``_prep``."""

    has_probs = True

    def __init__(self, net: nn.Module):
        super().__init__()
        self.net = net
        self.requires_grad_(False)
        self.eval()

    def _prep(self, x: torch.Tensor) -> torch.Tensor:
        return torch.as_tensor(x).to(self._device()).float()

    @torch.no_grad()
    def features(self, x: torch.Tensor) -> torch.Tensor:
        """x -> N x F embeddings."""
        return self.net.embed(self._prep(x)).float().cpu()

    @torch.no_grad()
    def probs(self, x: torch.Tensor) -> torch.Tensor:
        """x -> N x K softmax probabilities."""
        return F.softmax(self.net.head(self.net.embed(self._prep(x))).double(), dim=1).float().cpu()

    @torch.no_grad()
    def features_and_probs(self, x: torch.Tensor):
        """Both outputs from one forward pass: (N x F, N x K)."""
        emb = self.net.embed(self._prep(x))
        return emb.float().cpu(), F.softmax(self.net.head(emb).double(), dim=1).float().cpu()


@EXTRACTORS.register("mnist")
class MnistExtractor(ClassifierExtractor):
    """The shipped MNIST classifier: 128-d penultimate features and 10-way softmax.

    Any image batch is converted to 1 x 28 x 28 grayscale (channel mean, bilinear resize).
    """

    name = "mnist"
    feature_dim = mnist_net.FEATURE_DIM

    def __init__(self, net: Optional[mnist_net.MnistNet] = None):
        super().__init__(net if net is not None else mnist_net.load_pretrained())

    @torch.no_grad()
    def _prep(self, x: torch.Tensor) -> torch.Tensor:
        return mnist_net.to_classifier_input(torch.as_tensor(x).to(self._device()))


def _inception_path(path: Optional[str]) -> Path:
    chosen = path or os.environ.get(INCEPTION_ENV)
    if not chosen or not Path(chosen).expanduser().is_file():
        where = f"'{chosen}' does not exist; " if chosen else ""
        raise ConfigError(
            f"inception weights not found: {where}download {INCEPTION_FILE} (pytorch-fid release) and set "
            f"{INCEPTION_ENV} or the extractor option path= to it; the 'mnist' and 'raw' extractors work offline"
        )
    return Path(chosen).expanduser()


@EXTRACTORS.register("inception")
class InceptionExtractor(FeatureExtractor):
    """FID InceptionV3: 2048-d pool3 features and 1008-way softmax (of pool3 @ W without the fc
    bias, as the Inception Score is defined), from 299 x 299 inputs.

    path: the published ``pt_inception-2015-12-05-6726825d.pth`` (default: $GANFORGE_INCEPTION_WEIGHTS).
    random_weights=True skips loading (for tests of shapes only; the numbers are meaningless).
    1-channel inputs are repeated to 3 channels; others are resized bilinearly to 299 like pytorch-fid.
    Inputs already in [-1, 1] are what the network expects, so no further normalisation is applied.
    """

    name = "inception"
    feature_dim = inception_net.FEATURE_DIM
    has_probs = True

    def __init__(self, path: Optional[str] = None, random_weights: bool = False):
        super().__init__()
        self.net = inception_net.FIDInceptionV3()
        if not random_weights:
            file = _inception_path(path)
            try:
                state = torch.load(file, map_location="cpu", weights_only=True)
                self.net.load_state_dict(state, strict=True)
            except Exception as exc:  # unreadable file or another network's weights
                raise ConfigError(f"cannot load inception weights from {file} ({type(exc).__name__}); "
                                  f"it must be the unchanged {INCEPTION_FILE}") from None
        self.requires_grad_(False)
        self.eval()

    @torch.no_grad()
    def _prep(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.as_tensor(x).to(self._device()).float()
        if x.dim() != 4 or x.shape[1] not in (1, 3):
            raise DataError(f"the inception extractor needs images N x 1|3 x H x W, got shape {tuple(x.shape)}")
        if x.shape[1] == 1:
            x = x.expand(-1, 3, -1, -1)
        size = inception_net.INPUT_SIZE
        if x.shape[-2:] != (size, size):
            x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
        return x

    @torch.no_grad()
    def features(self, x: torch.Tensor) -> torch.Tensor:
        """x: N x C x H x W in [-1, 1] -> N x 2048 pool3 features."""
        return self.net.pool3(self._prep(x)).float().cpu()

    @torch.no_grad()
    def probs(self, x: torch.Tensor) -> torch.Tensor:
        """x: N x C x H x W in [-1, 1] -> N x 1008 softmax probabilities of the unbiased logits
        (pool3 @ W, no fc bias), on which the Inception Score is defined."""
        logits = self.net.logits_unbiased(self.net.pool3(self._prep(x)))
        return F.softmax(logits.double(), dim=1).float().cpu()

    @torch.no_grad()
    def features_and_probs(self, x: torch.Tensor):
        """Both outputs from one forward pass: (N x 2048, N x 1008 softmax of the unbiased logits)."""
        pool = self.net.pool3(self._prep(x))
        return pool.float().cpu(), F.softmax(self.net.logits_unbiased(pool).double(), dim=1).float().cpu()


def create_extractor(name: str, **kwargs: Any) -> FeatureExtractor:
    """Build a registered extractor by name ('inception', 'mnist', 'raw')."""
    return EXTRACTORS.create(name, **kwargs)


def list_extractors() -> List[str]:
    """Registered extractor names."""
    return EXTRACTORS.names()
