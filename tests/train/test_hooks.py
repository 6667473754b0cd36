"""Hooks see a read-only view of the run and ask the Trainer for actions."""
import json

import pytest

from ganforge.config import resolve_config
from ganforge.train.hooks import Hook, Record, RollBack, SaveBest, ScaleLR, Stop
from ganforge.train.rundir import prepare_new
from ganforge.train.trainer import Trainer


def make_trainer(tmp_path, overrides, hooks=()):
    cfg = resolve_config("ring8", overrides)
    prepare_new(tmp_path / "run", cfg)
    return Trainer(cfg, tmp_path / "run", hooks=hooks)


def rows(trainer):
    return [json.loads(line) for line in (trainer.run_dir / "metrics.jsonl").read_text().splitlines()]


class Scripted(Hook):
    """Asks for ``actions[step]`` after that step and remembers what it saw."""

    name = "scripted"

    def __init__(self, actions):
        self.actions, self.seen, self.answers = actions, [], []

    def observe(self, view, logs):
        logs["scripted"] = float(view.step)

    def due(self, view, logs):
        return view.step in self.actions

    def run(self, view, logs):
        self.seen.append((view.step, view.lr_scale))
        self.answers.append(view.request(self.actions.pop(view.step)))  # once: a roll back repeats steps


def test_the_view_cannot_be_assigned(tmp_path, tiny_ring8):
    trainer = make_trainer(tmp_path, tiny_ring8 + ["steps=1"])
    for name in ("step", "lr_scale", "cfg", "generator"):
        with pytest.raises(AttributeError):
            setattr(trainer.view, name, 0)
    assert trainer.view.sampler is (trainer.ema.shadow if trainer.ema is not None else trainer.generator)


def test_a_hook_scales_the_lr_records_and_stops_with_a_checkpoint(tmp_path, tiny_ring8):
    hook = Scripted({4: ScaleLR(0.25), 6: Record({"note": 1.0}), 7: Stop("enough")})
    trainer = make_trainer(tmp_path, tiny_ring8 + ["steps=30", "checkpoint_every=100"], hooks=[hook])
    trainer.fit()
    assert trainer.step == 7 and trainer.lr_scale == 0.25
    logged = rows(trainer)
    assert any(r.get("note") == 1.0 and r["step"] == 6 for r in logged)
    assert logged[-1] == {"step": 7, "event": "stop", "reason": "enough"}
    assert all("scripted" in r for r in logged if "loss_d" in r)  # observe() added to every logged row
    assert (trainer.run_dir / "checkpoints" / "step-00000007").exists()  # the stop was checkpointed
    last = [r for r in logged if "lr_d" in r][-1]
    assert last["lr_d"] == pytest.approx(0.25 * trainer.cfg.lr_d)


def test_roll_back_and_save_best_are_answered(tmp_path, tiny_ring8):
    hook = Scripted({12: RollBack(["test"], lr_factor=0.5), 15: SaveBest("score", 1.5)})
    trainer = make_trainer(tmp_path, tiny_ring8 + ["steps=16", "checkpoint_every=10", "metrics=[]"], hooks=[hook])
    trainer.fit()
    rolled = hook.answers[0]
    assert (rolled.from_step, rolled.to_step, rolled.lr_scale) == (12, 10, 0.5)
    assert [r for r in rows(trainer) if r.get("event") == "rollback"][0]["flags"] == ["test"]
    assert json.loads((trainer.run_dir / "best.json").read_text()) == {"step": 15, "metric": "score", "value": 1.5}
    assert (trainer.run_dir / "checkpoints" / "best").is_dir()
    assert hook.seen[-1] == (15, 0.5)  # steps 11-12 were trained again at the lower rate
