"""The table encoding: typing, mode-specific normalization round trips, one-hots, missing values."""
import json
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.mixture import BayesianGaussianMixture

from ganforge.errors import ConfigError, DataError
from ganforge.nets import create_model
from ganforge.tabular import TableTransformer, infer_columns
from ganforge.tabular.normalizer import ModeNormalizer


def mixed_table(n=400, seed=0):
    rng = np.random.default_rng(seed)
    bimodal = np.where(rng.random(n) < 0.3, rng.normal(-5, 0.5, n), rng.normal(10, 2, n))
    return pd.DataFrame({
        "x": bimodal,
        "count": rng.integers(0, 1000, n),
        "colour": rng.choice(["red", "green", "blue"], n, p=[0.6, 0.3, 0.1]),
        "flag": rng.random(n) < 0.4,
        "level": rng.integers(1, 4, n),
    })


def fit(df, **kw):
    return TableTransformer.fit(df, infer_columns(df, **kw))


def test_column_kinds():
    specs = {s.name: s.kind for s in infer_columns(mixed_table())}
    assert specs == {"x": "continuous", "count": "integer", "colour": "categorical", "flag": "boolean",
                     "level": "categorical"}
    forced = {s.name: s.kind for s in infer_columns(mixed_table(), discrete=["count"], continuous=["level"])}
    assert forced["count"] == "categorical" and forced["level"] == "integer"


def test_continuous_round_trip_is_identity():
    df = mixed_table()
    tr = fit(df)
    back = tr.inverse(tr.transform(df))
    np.testing.assert_allclose(back["x"], df["x"], rtol=1e-5, atol=1e-4)
    assert (back["count"] == df["count"]).all()
    for col in ("colour", "flag", "level"):
        assert (back[col] == df[col]).all()
    assert dict(back.dtypes) == dict(df.dtypes)


def test_normalizer_finds_modes_and_round_trips():
    rng = np.random.default_rng(1)
    values = np.concatenate([rng.normal(-5, 0.5, 3000), rng.normal(10, 1, 7000)])
    norm = ModeNormalizer.fit(values, max_modes=10, max_rows=2000)
    assert 2 <= norm.num_modes <= 10
    encoded = norm.transform(values, np.random.default_rng(0))
    assert encoded.shape == (len(values), 1 + norm.num_modes)
    assert np.abs(encoded[:, 0]).max() <= 1.0
    np.testing.assert_allclose(norm.inverse(encoded[:, 0], encoded[:, 1:].argmax(1)), values, atol=1e-9)


def test_categorical_spans_are_valid_one_hots():
    df = mixed_table()
    tr = fit(df)
    m = tr.transform(df)
    for block in tr.blocks:
        start = block.start + (0 if block.categories is not None else 1)
        width = len(block.categories) if block.categories is not None else block.normalizer.num_modes
        part = m[:, start:start + width]
        assert set(np.unique(part)) <= {0.0, 1.0}
        assert (part.sum(axis=1) == 1).all()


def test_generator_outputs_follow_the_spans():
    tr = fit(mixed_table())
    g = create_model("ctgan", "generator", z_dim=8, shape=(tr.width,), num_classes=0, spans=tr.spans)
    out = g(torch.randn(16, 8)).detach().numpy()
    start = 0
    for kind, width in tr.spans:
        part = out[:, start:start + width]
        if kind == "tanh":
            assert np.abs(part).max() <= 1
        else:
            np.testing.assert_allclose(part.sum(axis=1), 1.0, atol=1e-5)
        start += width
    decoded = tr.inverse(out)
    assert set(decoded["colour"]) <= {"red", "green", "blue"}


def test_integers_are_rounded_and_ranges_clipped():
    df = mixed_table()
    tr = fit(df)
    m = tr.transform(df)
    b = tr.block("count")
    m[:, b.start] = np.linspace(-1, 1, len(df))  # alpha at both extremes of every mode
    back = tr.inverse(m)
    assert back["count"].min() >= df["count"].min() and back["count"].max() <= df["count"].max()
    assert (back["count"] == np.round(back["count"])).all()
    assert back["count"].dtype == df["count"].dtype


def test_missing_values_round_trip_and_keep_dtypes():
    df = mixed_table()
    df.loc[::7, "x"] = np.nan
    df["colour"] = df["colour"].astype(object)
    df.loc[::5, "colour"] = None
    tr = fit(df)
    assert tr.block("x").spec.missing_rate == pytest.approx(df["x"].isna().mean())
    assert ("softmax", 2) in tr.block("x").spans
    back = tr.inverse(tr.transform(df))
    assert (back["x"].isna() == df["x"].isna()).all()
    assert (back["colour"].isna() == df["colour"].isna()).all()
    np.testing.assert_allclose(back["x"].dropna(), df["x"].dropna(), rtol=1e-5, atol=1e-4)


def test_json_round_trip():
    df = mixed_table()
    tr = fit(df)
    again = TableTransformer.from_json(json.loads(json.dumps(tr.to_json())))
    m = tr.transform(df)
    pd.testing.assert_frame_equal(again.inverse(m), tr.inverse(m))
    assert again.spans == tr.spans


def test_fitting_uses_a_bounded_subsample():
    rng = np.random.default_rng(0)
    big = pd.DataFrame({"v": rng.normal(size=50_000), "w": rng.gamma(2.0, size=50_000)})
    tr = TableTransformer.fit(big, infer_columns(big), fit_rows=500)
    back = tr.inverse(tr.transform(big))
    np.testing.assert_allclose(back["v"], big["v"], atol=1e-4)


@pytest.mark.parametrize("df,message", [
    (pd.DataFrame(), "no columns"),
    (pd.DataFrame({"a": []}), "0 row"),
    (pd.DataFrame({"a": [1.0]}), "1 row"),
    (pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [np.nan] * 3}), "entirely missing"),
])
def test_bad_tables_fail_clearly(df, message):
    with pytest.raises(DataError, match=message) as err:
        TableTransformer.fit(df, [])
    assert "\n" not in str(err.value)


def test_unknown_override_column():
    with pytest.raises(ConfigError, match="'nope'"):
        infer_columns(mixed_table(), discrete=["nope"])


def test_dates_are_refused():
    df = pd.DataFrame({"when": pd.date_range("2020-01-01", periods=5), "v": range(5)})
    with pytest.raises(DataError, match="dates"):
        infer_columns(df)


def test_decoding_draws_categories_from_generator_probabilities():
    df = mixed_table()
    tr = fit(df)
    m = tr.transform(df)[:1].repeat(4000, axis=0)
    b = tr.block("colour")
    m[:, b.start:b.start + 3] = [0.2, 0.0, 0.8]  # probabilities over the sorted values blue, green, red
    drawn = tr.inverse(m, np.random.default_rng(0))["colour"]
    assert (drawn == "red").mean() == pytest.approx(0.8, abs=0.03)
    assert (drawn == "green").sum() == 0
    assert (tr.inverse(m)["colour"] == "red").all()  # no rng: arg-max


def test_spherical_mixture_equals_ctgans_full_covariance_fit():
    """On one feature, sklearn's spherical BayesianGaussianMixture (used for speed) computes what
    CTGAN's default full-covariance fit computes (ctgan/data_transformer.py: rdt's
    ClusterBasedNormalizer, a BayesianGaussianMixture with covariance_type "full")."""
    rng = np.random.default_rng(3)
    values = np.concatenate([rng.normal(-5, 1, 600), rng.normal(4, 0.5, 400), rng.exponential(2, 300) + 10])
    fits = {}
    for cov in ("full", "spherical"):
        mixture = BayesianGaussianMixture(n_components=10, weight_concentration_prior_type="dirichlet_process",
                                          weight_concentration_prior=1e-3, n_init=1, max_iter=100, random_state=0,
                                          covariance_type=cov)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mixture.fit(values.reshape(-1, 1))
        fits[cov] = (mixture.weights_, mixture.means_.ravel(), mixture.covariances_.ravel())
    for a, b in zip(fits["full"], fits["spherical"]):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    norm = ModeNormalizer.fit(values, max_modes=10, max_rows=5000, seed=0)
    w, mu, var = fits["full"]
    keep = w > 0.005
    np.testing.assert_allclose(norm.means[:keep.sum()], mu[keep], rtol=1e-9)
    np.testing.assert_allclose(norm.stds[:keep.sum()], np.sqrt(var[keep]), rtol=1e-9)
