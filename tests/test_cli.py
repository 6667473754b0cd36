"""The command line: exit codes, one-line errors, sample outputs, recipes, an end-to-end train."""
import os
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

import ganforge
from ganforge.cli import cli


def run_cli(*args):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "ganforge", *args], capture_output=True, text=True, env=env,
                          timeout=300)


@pytest.mark.parametrize("args,message", [
    (["train", "bogus=1"], "ganforge: error: unknown key 'bogus'; valid keys:"),
    (["train", "loss=foo"], "unknown loss 'foo'; choose one of:"),
    (["train", "nope"], "unknown recipe 'nope'; choose one of:"),
    (["train", "data=folder:/does/not/exist", "steps=1"], "does not exist; pass data=folder:PATH"),
    (["sample", "/does/not/exist", "--out", "x.png"], "is not a ganforge run"),
])
def test_bad_input_is_one_line_exit_2_no_traceback(args, message):
    result = run_cli(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_end_to_end_train_then_sample_every_format(tmp_path, tiny_mnist):
    out = tmp_path / "run"
    result = run_cli("train", "--out", str(out), *tiny_mnist, "metrics=[]")
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"run saved to {out}" in result.stdout
    runner = CliRunner()
    r = runner.invoke(cli, ["sample", str(out), "-n", "6", "--out", str(tmp_path / "s.npy"), "--seed", "3"])
    assert r.exit_code == 0, r.output
    arr = np.load(tmp_path / "s.npy")
    assert arr.shape == (6, 1, 16, 16) and arr.min() >= -1 and arr.max() <= 1
    again = runner.invoke(cli, ["sample", str(out), "-n", "6", "--out", str(tmp_path / "t.npy"), "--seed", "3"])
    assert again.exit_code == 0 and np.array_equal(arr, np.load(tmp_path / "t.npy"))
    r = runner.invoke(cli, ["sample", str(out), "-n", "4", "--out", str(tmp_path / "pngs")])
    assert r.exit_code == 0 and len(list((tmp_path / "pngs").glob("*.png"))) == 4
    assert Image.open(tmp_path / "pngs" / "00000.png").size == (16, 16)
    r = runner.invoke(cli, ["sample", str(out), "-n", "9", "--grid", "--out", str(tmp_path / "g.png")])
    assert r.exit_code == 0 and Image.open(tmp_path / "g.png").size == (3 * 18 + 2, 3 * 18 + 2)
    r = runner.invoke(cli, ["sample", str(out), "-n", "4", "--grid", "--out", str(tmp_path / "g.jpg")])
    assert r.exit_code == 2 and "give --out a name ending in .png" in r.output


def test_vectors_sample_to_npy_only(tmp_path, tiny_ring8):
    run = ganforge.train("ring8", out=tmp_path / "run", overrides=tiny_ring8 + ["steps=5", "metrics=[]"])
    runner = CliRunner()
    r = runner.invoke(cli, ["sample", str(run), "-n", "7", "--out", str(tmp_path / "p.npy")])
    assert r.exit_code == 0 and np.load(tmp_path / "p.npy").shape == (7, 2)
    r = runner.invoke(cli, ["sample", str(run), "-n", "7", "--out", str(tmp_path / "dir")])
    assert r.exit_code == 2 and "only be written as .npy" in r.output


def test_recipes_lists_names_and_descriptions():
    r = CliRunner().invoke(cli, ["recipes"])
    assert r.exit_code == 0
    lines = dict(line.split(None, 1) for line in r.output.strip().splitlines())
    assert "dcgan-mnist" in lines and "ring8" in lines and all(lines.values())


@pytest.mark.parametrize("info,objective,expected", [
    ({"kind": "image", "task": "paired", "scale": 1}, "pix2pix", "ganforge translate RUN IMAGES... --out translated/"),
    ({"kind": "image", "task": "paired", "scale": 4}, "superres", "ganforge upscale RUN IMAGES... --out upscaled/"),
    ({"kind": "image", "task": "unpaired", "scale": 1}, "cyclegan", "ganforge translate RUN"),
    ({"kind": "image"}, "inpaint", "ganforge inpaint RUN IMAGE --mask MASK"),
    ({"kind": "image"}, "gan", "ganforge sample RUN -n 64 --grid --out samples.png"),
    ({"kind": "vector"}, "gan", "ganforge sample RUN -n 1000 --out samples.npy"),
    ({"kind": "table"}, "tabular", "ganforge sample RUN -n 1000 --out synth.csv"),
    ({"kind": "video"}, "mocogan", "--grid --out clips.gif"),
    ({"kind": "audio"}, "gan", "--out clips.wav"),
    ({"kind": "text"}, "gan", "--out samples.txt"),
])
def test_the_end_of_training_hint_fits_the_run_kind(info, objective, expected):
    from pathlib import Path

    from ganforge.commands.train import next_step

    line = next_step(Path("RUN"), info, objective)
    assert expected in line
    assert "--grid" not in line or info["kind"] in ("image", "video")
