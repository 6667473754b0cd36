"""The metric registry used by the evaluator: what each metric needs and which keys it reports."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, Optional, Tuple

import numpy as np

from ..errors import ConfigError
from ..registry import Registry
from .frechet import feature_stats, frechet_distance
from .iscore import inception_score
from .kernel import kid
from .mixtures import mode_coverage
from .knn import prdc
from .stacked_mnist import stacked_mode_stats

METRICS = Registry("metric")

# Which way is better, per result key, for picking "best" checkpoints. Spreads (kid_std, is_std)
# are not listed: they describe the estimate, not the model.
METRIC_DIRECTION: Dict[str, str] = {
    "fid": "min", "kid": "min", "is": "max",
    "precision": "max", "recall": "max", "density": "max", "coverage": "max",
    "modes_covered": "max", "high_quality": "max", "reverse_kl": "min", "kl_to_uniform": "min",
}
METRIC_KEYS = Registry("best_metric")  # result keys that can pick checkpoints/best -> their direction
for _key, _direction in METRIC_DIRECTION.items():
    METRIC_KEYS.register(_key)(_direction)

# Options the evaluator accepts (name -> default), shared by all metrics.
DEFAULT_OPTIONS: Dict[str, Any] = {
    "kid_subsets": 100, "kid_subset_size": 1000, "is_splits": 10, "k_pr": 3, "k_dc": 5,
    "means": None, "std": None, "n_std": 3.0, "seed": 0,
    "context": None,  # what a dataset's own metrics need (Dataset.metric_context(): word lists, note sets)
    "c2st_epochs": 10,  # most training passes of the classifier two-sample test's detector
}


@dataclass
class MetricInputs:
    """What the evaluator collected; a field is None when no requested metric needs it."""

    real_mu: Optional[np.ndarray] = None  # F
    real_sigma: Optional[np.ndarray] = None  # F x F
    real_features: Optional[np.ndarray] = None  # N_real x F float32 (possibly a fixed random subset)
    features: Optional[np.ndarray] = None  # N x F float32, generated samples
    probs: Optional[np.ndarray] = None  # N x K float32, generated samples
    raw: Optional[np.ndarray] = None  # N x D float32, flattened generated samples
    stacked: Optional[np.ndarray] = None  # N predicted Stacked-MNIST modes
    collected: Dict[str, np.ndarray] = field(default_factory=dict)  # metric name -> rows of its collector
    real_samples: Optional[np.ndarray] = None  # real items: uint8 N x C x H x W images, or float32 N x D


Collector = Callable[[Any], np.ndarray]


@dataclass(frozen=True)
class MetricSpec:
    """needs: subset of {"real_stats", "real_features", "features", "probs", "raw", "stacked",
    "real_samples"} (the real items themselves, for metrics that train on them).

    ``collector(options, device)``, when set, is called once per evaluation and returns a
    function from one generated batch (a tensor) to a row array; the rows of all batches are
    concatenated into ``MetricInputs.collected[name]`` (per-clip identity votes, pitch
    estimates, decoded strings). Domain metrics plug in this way without new ``needs``.
    """

    name: str
    needs: FrozenSet[str]
    keys: Tuple[str, ...]
    compute: Callable[[MetricInputs, Dict[str, Any]], Dict[str, float]]
    description: str = ""
    collector: Optional[Callable[[Dict[str, Any], Any], Collector]] = None


def _register(name: str, needs, keys, description: str, collector=None):
    def deco(fn):
        METRICS.register(name)(MetricSpec(name, frozenset(needs), tuple(keys), fn, description, collector))
        return fn

    return deco


def register_metric(name: str, keys, description: str, collector, directions: Dict[str, str], needs=()):
    """Register a metric computed from its own per-batch collector (see :class:`MetricSpec`);
    ``directions`` says which of its keys are better high ("max") or low ("min")."""
    for key, direction in directions.items():
        METRIC_DIRECTION[key] = direction
        METRIC_KEYS.register(key)(direction)
    return _register(name, needs, keys, description, collector)


@_register("fid", ["real_stats", "features"], ["fid"], "Fréchet distance of extractor features")
def _fid(inp: MetricInputs, opt: Dict[str, Any]) -> Dict[str, float]:
    mu, sigma = feature_stats(inp.features)
    return {"fid": frechet_distance(inp.real_mu, inp.real_sigma, mu, sigma)}


@_register("kid", ["real_features", "features"], ["kid", "kid_std"], "kernel distance (unbiased MMD^2)")
def _kid(inp: MetricInputs, opt: Dict[str, Any]) -> Dict[str, float]:
    mean, std = kid(inp.real_features, inp.features, opt["kid_subsets"], opt["kid_subset_size"], opt["seed"])
    return {"kid": mean, "kid_std": std}


@_register("is", ["probs"], ["is", "is_std"], "Inception Score of the extractor's class probabilities")
def _is(inp: MetricInputs, opt: Dict[str, Any]) -> Dict[str, float]:
    mean, std = inception_score(inp.probs, splits=min(opt["is_splits"], len(inp.probs)))
    return {"is": mean, "is_std": std}


@_register("prdc", ["real_features", "features"], ["precision", "recall", "density", "coverage"],
           "improved precision/recall, density/coverage")
def _prdc(inp: MetricInputs, opt: Dict[str, Any]) -> Dict[str, float]:
    return prdc(inp.real_features, inp.features, k_pr=opt["k_pr"], k_dc=opt["k_dc"])


@_register("modes", ["raw"], ["modes_covered", "high_quality", "reverse_kl"],
           "2-D mixture mode coverage (needs means= and std=)")
def _modes(inp: MetricInputs, opt: Dict[str, Any]) -> Dict[str, float]:
    r = mode_coverage(inp.raw, opt["means"], opt["std"], opt["n_std"])
    return {"modes_covered": r["modes_covered"], "high_quality": r["high_quality_fraction"],
            "reverse_kl": r["reverse_kl"]}


@_register("stacked_modes", ["stacked"], ["modes_covered", "kl_to_uniform"],
           "Stacked-MNIST modes of 1,000 via the MNIST classifier")
def _stacked(inp: MetricInputs, opt: Dict[str, Any]) -> Dict[str, float]:
    return stacked_mode_stats(inp.stacked)


def resolve(metrics) -> Tuple[MetricSpec, ...]:
    """Metric names (list or comma-separated string) -> specs; unknown names raise ConfigError."""
    names = [m.strip() for m in metrics.split(",")] if isinstance(metrics, str) else list(metrics)
    names = [n for n in names if n]
    if not names:
        raise ConfigError(f"no metric requested; choose from: {', '.join(METRICS.names())}")
    specs = tuple(METRICS.get(n) for n in dict.fromkeys(names))
    seen: Dict[str, str] = {}
    for spec in specs:
        for key in spec.keys:
            if key in seen:
                raise ConfigError(f"metrics '{seen[key]}' and '{spec.name}' both report '{key}'; request only one")
            seen[key] = spec.name
    return specs
