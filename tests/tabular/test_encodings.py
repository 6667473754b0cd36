"""Encodings after CTGAN: log transform, point-mass (mixed-type) modes, the category limit,
the vectorized span softmax, and --where on column names that contain '='."""
import json

import numpy as np
import pandas as pd
import pytest
import torch
import torch.nn.functional as F

import ganforge
from ganforge.data.tables import table_dataset
from ganforge.errors import ConfigError, DataError
from ganforge.nets.tabular import CTGANGenerator
from ganforge.tabular import TableTransformer, infer_columns
from ganforge.tabular.encodings import LogTransform, point_masses, wants_log
from ganforge.tabular.normalizer import ModeNormalizer
from ganforge.tabular.sampling import parse_where


def constructed(n=600, seed=0):
    rng = np.random.default_rng(seed)
    income = np.where(rng.random(n) < 0.35, 0.0, np.round(rng.lognormal(3, 1, n), 2))  # zero mass + long tail
    debt = np.where(rng.random(n) < 0.2, -50.0, rng.normal(10, 3, n))  # a negative point mass
    price = rng.lognormal(8, 0.8, n)  # strictly positive, skewed
    count = np.where(rng.random(n) < 0.3, 0, rng.integers(1, 5000, n))
    return pd.DataFrame({"income": income, "debt": debt, "price": price, "count": count,
                         "kind": rng.choice(["a", "b"], n)})


def fit(df, **kw):
    return TableTransformer.fit(df, infer_columns(df), **kw)


@pytest.mark.parametrize("lower,shift", [(2.0, 0.0), (0.0, 1.0), (-3.0, 4.0)])
def test_log_transform_matches_ctab_gan(lower, shift):
    # CTAB-GAN data_preparation.py: log(x) if lower > 0, log(x + eps) if lower == 0, else log(x - lower + eps)
    t = LogTransform(lower)
    x = np.array([lower, lower + 1.5, lower + 1e4])
    assert t.shift == shift
    np.testing.assert_allclose(t.forward(x), np.log(x + shift))
    np.testing.assert_allclose(t.inverse(t.forward(x)), x, rtol=1e-12)


def test_auto_rules_pick_the_skewed_positive_column_and_the_point_masses():
    df = constructed()
    assert wants_log(df["price"].to_numpy()) and not wants_log(df["debt"].to_numpy())
    assert point_masses(df["income"].to_numpy()) == [0.0]
    assert point_masses(df["debt"].to_numpy()) == [-50.0]
    assert point_masses(np.repeat([1.0, 2.0], 50)) == []  # a two-valued column is a category, not mixed


@pytest.mark.parametrize("options", [dict(log="auto", mixed="auto"), dict(log=["price", "income"]),
                                     dict(mixed={"income": [0], "count": [0]}), dict(log="auto", mixed=["debt"])])
def test_new_encodings_round_trip_exactly(options):
    df = constructed()
    tr = fit(df, **options)
    back = tr.inverse(tr.transform(df))
    for name in ("income", "debt", "count"):
        specials = tr.block(name).specials or []
        exact = df[name].isin(specials).to_numpy()
        assert (back[name].to_numpy()[exact] == df[name].to_numpy()[exact]).all()  # point masses: bit for bit
    assert (back["count"] == df["count"]).all()
    for name in ("income", "debt", "price"):
        np.testing.assert_allclose(back[name], df[name], rtol=1e-6, atol=1e-6)
    assert dict(back.dtypes) == dict(df.dtypes)
    again = TableTransformer.from_json(tr.to_json())  # everything needed to decode is JSON
    np.testing.assert_array_equal(again.transform(df), tr.transform(df))


def test_special_values_get_their_own_mode_with_alpha_zero():
    values = np.concatenate([np.zeros(300), np.random.default_rng(0).normal(50, 5, 700)])
    norm = ModeNormalizer.fit(values, specials=[0.0])
    enc = norm.transform(values, np.random.default_rng(0))
    zero_slot = len(norm.means)
    assert (enc[:300, 1 + zero_slot] == 1).all() and (enc[:300, 0] == 0).all()
    assert (enc[300:, 1 + zero_slot] == 0).all()
    assert (norm.inverse(enc[:, 0], enc[:, 1:].argmax(1))[:300] == 0).all()


def test_mixed_options_are_checked():
    df = constructed()
    with pytest.raises(ConfigError, match="not a numeric column"):
        fit(df, mixed=["kind"])
    with pytest.raises(ConfigError, match="never takes that value"):
        fit(df, mixed={"income": [7.5]})


def test_many_level_column_is_refused_before_any_model_with_advice():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"code": [f"c{i}" for i in rng.integers(0, 1500, 4000)], "x": rng.normal(size=4000)})
    with pytest.raises(DataError, match=r"distinct values \(more than data_options.max_categories=1000\).*"
                                        r"data_options.drop=\[code\]"):
        table_dataset("t", df)
    forced = table_dataset("t", df, max_categories=2000)  # the option that forces it
    assert len(forced.transformer.block("code").categories) > 1000


def test_span_softmax_equals_a_softmax_per_span():
    spans = [("tanh", 1), ("softmax", 3), ("tanh", 2), ("softmax", 1), ("softmax", 4)]
    g = CTGANGenerator(z_dim=4, shape=(11,), spans=spans).eval()
    raw = torch.randn(5, 11) * 40  # large logits: the per-span max keeps exp() finite
    ref = torch.cat([torch.tanh(raw[:, :1]), F.softmax(raw[:, 1:4], 1), torch.tanh(raw[:, 4:6]),
                     F.softmax(raw[:, 6:7], 1), F.softmax(raw[:, 7:], 1)], 1)
    torch.testing.assert_close(g.activate(raw), ref)
    g.train()
    out = g.activate(raw)
    for a, b in ((1, 4), (6, 7), (7, 11)):
        torch.testing.assert_close(out[:, a:b].sum(1), torch.ones(5))


def test_where_splits_at_a_known_column_name_containing_equals():
    columns = ["a=b", "island", "x==y"]
    assert parse_where(["a=b=c"], columns) == {"a=b": "c"}
    assert parse_where(["x==y=1=2"], columns) == {"x==y": "1=2"}
    assert parse_where(["island=Dream"], columns) == {"island": "Dream"}
    assert parse_where(["k=v=w"]) == {"k": "v=w"}  # unknown columns: the first '='
    with pytest.raises(ConfigError, match="column=value"):
        parse_where(["novalue"], columns)


def test_cli_where_on_a_column_named_with_equals(tmp_path):
    from click.testing import CliRunner

    from ganforge.cli import cli

    from .conftest import SMOKE

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a=b": rng.choice(["x=1", "y"], 200), "v": rng.normal(size=200)})
    run = ganforge.train("tabular", out=tmp_path / "r", data=df, overrides=SMOKE)
    out = tmp_path / "s.csv"
    result = CliRunner().invoke(cli, ["sample", str(run), "-n", "20", "--out", str(out), "--where", "a=b=x=1"])
    assert result.exit_code == 0, result.output
    assert (pd.read_csv(out)["a=b"] == "x=1").all()


@pytest.mark.parametrize("log, expected", [(None, {"price", "income"}), ("[]", set())])
def test_tabular_fast_logs_the_long_tailed_columns_unless_turned_off(tmp_path, log, expected):
    df = constructed()
    over = ["steps=1", "batch_size=100", "progress=false"] + ([f"data_options.log={log}"] if log else [])
    run = ganforge.train("tabular-fast", out=tmp_path / "run", data=df, overrides=over)
    table = json.loads((run / "data.json").read_text())["table"]
    assert {c["name"] for c in table["columns"] if c.get("log")} == expected
