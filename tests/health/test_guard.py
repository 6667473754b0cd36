"""The health monitor inside the Trainer: flags in metrics.jsonl and rollback on divergence."""
import json

import pytest
import torch

from ganforge.config import read_yaml, recipe_dir, resolve_config
from ganforge.train.guard import TrainingDiverged
from ganforge.train.rundir import prepare_new
from ganforge.train.trainer import Trainer


def make_trainer(tmp_path, overrides):
    cfg = resolve_config("ring8", overrides)
    prepare_new(tmp_path / "run", cfg)
    return Trainer(cfg, tmp_path / "run")


def poison_d_step(trainer, bad_steps, persistent=False):
    """Make the D loss NaN at the given generator steps (once each, or every time)."""
    original = trainer.objective.d_step
    remaining = set(bad_steps)

    def d_step(real, labels, ctx):
        loss, logs = original(real, labels, ctx)
        if ctx.step in remaining:
            if not persistent:
                remaining.discard(ctx.step)
            loss = loss * float("nan")
        return loss, logs

    trainer.objective.d_step = d_step


def rows(trainer):
    return [json.loads(line) for line in (trainer.run_dir / "metrics.jsonl").read_text().splitlines()]


def test_nan_mid_run_rolls_back_halves_lr_and_finishes(tmp_path, tiny_ring8):
    trainer = make_trainer(tmp_path, tiny_ring8 + ["steps=40"])
    poison_d_step(trainer, {23})
    trainer.fit()
    assert trainer.step == 40 and trainer.weights_finite()
    events = [r for r in rows(trainer) if r.get("event") == "rollback"]
    assert len(events) == 1 and events[0]["step"] == 20 and events[0]["from_step"] == 25
    assert trainer.lr_scale == 0.5
    assert "divergence" in events[0]["flags"]
    last = [r for r in rows(trainer) if "lr_d" in r][-1]
    assert last["lr_d"] == pytest.approx(0.5 * trainer.cfg.lr_d)


def test_repeated_divergence_stops_with_a_clear_message(tmp_path, tiny_ring8):
    trainer = make_trainer(tmp_path, tiny_ring8 + ["steps=40", "max_rollbacks=1"])
    poison_d_step(trainer, {12}, persistent=True)
    with pytest.raises(TrainingDiverged, match="diverged again after 1 rollback"):
        trainer.fit()
    # the run directory stays consistent and resumable
    assert (tmp_path / "run" / "checkpoints" / "step-00000010").exists()


def test_flags_are_logged_for_a_collapsed_generator(tmp_path, tiny_ring8):
    # a 40-step run: the collapse window may span 20 steps instead of 250
    trainer = make_trainer(tmp_path, tiny_ring8 + ["steps=40", "health.collapse_steps=20"])
    # collapse G onto one mode: every latent maps to the centre of the first Gaussian, and G cannot move
    with torch.no_grad():
        for layer in trainer.generator.net:
            if isinstance(layer, torch.nn.Linear):
                layer.weight.zero_()
                layer.bias.zero_()
        trainer.generator.net[-1].bias.copy_(trainer.dataset.modes[0][0])
    trainer.cfg.lr_g = 1e-30
    trainer.fit()
    flagged = [r for r in rows(trainer) if "mode_collapse" in r.get("flags", [])]
    assert flagged and all(r["recall"] < 0.25 and r["precision"] > 0.5 for r in flagged)


def test_finite_explosion_rolls_back_and_stops(tmp_path, tiny_ring8):
    trainer = make_trainer(tmp_path, tiny_ring8 + ["lr_g=10", "lr_d=10", "max_rollbacks=1"])
    recipe = read_yaml(recipe_dir() / "ring8.yaml")  # the advice goes back to the recipe's own rates
    with pytest.raises(TrainingDiverged, match=f"lr_g={recipe['lr_g']:.2g} lr_d={recipe['lr_d']:.2g}"):
        trainer.fit()
    events = [r for r in rows(trainer) if r.get("event") == "rollback"]
    assert len(events) == 1 and events[0]["flags"] == ["divergence"]


def test_checks_that_cannot_apply_are_off_and_say_why(tmp_path, tiny_ring8):
    trainer = make_trainer(tmp_path, tiny_ring8 + ["holdout=0", "metrics=[]", "steps=2"])
    trainer.fit()
    info = json.loads((trainer.run_dir / "health.json").read_text())
    assert set(info["checks_off"]) == {"d_overfitting", "quality_worsening"} and info["holdout"] == 0
    assert "holdout=0" in info["checks_off"]["d_overfitting"]


def test_healthy_short_run_raises_no_divergence(tmp_path, tiny_ring8):
    trainer = make_trainer(tmp_path, tiny_ring8)
    trainer.fit()
    assert not any("divergence" in r.get("flags", []) for r in rows(trainer))


@pytest.mark.parametrize("recipe, overrides, off", [
    ("pix2pix-edges", ["image_size=16", "generator.width=4", "discriminator.width=4", "batch_size=4"],
     {"mode_collapse", "d_overfitting", "quality_worsening"}),
    ("tabular", ["batch_size=20", "objective.pac=10"], {"mode_collapse", "d_overfitting", "quality_worsening"}),
])
def test_tables_and_translation_switch_the_checks_they_cannot_support_off(tmp_path, recipe, overrides, off):
    cfg = resolve_config(recipe, overrides + ["steps=2", "log_every=1", "progress=false", "report=false"])
    prepare_new(tmp_path / "run", cfg)
    trainer = Trainer(cfg, tmp_path / "run")
    assert len(trainer.holdout) == 0 and trainer.stream.index is None  # their training data stays whole
    trainer.fit()
    info = json.loads((tmp_path / "run" / "health.json").read_text())
    assert set(info["checks_off"]) == off
    logged = [r for r in rows(trainer) if "loss_d" in r]
    assert logged and all("overfit" not in r and r["flags"] == [] for r in logged)
