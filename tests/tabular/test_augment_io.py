"""Augmentation workflow, the augment command, and table files."""
import importlib.util
import json

import pandas as pd
import pytest
from click.testing import CliRunner
from palmerpenguins import load_penguins

from ganforge.cli import cli
from ganforge.errors import ConfigError, DataError
from ganforge.tabular import augment_table, format_augment
from ganforge.tabular.io import read_table, write_table

from .conftest import SMOKE


def test_augment_balances_the_target_and_scores_both(tmp_path):
    report = augment_table(load_penguins(), "species", balance=True, model="linear", run_dir=tmp_path / "aug",
                           overrides=SMOKE[1:] + ["steps=10"], out=tmp_path / "augmented.csv")
    counts = report["target_counts"]["augmented"]
    assert len(set(counts.values())) == 1  # every species as common as the most common one
    assert set(report["real"]) == set(report["augmented"]) == {"accuracy", "balanced_accuracy", "f1_macro"}
    saved = json.loads((tmp_path / "aug" / "augment.json").read_text())
    assert saved["rows"]["synthetic"] == report["rows"]["synthetic"]
    written = pd.read_csv(tmp_path / "augmented.csv")
    assert len(written) == report["rows"]["train"] + report["rows"]["synthetic"]
    assert "real + synthetic" in format_augment(report)


def test_augment_cli_from_a_run(penguin_run, tmp_path):
    out = tmp_path / "more.csv"
    result = CliRunner().invoke(cli, ["augment", str(penguin_run), "--target", "island", "--ratio", "0.5",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(out)) == 344 + 172


def test_augment_needs_a_row_count(tmp_path):
    with pytest.raises(ConfigError, match="--ratio K"):
        augment_table(load_penguins(), "species")
    result = CliRunner().invoke(cli, ["augment", "penguins", "--target", "species", "--ratio", "1", "--model", "svm"])
    assert result.exit_code == 2 and "unknown model 'svm'" in result.output


def test_table_files_round_trip_and_refuse_unknown_suffixes(tmp_path):
    df = load_penguins().head(20)
    write_table(df, tmp_path / "t.csv")
    pd.testing.assert_frame_equal(read_table(tmp_path / "t.csv"), df, check_dtype=False)
    with pytest.raises(ConfigError, match=".csv, .tsv or .parquet"):
        write_table(df, tmp_path / "t.xlsx")
    if importlib.util.find_spec("pyarrow") is None:
        with pytest.raises(ConfigError, match="pip install pyarrow"):
            write_table(df, tmp_path / "t.parquet")
    else:
        write_table(df, tmp_path / "t.parquet")
        pd.testing.assert_frame_equal(read_table(tmp_path / "t.parquet"), df)


def test_csv_loader_errors(tmp_path):
    from ganforge.data import load_dataset

    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(DataError, match="is empty"):
        load_dataset(f"csv:{tmp_path / 'empty.csv'}")
    (tmp_path / "one.csv").write_text("a,b\n1,x\n")
    with pytest.raises(DataError, match="1 row"):
        load_dataset(f"csv:{tmp_path / 'one.csv'}")
    with pytest.raises(DataError, match="does not exist"):
        load_dataset(f"csv:{tmp_path / 'missing.csv'}")
    (tmp_path / "ok.csv").write_text("a,b\n1,x\n2,y\n3,x\n")
    with pytest.raises(ConfigError, match="unknown option 'discret'"):
        load_dataset(f"csv:{tmp_path / 'ok.csv'}", discret=["b"])
    ds = load_dataset(f"csv:{tmp_path / 'ok.csv'}", discrete="a,b")
    assert ds.info()["kind"] == "table" and ds.x.shape == (3, 5)


def test_balancing_a_numeric_target_is_refused_before_training(tmp_path):
    with pytest.raises(ConfigError, match="--balance needs a discrete target column; 'body_mass_g'"):
        augment_table(load_penguins(), "body_mass_g", balance=True, run_dir=tmp_path / "aug")
    assert not (tmp_path / "aug").exists()
