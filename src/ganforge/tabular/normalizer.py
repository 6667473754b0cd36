"""Mode-specific normalization of one continuous column (CTGAN, Xu et al. 2019).

A variational (Dirichlet-process) Gaussian mixture finds the column's modes; a value c is
represented by a one-hot of the mode k it belongs to and a scalar alpha = (c - mu_k) / (4 sigma_k)
in [-1, 1]. The mode is drawn from its posterior p(k | c), so values between modes are shared
out rather than forced into one. Multi-modal and long-tailed columns become easy for a
generator whose scalar outputs pass through tanh.

Mixed-type columns (CTAB-GAN, Zhao et al. 2021): values that recur as point masses (a zero
income, a capped maximum) are ``specials``. Each gets its own mode slot after the mixture's
modes, with alpha = 0; the mixture is fitted on the other values only. A special value decodes
back to itself exactly, where a Gaussian mode would smear it over its neighbours.
"""
from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Sequence

import numpy as np

SCALE = 4.0  # alpha spans +-4 standard deviations of the chosen mode
MIN_WEIGHT = 0.005  # modes lighter than this are dropped (they hold almost no data)


@dataclass
class ModeNormalizer:
    """Fitted modes of one column: weights, means, stds (lists of length K: at most ``max_modes``
    mixture modes, plus a light tail mode on each side that has far outliers), then one slot per
    special value (mode index K + j is ``specials[j]``)."""

    weights: List[float]
    means: List[float]
    stds: List[float]
    specials: List[float] = field(default_factory=list)

    @property
    def num_modes(self) -> int:
        return len(self.means) + len(self.specials)

    @classmethod
    def fit(cls, values: np.ndarray, max_modes: int = 10, max_rows: int = 5000, seed: int = 0,
            specials: Sequence[float] = ()) -> "ModeNormalizer":
        """Fit on at most ``max_rows`` values (a seeded subsample: fitting time stays flat on big
        tables, and 5k points pin down <= 10 modes well). ``values``: (N,) without NaN;
        ``specials``: point-mass values kept out of the mixture (see the module docstring)."""
        specials = sorted({float(v) for v in specials})
        values = np.asarray(values, dtype=np.float64)
        rest = values[~np.isin(values, specials)] if specials else values
        fitted = cls._fit_mixture(rest if len(rest) else values[:1], max_modes, max_rows, seed)
        fitted.specials = specials
        return fitted

    @classmethod
    def _fit_mixture(cls, values: np.ndarray, max_modes: int, max_rows: int, seed: int) -> "ModeNormalizer":
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.mixture import BayesianGaussianMixture

        lo, hi = float(values.min()), float(values.max())
        rng = np.random.default_rng(seed)
        if len(values) > max_rows:
            values = rng.choice(values, max_rows, replace=False)
        spread = float(values.std())
        distinct = len(np.unique(values))
        if spread == 0 or distinct < 2:
            # A constant column has one mode; give it a unit width so alpha stays finite.
            return cls([1.0], [float(values.mean())], [1.0])
        # covariance_type="spherical": on one feature a full, diagonal and spherical covariance
        # are the same single variance and sklearn's updates agree to 1e-12 (tests pin it), but the
        # spherical path skips the per-component Cholesky loop: a third less fitting time.
        mixture = BayesianGaussianMixture(
            n_components=min(max_modes, distinct), weight_concentration_prior_type="dirichlet_process",
            weight_concentration_prior=1e-3, n_init=1, max_iter=100, random_state=seed,
            covariance_type="spherical")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            mixture.fit(values.reshape(-1, 1))
        keep = mixture.weights_ > MIN_WEIGHT
        weights = mixture.weights_[keep] / mixture.weights_[keep].sum()
        stds = np.sqrt(mixture.covariances_.reshape(-1))[keep]
        # A floor on sigma keeps alpha finite for modes sitting on one repeated value.
        stds = np.maximum(stds, 1e-3 * spread)
        means = mixture.means_.reshape(-1)[keep]
        weights, means, stds = weights.tolist(), means.tolist(), stds.tolist()
        # Outliers (often outside the subsample) further than 4 sigma beyond the outermost modes
        # get a light tail mode spanning exactly [4-sigma edge, extreme]: they stay representable
        # without clipping, and the main modes keep their resolution.
        left, right = int(np.argmin(means)), int(np.argmax(means))
        low_edge, high_edge = means[left] - SCALE * stds[left], means[right] + SCALE * stds[right]
        tails = ([(lo, low_edge)] if lo < low_edge else []) + ([(high_edge, hi)] if hi > high_edge else [])
        for a, b in tails:
            weights.append(MIN_WEIGHT)
            means.append((a + b) / 2)
            stds.append((b - a) / (2 * SCALE))
        total = sum(weights)
        return cls([w / total for w in weights], means, stds)

    def posterior(self, values: np.ndarray) -> np.ndarray:
        """p(mode | value): (N,) -> (N, K). Modes further than 4 sigma get zero so alpha never
        needs clipping, unless no mode is that close (then the nearest keeps all the mass)."""
        mu, sd, w = (np.asarray(a)[None, :] for a in (self.means, self.stds, self.weights))
        z = (values[:, None] - mu) / sd
        log_p = np.log(w) - np.log(sd) - 0.5 * z ** 2
        log_p = np.where(np.abs(z) <= SCALE, log_p, -np.inf)
        none_close = np.isneginf(log_p).all(axis=1)
        log_p[none_close, np.argmin(np.abs(z[none_close]), axis=1)] = 0.0
        p = np.exp(log_p - log_p.max(axis=1, keepdims=True))
        return p / p.sum(axis=1, keepdims=True)

    def transform(self, values: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """(N,) values -> (N, 1 + K): [alpha, one-hot mode]; the mode is drawn from its posterior
        (a special value takes its own slot with alpha 0)."""
        values = np.asarray(values, dtype=np.float64)
        k = len(self.means)
        p = self.posterior(values)
        u = rng.random((len(values), 1))
        mode = np.minimum((p.cumsum(axis=1) < u).sum(axis=1), k - 1)
        mu, sd = np.asarray(self.means)[mode], np.asarray(self.stds)[mode]
        out = np.zeros((len(values), 1 + self.num_modes))
        out[:, 0] = np.clip((values - mu) / (SCALE * sd), -1.0, 1.0)
        for j, special in enumerate(self.specials):
            hit = values == special
            mode[hit], out[hit, 0] = k + j, 0.0
        out[np.arange(len(values)), 1 + mode] = 1.0
        return out

    def inverse(self, alpha: np.ndarray, mode: np.ndarray) -> np.ndarray:
        """alpha (N,) in [-1, 1] and mode index (N,) -> (N,) values (a special slot gives its value)."""
        alpha, mode, k = np.clip(alpha, -1.0, 1.0), np.asarray(mode), len(self.means)
        gauss = np.minimum(mode, k - 1)
        out = alpha * SCALE * np.asarray(self.stds)[gauss] + np.asarray(self.means)[gauss]
        if self.specials:
            special = mode >= k
            out[special] = np.asarray(self.specials)[mode[special] - k]
        return out

    def mode_values(self) -> np.ndarray:
        """(K, 2): per mode slot, the value at alpha = 0 and the change per unit alpha (used to
        decode soft mode probabilities differentiably)."""
        centre = np.concatenate([self.means, self.specials])
        slope = np.concatenate([SCALE * np.asarray(self.stds), np.zeros(len(self.specials))])
        return np.stack([centre, slope], axis=1)

    def to_json(self) -> Dict[str, Any]:
        return asdict(self)
