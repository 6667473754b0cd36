"""Training the tabular recipe end to end, sampling DataFrames, conditional rows, the CLI."""
import json

import pandas as pd
import pytest
from click.testing import CliRunner
from palmerpenguins import load_penguins

import ganforge
from ganforge.cli import cli
from ganforge.errors import ConfigError, DataError, GanforgeError
from ganforge.tabular import evaluate_run, evaluate_table, format_report

from .conftest import SMOKE


def test_samples_are_dataframes_with_the_real_columns_and_dtypes(penguin_run):
    gen = ganforge.load(penguin_run)
    assert gen.kind == "table"
    df = gen.sample(200, seed=3)
    real = load_penguins()
    assert isinstance(df, pd.DataFrame) and len(df) == 200
    assert list(df.columns) == list(real.columns)
    assert dict(df.dtypes) == dict(real.dtypes)
    assert set(df["species"]) <= set(real["species"])
    assert df["year"].isin([2007, 2008, 2009]).all()
    numeric = df["body_mass_g"].dropna()
    assert numeric.between(real["body_mass_g"].min(), real["body_mass_g"].max()).all()
    assert (numeric == numeric.round()).all()
    pd.testing.assert_frame_equal(df, gen.sample(200, seed=3))  # same seed, same rows


def test_conditional_sampling_returns_only_the_requested_value(penguin_run):
    gen = ganforge.load(penguin_run)
    df = gen.sample(60, where={"island": "Dream"})
    assert len(df) == 60 and (df["island"] == "Dream").all()
    both = gen.sample(10, where={"species": "Gentoo", "year": "2008"})
    assert (both["species"] == "Gentoo").all() and (both["year"] == 2008).all()


@pytest.mark.parametrize("where,message", [
    ({"nope": "x"}, "does not have"),
    ({"island": "Atlantis"}, "never takes the value"),
    ({"body_mass_g": "4000"}, "discrete columns"),
])
def test_bad_where_fails_clearly(penguin_run, where, message):
    with pytest.raises(ConfigError, match=message):
        ganforge.load(penguin_run).sample(5, where=where)


def test_cli_sample_where_to_csv(penguin_run, tmp_path):
    out = tmp_path / "x.csv"
    result = CliRunner().invoke(cli, ["sample", str(penguin_run), "-n", "100", "--out", str(out),
                                      "--where", "island=Dream"])
    assert result.exit_code == 0, result.output
    df = pd.read_csv(out)
    assert len(df) == 100 and (df["island"] == "Dream").all()


def test_cli_bad_where_is_one_line(penguin_run, tmp_path):
    result = CliRunner().invoke(cli, ["sample", str(penguin_run), "-n", "5", "--out", str(tmp_path / "x.csv"),
                                      "--where", "island=Atlantis"])
    assert result.exit_code == 2
    assert "never takes the value" in result.output and result.output.strip().count("\n") == 0


def test_evaluate_table_writes_eval_json(penguin_run):
    real = load_penguins()
    report = evaluate_table(penguin_run, real, n=150, model="linear")
    assert {r["column"] for r in report["columns"]} == set(real.columns)
    assert 0 <= report["summary"]["mean_ks"] <= 1 and 0 <= report["summary"]["mean_tvd"] <= 1
    assert set(report["efficacy"]["real"]) == {"accuracy", "balanced_accuracy", "f1_macro"}
    assert report["privacy"]["dcr_synth_median"] > 0
    assert json.loads((penguin_run / "eval.json").read_text())["rows"]["synthetic"] == 150
    assert "ML efficacy" in format_report(report)
    assert evaluate_run(penguin_run, n=50, model="linear", write=False)["rows"]["real"] == len(real)


def test_train_from_a_dataframe(tmp_path):
    df = load_penguins()[["species", "island", "bill_length_mm", "sex"]]
    run = ganforge.train("tabular", out=tmp_path / "frame", data=df, overrides=SMOKE[1:] + ["steps=4"])
    assert (run / "table.csv").is_file()
    out = ganforge.load(run).sample(20)
    assert list(out.columns) == list(df.columns)


def test_non_table_data_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="needs a table"):
        ganforge.train("tabular", out=tmp_path / "ring", overrides=["data=ring8", "steps=1", "progress=false"])


def test_data_options_discrete_accepts_a_comma_string(tmp_path):
    run = ganforge.train("tabular", out=tmp_path / "opts", overrides=SMOKE[1:] + [
        "steps=2", "data_options.discrete=island,sex", "data_options.drop=[year]"])
    info = json.loads((run / "data.json").read_text())
    kinds = {c["name"]: c["kind"] for c in info["table"]["columns"]}
    assert "year" not in kinds and kinds["island"] == "categorical"


def test_resume_equals_an_uninterrupted_run(tmp_path):
    from safetensors.torch import load_file

    from ganforge.train.checkpoint import latest_checkpoint

    opts = SMOKE[1:] + ["checkpoint_every=5"]
    whole = ganforge.train("tabular", out=tmp_path / "whole", overrides=opts + ["steps=10"])
    part = ganforge.train("tabular", out=tmp_path / "part", overrides=opts + ["steps=5"])
    ganforge.train(resume=part, overrides=["steps=10"])
    a = load_file(str(latest_checkpoint(whole) / "weights.safetensors"))
    b = load_file(str(latest_checkpoint(part) / "weights.safetensors"))
    assert a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)


def test_cli_eval_dispatches_to_the_table_suite(penguin_run):
    result = CliRunner().invoke(cli, ["eval", str(penguin_run), "-n", "100"])
    assert result.exit_code == 0, result.output
    assert "ML efficacy" in result.output and "privacy" in result.output
    assert json.loads((penguin_run / "eval.json").read_text())["rows"]["synthetic"] == 100


@pytest.mark.parametrize("overrides, message", [
    (["data_options.target=nope"], "data_options.target names column 'nope'"),
    (["data_options.discrete=[nope]"], "nope"),
    (["data_options.drop=[nope]"], "data_options.drop names column 'nope'"),
])
def test_dataframe_errors_come_before_the_run_directory(tmp_path, overrides, message):
    out = tmp_path / "run"
    with pytest.raises(GanforgeError, match=message):
        ganforge.train("tabular-fast", out=out, data=load_penguins(), overrides=["steps=1", *overrides])
    assert not out.exists()


def test_an_empty_dataframe_is_refused_before_the_run_directory(tmp_path):
    out = tmp_path / "run"
    with pytest.raises(DataError, match="row"):
        ganforge.train("tabular-fast", out=out, data=load_penguins().iloc[:0], overrides=["steps=1"])
    assert not out.exists()
