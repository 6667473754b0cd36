"""Each media recipe trains, samples, evaluates and resumes through the ordinary engine."""
import json

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from PIL import Image
from safetensors.torch import load_file

import ganforge
from ganforge.cli import cli
from ganforge.train.checkpoint import latest_checkpoint


def _sample(run, *args):
    result = CliRunner().invoke(cli, ["sample", str(run), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_video_recipe_trains_samples_and_evaluates(tmp_path, tiny_video):
    run = ganforge.train("video-mnist", out=tmp_path / "run", overrides=tiny_video)
    preview = Image.open(run / "samples" / "step-00000004.png")
    assert preview.n_frames == 4  # an animated PNG, one grid per frame
    _sample(run, "-n", "4", "--grid", "--out", str(tmp_path / "clips.gif"))
    assert Image.open(tmp_path / "clips.gif").n_frames == 4
    _sample(run, "-n", "2", "--out", str(tmp_path / "each"))
    assert sorted(p.name for p in (tmp_path / "each").iterdir()) == ["00000.gif", "00001.gif"]
    _sample(run, "-n", "3", "--out", str(tmp_path / "clips.npy"))
    assert np.load(tmp_path / "clips.npy").shape == (3, 1, 4, 32, 32)
    gen = ganforge.load(run)
    assert torch.equal(gen.sample(2, seed=5), gen.sample(2, seed=5))
    result = CliRunner().invoke(cli, ["eval", str(run), "--metrics", "fid,temporal", "-n", "8"])
    assert result.exit_code == 0, result.output
    assert {"fid", "identity_consistency"} <= set(json.loads((run / "eval.json").read_text())["results"])


def test_audio_recipe_trains_samples_and_evaluates(tmp_path, tiny_audio):
    import soundfile

    run = ganforge.train("wavegan-notes", out=tmp_path / "run", overrides=tiny_audio)
    assert (run / "samples" / "step-00000004.wav").exists() and (run / "samples" / "step-00000004.png").exists()
    _sample(run, "-n", "3", "--out", str(tmp_path / "clips"))
    wave, rate = soundfile.read(str(tmp_path / "clips" / "00002.wav"))
    assert rate == 16000 and wave.shape == (1024,)
    _sample(run, "-n", "2", "--out", str(tmp_path / "row.wav"))
    assert soundfile.info(str(tmp_path / "row.wav")).frames == 2 * 1024 + 4000
    result = CliRunner().invoke(cli, ["eval", str(run), "--metrics", "notes,fid,is", "-n", "8"])
    assert result.exit_code == 0, result.output
    assert "notes_covered" in json.loads((run / "eval.json").read_text())["results"]


def test_text_recipe_trains_samples_evaluates_and_resumes(tmp_path, tiny_text):
    run = ganforge.train("textgan-words", out=tmp_path / "run", overrides=tiny_text)
    assert len((run / "samples" / "step-00000004.txt").read_text().splitlines()) == 8
    _sample(run, "-n", "5", "--out", str(tmp_path / "words.txt"))
    lines = (tmp_path / "words.txt").read_text().splitlines()
    assert len(lines) == 5 and all(set(s) <= set("abcdefghijklmnopqrstuvwxyz") for s in lines)
    bad = CliRunner().invoke(cli, ["sample", str(run), "--out", str(tmp_path / "words.png")])
    assert bad.exit_code == 2 and ".txt" in bad.output
    result = CliRunner().invoke(cli, ["eval", str(run), "--metrics", "words,ngrams", "-n", "20"])
    assert result.exit_code == 0, result.output
    part = ganforge.train("textgan-words", out=tmp_path / "part", overrides=tiny_text + ["steps=2"])
    resumed = ganforge.train(resume=part, overrides=["steps=4"])
    from safetensors.torch import load_file

    a = load_file(str(latest_checkpoint(run) / "weights.safetensors"))
    b = load_file(str(latest_checkpoint(resumed) / "weights.safetensors"))
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_media_objectives_refuse_the_wrong_data(tmp_path):
    from ganforge.errors import ConfigError

    with pytest.raises(ConfigError, match="video data"):
        ganforge.train("video-mnist", out=tmp_path / "x", overrides=["data=mnist", "data_options={}", "steps=1", "progress=false"])


def test_likelihood_pretraining_skips_the_critic_steps(tmp_path, tiny_text):
    # all four steps pre-train G: D takes no step (no batch, no optimizer step), so its weights
    # stay those it started with
    pre = tiny_text + ["objective.pretrain_steps=4", "n_critic=5"]
    start = ganforge.train("textgan-words", out=tmp_path / "start", overrides=pre + ["steps=0"])
    run = ganforge.train("textgan-words", out=tmp_path / "run", overrides=pre)
    state = torch.load(latest_checkpoint(run) / "state.pt", weights_only=False)
    assert state["d_steps"] == 0 and not state["opt_d"]["state"] and state["opt_g"]["state"]
    a = load_file(str(latest_checkpoint(start) / "weights.safetensors"))
    b = load_file(str(latest_checkpoint(run) / "weights.safetensors"))
    d_keys = [k for k in a if "discriminator" in k]
    g_keys = [k for k in a if "generator" in k and "ema" not in k]
    assert d_keys and all(torch.equal(a[k], b[k]) for k in d_keys)
    assert any(not torch.equal(a[k], b[k]) for k in g_keys)


def test_health_probe_reads_the_critic_only_once_it_trains(tmp_path, tiny_text):
    # A critic at its initialisation scores noise: during likelihood pre-training the probe logs
    # no D statistics (r_v of an untrained D reached 2.8 and raised d_overfitting on a healthy
    # run), and from the GAN phase on it does.
    import json

    over = [o for o in tiny_text if not o.startswith(("steps=", "objective.pretrain_steps="))]
    run = ganforge.train("textgan-words", out=tmp_path / "run",
                         overrides=over + ["objective.pretrain_steps=4", "steps=8", "log_every=1"])
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    rows = [r for r in rows if "step" in r and "recall" in r]
    assert {r["step"] for r in rows} >= {2, 6}
    assert all("overfit" not in r and "d_gen" not in r for r in rows if r["step"] < 4)
    assert all("overfit" in r and "d_gen" in r for r in rows if r["step"] > 4)
