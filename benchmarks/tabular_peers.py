"""The synthesizers ``benchmarks/tabular.py`` compares, each behind one function:
``fit_sample(method, train_df, discrete, target, epochs, seed) -> (synthetic rows, fit CPU seconds)``.

* ganforge: the shipped ``tabular-fast`` recipe (plus the variant's overrides), ``data_options.target``
  set to the table's target, ``steps = epochs * max(rows // batch, 1)`` (CTGAN's definition); a
  table smaller than one batch trains on batches of its size (CTGAN draws 500 rows with
  replacement there, so it sees each row more often than ``epochs`` times).
* ctgan / tvae: the ``ctgan`` package (pip install ctgan), batch 500, pac 10 (CTGAN).
* copula: a Gaussian copula over normal scores from beta marginals fitted by the ``copulas``
  package (numbers; SDV's GaussianCopula default, a normal where the beta fit fails) and
  frequency-interval codes (categories, as SDV encodes them).

The peers refuse missing numbers: for them, missing numeric cells are filled with the column's
median (ganforge models them). Fit time is process CPU time of the fit call alone (imports and
first-call set-ups are paid first by a tiny warm-up fit of the same method), measured in a
fresh process per fit by the caller. It leaves out the joblib worker processes in which
ctgan's DataTransformer encodes tables of 500 rows or more (CTGAN and TVAE), so their times
are lower bounds.
"""
from __future__ import annotations

import time
import warnings
from typing import List, Sequence, Tuple

import numpy as np
import pandas as pd

BATCH, PAC = 500, 10


def _impute(df: pd.DataFrame, discrete: Sequence[str]) -> pd.DataFrame:
    df = df.copy()
    for c in df.columns:
        if c not in discrete and df[c].isna().any():
            df[c] = df[c].fillna(df[c].median())
    return df


def _ganforge(train: pd.DataFrame, discrete, target, epochs, seed, overrides, tmp) -> Tuple[pd.DataFrame, float]:
    import ganforge

    # CTGAN's step count at batch 500; a table smaller than a batch trains on batches of its size
    # (the largest multiple of pac), one per epoch. A batch_size among the overrides keeps the epochs.
    asked = next((int(o.split("=", 1)[1]) for o in overrides if o.startswith("batch_size=")), BATCH)
    batch = min(asked, len(train) // PAC * PAC)
    steps = epochs * max(len(train) // batch, 1)
    args = [f"steps={steps}", f"batch_size={batch}", f"seed={seed}", f"data_options.target={target}",
            f"data_options.discrete=[{','.join(discrete)}]", "progress=false", "report=false", *overrides]
    started = time.process_time()
    run = ganforge.train("tabular-fast", out=f"{tmp}/run", data=train, overrides=args)
    seconds = time.process_time() - started
    return ganforge.load(run).sample(len(train), seed=seed), seconds


def _ctgan(kind: str, train: pd.DataFrame, discrete, epochs, seed) -> Tuple[pd.DataFrame, float]:
    import torch
    from ctgan import CTGAN, TVAE

    data = _impute(train, discrete)
    torch.manual_seed(seed)
    np.random.seed(seed)
    model = (CTGAN(epochs=epochs, batch_size=BATCH, pac=PAC, enable_gpu=False) if kind == "ctgan"
             else TVAE(epochs=epochs, batch_size=BATCH, enable_gpu=False))
    started = time.process_time()
    model.fit(data, list(discrete))
    seconds = time.process_time() - started
    return model.sample(len(train)), seconds


def _copula(train: pd.DataFrame, discrete, seed) -> Tuple[pd.DataFrame, float]:
    from copulas.univariate import BetaUnivariate, GaussianUnivariate
    from scipy import stats

    rng = np.random.default_rng(seed)
    data = _impute(train, discrete)
    started = time.process_time()
    scores, inverse = [], []
    for c in data.columns:
        if c in discrete:  # each category owns an interval of (0, 1) sized by its frequency
            values = data[c].astype(object).where(data[c].notna(), None)
            freq = values.astype(str).value_counts(normalize=True)
            cats = list(freq.index)
            lo = dict(zip(cats, np.concatenate([[0.0], freq.cumsum().to_numpy()[:-1]])))
            width = dict(zip(cats, freq.to_numpy()))
            text = values.astype(str)
            u = text.map(lo).to_numpy() + rng.random(len(text)) * text.map(width).to_numpy()
            originals = {str(v): v for v in values}
            edges = freq.cumsum().to_numpy()
            inverse.append(lambda u, cats=cats, edges=edges, o=originals:
                           [o[cats[i]] for i in np.minimum(np.searchsorted(edges, u), len(cats) - 1)])
        else:
            dist = BetaUnivariate()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    dist.fit(data[c].to_numpy(dtype=float))
                except ValueError:  # a beta that does not converge falls back to a normal (as SDV does)
                    dist = GaussianUnivariate()
                    dist.fit(data[c].to_numpy(dtype=float))
            u = dist.cdf(data[c].to_numpy(dtype=float))
            lo_, hi_ = float(data[c].min()), float(data[c].max())
            inverse.append(lambda u, d=dist, lo_=lo_, hi_=hi_: np.clip(d.percent_point(u), lo_, hi_))
        scores.append(stats.norm.ppf(np.clip(u, 1e-6, 1 - 1e-6)))
    corr = np.corrcoef(np.stack(scores, axis=1), rowvar=False)
    normal = rng.multivariate_normal(np.zeros(len(scores)), np.nan_to_num(corr), size=len(data))
    u = stats.norm.cdf(normal)
    seconds = time.process_time() - started
    out = {c: inverse[i](u[:, i]) for i, c in enumerate(data.columns)}
    synth = pd.DataFrame(out)
    for c in data.columns:
        if c not in discrete and pd.api.types.is_integer_dtype(train[c].dtype):
            synth[c] = np.round(synth[c]).astype(train[c].dtype)
    return synth, seconds


def fit_sample(method: str, train: pd.DataFrame, discrete: List[str], target: str, epochs: int, seed: int,
               overrides: Sequence[str] = (), tmp: str = "/tmp") -> Tuple[pd.DataFrame, float]:
    """Synthetic rows (as many as ``train``) and the fit's CPU seconds for one method."""
    if method == "ganforge":
        return _ganforge(train, discrete, target, epochs, seed, overrides, tmp)
    if method in ("ctgan", "tvae"):
        return _ctgan(method, train, discrete, epochs, seed)
    if method == "copula":
        return _copula(train, discrete, seed)
    raise ValueError(f"unknown method {method}")


def warm_up(method: str, tmp: str) -> None:
    """Pay one-time costs before any timer starts: imports (torch.optim pulls in torch._dynamo;
    ganforge imports its trainer, ctgan its transformers, lazily) and first-call set-ups, by one
    tiny fit of ``method`` on 40 random rows."""
    import torch

    torch.set_num_threads(1)
    torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))]).step()
    rng = np.random.default_rng(0)
    tiny = pd.DataFrame({"x": rng.normal(size=40), "c": rng.choice(["a", "b"], 40), "y": rng.choice(["u", "v"], 40)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "ganforge":
            import ganforge

            ganforge.train("tabular-fast", out=f"{tmp}/warm-up", data=tiny,
                           overrides=["steps=2", "batch_size=20", "data_options.target=y", "progress=false",
                                      "report=false"])
            ganforge.load(f"{tmp}/warm-up").sample(10, seed=0)
        elif method in ("ctgan", "tvae"):
            from ctgan import CTGAN, TVAE

            model = CTGAN(epochs=1, batch_size=20, pac=10) if method == "ctgan" else TVAE(epochs=1, batch_size=20)
            model.fit(tiny, ["c", "y"])
            model.sample(10)
        else:
            import copulas.univariate  # noqa: F401
