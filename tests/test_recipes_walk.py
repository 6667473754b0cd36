"""Every shipped recipe runs on a fresh machine: no Inception or VGG file, an empty cache, CPU.

The fast test builds each recipe's trainer, thinner (data, networks and the in-training
metrics' feature extractors, which is where a missing file stops a run) and takes two steps;
the slow one trains each recipe end to end from the command line for two steps."""
import math
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from ganforge.config import describe_config, list_recipes, resolve_config
from ganforge.metrics.extractors import INCEPTION_ENV
from ganforge.nets.vgg import VGG19_ENV

RECIPES = [name for name, _ in list_recipes()]
# 40 is a multiple of every recipe's packing and group sizes (tabular pac=10, minibatch-std groups of 4)
SHORT = ["steps=2", "batch_size=40", "num_samples=8", "eval_n=64", "log_every=1", "device=cpu", "progress=false",
         "report=false", "plots=false", "tensorboard=false", "compile=false"]


@pytest.fixture
def fresh_machine(monkeypatch, tmp_path):
    monkeypatch.delenv(INCEPTION_ENV, raising=False)
    monkeypatch.delenv(VGG19_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path


def test_there_are_recipes_to_walk():
    assert len(RECIPES) >= 20 and "stylegan2-faces" in RECIPES


@pytest.mark.parametrize("name", RECIPES)
def test_every_recipe_builds_and_steps_with_no_extra_files(name, fresh_machine, monkeypatch):
    from ganforge.metrics.run_evaluator import RunEvaluator
    from ganforge.train.trainer import Trainer

    # The extractors are built (and a missing weights file fails) when the evaluator is; the real
    # data's statistics need no file and take the most time, so the slow test below computes them.
    monkeypatch.setattr(RunEvaluator, "prepare", lambda self: None)

    cfg = resolve_config(name, SHORT)
    keys = {row.name for row in describe_config(cfg)}
    narrow = [f"{net}.width=16" for net in ("generator", "discriminator") if f"{net}.width" in keys]
    cfg = resolve_config(cfg, narrow)  # the recipe's own architecture, only thinner
    trainer = Trainer(cfg, fresh_machine / "run")  # loads data, builds nets, finds the metrics' extractors
    for _ in range(2):
        logs = trainer.train_step(want_logs=True)
        trainer.step += 1
    assert math.isfinite(logs["loss_d"]) and math.isfinite(logs["loss_g"])
    assert not (fresh_machine / "run").exists()  # building and stepping write nothing


@pytest.mark.slow
@pytest.mark.parametrize("name", RECIPES)
def test_every_recipe_trains_from_the_command_line(name, fresh_machine):
    env = {k: v for k, v in os.environ.items() if k not in (INCEPTION_ENV, VGG19_ENV)}
    env.update(HOME=str(fresh_machine / "home"), OMP_NUM_THREADS="1", GANFORGE_CACHE=str(fresh_machine / "cache"))
    out = fresh_machine / "run"
    done = subprocess.run([sys.executable, "-m", "ganforge", "train", name, "--out", str(out), *SHORT],
                          capture_output=True, text=True, env=env, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert f"run saved to {out}" in done.stdout
    # the end-of-training hint names a command that works for this kind of run
    hint = next(line for line in done.stdout.splitlines() if line.strip().startswith(HINTS))
    command = hint.split(":", 1)[1].split()[1:]  # after "ganforge"
    image = fresh_machine / "input.png"
    Image.fromarray(np.full((32, 32, 3), 128, np.uint8)).save(image)
    swap = {"IMAGES...": str(image), "IMAGE": str(image), "MASK": "box:4,4,8,8"}
    command = [swap.get(word, word) for word in command]
    again = subprocess.run([sys.executable, "-m", "ganforge", *command], capture_output=True, text=True, env=env,
                           timeout=600, cwd=fresh_machine)
    assert again.returncode == 0, (hint, again.stderr[-2000:])


HINTS = ("sample more:", "apply it:", "restore:")
