"""Evaluate a generator: stream samples through an extractor, compare with (cached) real features."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Sequence, Union

import numpy as np
import torch

from ..cache import CACHE_ENV, default_cache_dir  # noqa: E402,F401  (re-exported)
from ..console import bar
from ..errors import ConfigError, DataError
from .detector import stored_items
from .extractors import create_extractor
from .frechet import feature_stats
from .specs import DEFAULT_OPTIONS, MetricInputs, resolve
from .stacked_mnist import classify_stacked

CACHE_VERSION = 1
# Real features kept for KID/PRDC (a fixed random subset beyond this); mean/covariance use all rows.
MAX_REAL_FEATURES = 10_000


def _cache_path(cache_key: str, cache_dir: Optional[Union[str, Path]]) -> Path:
    if not re.fullmatch(r"[A-Za-z0-9._-]+", cache_key):
        raise ConfigError(f"cache key '{cache_key}' may only use letters, digits, '.', '_' and '-'")
    return (Path(cache_dir) if cache_dir is not None else default_cache_dir()) / f"{cache_key}.npz"


def _fingerprint(real: torch.Tensor) -> np.ndarray:
    """Cheap identity of the real data (size, sum, sum of squares) so a stale cache is noticed."""
    total = squares = 0.0
    for part in _batches(real.detach(), 1024):  # chunks: a float64 copy of all images could be large
        part = part.double()
        total += part.sum().item()
        squares += (part * part).sum().item()
    return np.array([real.shape[0], real[0].numel(), total, squares])


def _save_atomic(path: Path, **arrays: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, path)  # readers see the old file or the new one, never half a file
    except BaseException:
        os.unlink(tmp)
        raise


def _load_cache(path: Path, extractor_name: str, fingerprint: Optional[np.ndarray]) -> Optional[Dict[str, np.ndarray]]:
    if not path.is_file():
        return None
    try:
        with np.load(path) as z:
            data = {k: z[k] for k in z.files}
    except (OSError, ValueError):
        return None  # unreadable: recompute and overwrite
    if int(data.get("version", -1)) != CACHE_VERSION or str(data.get("extractor")) != extractor_name:
        return None
    if fingerprint is not None and not np.allclose(data["fingerprint"], fingerprint, rtol=1e-9, atol=0):
        return None
    return data


def _batches(x: torch.Tensor, batch_size: int):
    for i in range(0, len(x), batch_size):
        yield x[i:i + batch_size]


def real_statistics(real: Any, extractor: Any, batch_size: int = 500, cache_key: Optional[str] = None,
                    cache_dir: Optional[Union[str, Path]] = None, seed: int = 0,
                    progress: Optional[bool] = None) -> Dict[str, np.ndarray]:
    """Features of real data through ``extractor``: {"mu": F, "sigma": F x F, "features": M x F}.

    real: N x ... tensor (or None to read the cache only). With ``cache_key`` the result is stored in
    ``<cache_dir>/<cache_key>.npz`` and reused while the extractor name and the data's fingerprint match.
    ``features`` is a fixed random subset of at most MAX_REAL_FEATURES rows. ``progress``: a bar
    over the real data while its features are computed (None: only on a terminal).
    """
    path = _cache_path(cache_key, cache_dir) if cache_key else None
    real_t = None if real is None else torch.as_tensor(real)
    fp = None if real_t is None else _fingerprint(real_t)
    if path is not None:
        cached = _load_cache(path, extractor.name, fp)
        if cached is not None:
            return cached
    if real_t is None:
        raise ConfigError("these metrics need real data: pass real= or a cache_key whose cache already exists")
    if len(real_t) < 2:
        raise DataError(f"real data has {len(real_t)} sample(s); at least 2 are needed")
    parts = []
    with bar(len(real_t), "real features", "img", progress, leave=False) as b:
        for batch in _batches(real_t, batch_size):
            parts.append(extractor.features(batch).float())
            b.update(len(batch))
    feats = torch.cat(parts).numpy()
    mu, sigma = feature_stats(feats)
    if len(feats) > MAX_REAL_FEATURES:
        keep = np.sort(np.random.default_rng(seed).choice(len(feats), MAX_REAL_FEATURES, replace=False))
        feats = feats[keep]
    out = {"mu": mu, "sigma": sigma, "features": feats.astype(np.float32), "fingerprint": fp,
           "extractor": np.array(extractor.name), "version": np.array(CACHE_VERSION)}
    if path is not None:
        _save_atomic(path, **out)
    return out


def _collect_fakes(sample_fn: Callable[[int], torch.Tensor], n: int, batch_size: int, extractor: Any,
                   needs: frozenset, classifier: Any, collectors: Optional[Dict[str, Any]] = None,
                   progress: Optional[bool] = None) -> MetricInputs:
    """Generate n samples in batches, keeping only what the metrics need (never the images)."""
    feats, probs, raw, stacked = [], [], [], []
    collectors = collectors or {}
    rows: Dict[str, list] = {name: [] for name in collectors}
    done = 0
    with torch.no_grad(), bar(n, "generated samples", "img", progress, leave=False) as shown:
        while done < n:
            bs = min(batch_size, n - done)
            x = sample_fn(bs)
            if not isinstance(x, torch.Tensor) or x.shape[0] != bs:
                got = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
                raise DataError(f"sample_fn({bs}) must return a tensor with {bs} rows, got {got}")
            x = x.detach()
            if "features" in needs and "probs" in needs:
                f, p = extractor.features_and_probs(x)
                feats.append(f)
                probs.append(p)
            elif "features" in needs:
                feats.append(extractor.features(x))
            elif "probs" in needs:
                probs.append(extractor.probs(x))
            if "raw" in needs:
                raw.append(x.reshape(bs, -1).float().cpu())
            if "stacked" in needs:
                stacked.append(classify_stacked(x, classifier, batch_size=bs))
            for name, collect in collectors.items():
                rows[name].append(np.asarray(collect(x)))
            done += bs
            shown.update(bs)

    def cat(parts, dtype=np.float32):  # float32 storage; metrics compute in float64
        return torch.cat(parts).numpy().astype(dtype, copy=False) if parts else None

    return MetricInputs(features=cat(feats), probs=cat(probs), raw=cat(raw), stacked=cat(stacked, np.int64),
                        collected={name: np.concatenate(parts) for name, parts in rows.items()})


def _on_device(module: Any, device: Optional[Union[str, torch.device]]) -> Any:
    return module.to(device) if device is not None and isinstance(module, torch.nn.Module) else module


def evaluate(sample_fn: Callable[[int], torch.Tensor], real: Any, metrics: Union[str, Sequence[str]],
             extractor: Union[str, Any] = "raw", n: int = 10_000, batch_size: int = 500,
             cache_key: Optional[str] = None, cache_dir: Optional[Union[str, Path]] = None,
             device: Optional[Union[str, torch.device]] = None, progress: Optional[bool] = None,
             **options: Any) -> Dict[str, float]:
    """Compute ``metrics`` for ``n`` samples of ``sample_fn`` against ``real``.

    sample_fn(batch_size) -> Tensor batch_size x ... (images N x C x H x W in [-1, 1], or N x D).
    real: Tensor N_real x ... of real data (None: use the cache of ``cache_key``; fine when only
      'is', 'modes' or 'stacked_modes' are requested).
    metrics: names from METRICS ('fid', 'kid', 'is', 'prdc', 'modes', 'stacked_modes', 'c2st', ...), a list
      or a comma-separated string.
    extractor: a registered name ('inception', 'mnist', 'raw') or an extractor object.
    cache_key/cache_dir: real-feature cache ``<cache_dir>/<cache_key>.npz`` (default dir
      $GANFORGE_CACHE or ~/.cache/ganforge), e.g. key "mnist-32-mnist".
    progress: bars over the real features (when not cached) and the generated samples, with an
      ETA (None: shown only when standard error is a terminal).
    options: kid_subsets, kid_subset_size, is_splits, k_pr, k_dc, seed, c2st_epochs, and for 'modes' the
      mixture's means (K x D) and std (plus n_std, default 3).
    Returns a flat dict of floats, e.g. {"fid", "kid", "kid_std", "is", "is_std", "precision", "recall",
      "density", "coverage", "modes_covered", "high_quality", "reverse_kl", "kl_to_uniform"}.
    """
    specs = resolve(metrics)
    unknown = sorted(set(options) - set(DEFAULT_OPTIONS))
    if unknown:
        raise ConfigError(f"unknown metric option(s) {', '.join(unknown)}; valid: {', '.join(DEFAULT_OPTIONS)}")
    opt = {**DEFAULT_OPTIONS, **options}
    names = {s.name for s in specs}
    if "modes" in names and (opt["means"] is None or opt["std"] is None):
        raise ConfigError("metric 'modes' needs the mixture's means= and std= (e.g. RING8_MEANS, RING8_STD)")
    if n < 2 or batch_size < 1:
        raise ConfigError(f"evaluation needs n >= 2 and batch_size >= 1, got n={n}, batch_size={batch_size}")

    needs = frozenset().union(*(s.needs for s in specs))
    ext = None
    if needs & {"features", "probs", "real_stats", "real_features"}:
        # Built only when used: 'modes'/'stacked_modes' alone must not need the Inception weights.
        ext = _on_device(create_extractor(extractor) if isinstance(extractor, str) else extractor, device)
        if "probs" in needs and not getattr(ext, "has_probs", False):
            raise ConfigError(f"metric 'is' needs class probabilities but extractor '{ext.name}' has none; "
                              "use 'inception' or 'mnist'")
    classifier = None
    if "stacked" in needs:
        given = ext if ext is not None else (None if isinstance(extractor, str) else extractor)
        mnist = given if getattr(given, "name", None) == "mnist" else create_extractor("mnist")
        classifier = _on_device(mnist, device)

    stats = None
    if needs & {"real_stats", "real_features"}:  # before sampling, so a missing cache fails fast
        stats = real_statistics(real, ext, batch_size, cache_key, cache_dir, seed=opt["seed"], progress=progress)
    if "real_samples" in needs and real is None:
        raise ConfigError("metric 'c2st' trains a classifier on real items: pass real= (a cache holds features only)")
    collectors = {s.name: s.collector(opt, device) for s in specs if s.collector is not None}
    inputs = _collect_fakes(sample_fn, n, batch_size, ext, needs, classifier, collectors, progress)
    if "real_samples" in needs:
        inputs.real_samples = stored_items(torch.as_tensor(real)).numpy()
    if stats is not None:
        inputs.real_mu, inputs.real_sigma = stats["mu"], stats["sigma"]
        inputs.real_features = stats["features"]

    results: Dict[str, float] = {}
    for spec in specs:
        results.update({k: float(v) for k, v in spec.compute(inputs, opt).items()})
    return results
