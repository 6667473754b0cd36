"""ganforge detect: on a run, on two folders, scoring files with a saved detector; eval --metrics c2st."""
import json

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

import ganforge
from ganforge.cli import cli

FAST = ["--epochs", "2", "--width", "4"]


@pytest.fixture(scope="module")
def run(tmp_path_factory, request):
    overrides = ["image_size=16", "steps=4", "batch_size=16", "generator.width=8", "discriminator.width=8",
                 "progress=false", "report=false", "metrics=[]", "num_samples=16"]
    return ganforge.train("dcgan-mnist", out=tmp_path_factory.mktemp("runs") / "dc", overrides=overrides)


def test_detect_a_run_saves_a_detector_that_scores_files(run, tmp_path):
    r = CliRunner().invoke(cli, ["detect", str(run), "-n", "200", *FAST])
    assert r.exit_code == 0, r.output
    assert "c2st_auc" in r.output and "AUC" in r.output and "held out" in r.output
    folder = run / "detector"
    config = json.loads((folder / "config.json").read_text())
    assert config["shape"] == [1, 16, 16] and config["trained_on"]["real"] == "mnist"
    report = json.loads((folder / "detect.json").read_text())
    assert report["n_test"] == 200 and 0 <= report["c2st_auc"] <= 1
    assert (folder / "model.safetensors").is_file()
    ganforge.load(run).sample(3)
    r = CliRunner().invoke(cli, ["sample", str(run), "-n", "3", "--out", str(tmp_path / "fakes")])
    assert r.exit_code == 0
    Image.new("RGB", (40, 30), (10, 200, 30)).save(tmp_path / "fakes" / "other.jpg")  # any size and mode
    r = CliRunner().invoke(cli, ["detect", "--model", str(folder), str(tmp_path / "fakes")])
    assert r.exit_code == 0, r.output
    rows = r.output.strip().splitlines()
    assert rows[0].split() == ["image", "p_generated", "verdict"] and len(rows) == 5
    assert all(0 <= float(line.split()[1]) <= 1 for line in rows[1:])


def test_detect_two_folders(tmp_path):
    rng = np.random.default_rng(0)
    for name, scale in (("real", 40), ("fake", 120)):
        (tmp_path / name).mkdir()
        for i in range(12):
            pixels = np.clip(128 + rng.normal(0, scale, (20, 20, 3)), 0, 255).astype(np.uint8)
            Image.fromarray(pixels).save(tmp_path / name / f"{i}.png")
    out = tmp_path / "det"
    r = CliRunner().invoke(cli, ["detect", "--real", str(tmp_path / "real"), "--fake", str(tmp_path / "fake"),
                                 "--out", str(out), "--image-size", "16", *FAST])
    assert r.exit_code == 0, r.output
    assert json.loads((out / "config.json").read_text())["shape"] == [3, 16, 16]


@pytest.mark.parametrize("args,message", [
    (["detect"], "pass one RUN directory"),
    (["detect", "--real", "a"], "--real DIR --fake DIR"),
    (["detect", "--real", "a", "--fake", "b"], "pass --out DIR"),
    (["detect", "--model", "nowhere"], "pass image files"),
    (["detect", "--model", "nowhere", "x.png"], "not a detector folder"),
])
def test_bad_usage_is_one_line(args, message):
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 2 and message in r.output


def test_eval_c2st(run):
    r = CliRunner().invoke(cli, ["eval", str(run), "--metrics", "c2st", "-n", "200"])
    assert r.exit_code == 0, r.output
    results = json.loads((run / "eval.json").read_text())["results"]
    assert set(results) == {"c2st_auc", "c2st_accuracy", "c2st_p_value"}
