"""Never save a bad state: a checkpoint is written only when weights, EMA weights, optimizer
moments and augmentation state are finite; runs that cannot get there stop with the learning
rates to lower; a second Ctrl-C during a checkpoint write exits 130 and leaves no temporary."""
import json
import math
import os
import signal

import pytest
import torch

from ganforge.train import checkpoint as ckpt

from .harness import TINY, invoke, train_tiny

FAST = [o for o in TINY if not o.startswith(("steps=", "log_every=", "checkpoint_every=", "sample_every="))]


def _adam_state(poison: str):
    net = torch.nn.Linear(3, 2)
    opt = torch.optim.Adam(net.parameters())
    net(torch.randn(4, 3)).sum().backward()
    opt.step()
    state = opt.state_dict()
    moments = state["state"][0]
    if poison in ("exp_avg", "exp_avg_sq"):
        moments[poison][0, 0] = math.inf
    return net, state


def _full_state(opt_g, objective=None, lr_scale=1.0):
    return {"step": 7, "d_steps": 7, "opt_g": opt_g, "opt_d": opt_g, "data": {}, "rng": {},
            "objective": objective or {}, "lr_scale": lr_scale}


@pytest.mark.parametrize("poison", ["exp_avg", "exp_avg_sq", "weight", "ema", "augment", "lr_scale"])
def test_a_non_finite_part_is_never_written(tmp_path, poison):
    net, opt = _adam_state(poison)
    modules = {"objective": net}
    objective = {"augment": {"p": torch.tensor(0.2)}}
    if poison == "weight":
        with torch.no_grad():
            net.weight[0, 0] = float("nan")
    if poison == "ema":
        ema = torch.nn.Linear(3, 2)
        with torch.no_grad():
            ema.bias.fill_(float("inf"))
        modules["G_ema"] = ema
    if poison == "augment":
        objective = {"augment": {"p": torch.tensor(float("nan"))}}
    target = tmp_path / "checkpoints" / "step-00000007"
    with pytest.raises(ckpt.NonFiniteState) as err:
        ckpt.write_checkpoint(target, modules, _full_state(opt, objective, math.inf if poison == "lr_scale" else 1.0))
    assert "not finite" in str(err.value)
    assert not (tmp_path / "checkpoints").exists()  # not even the folder


def test_a_good_state_round_trips_and_is_intact(tmp_path):
    net, opt = _adam_state("none")
    target = ckpt.write_checkpoint(tmp_path / "checkpoints" / "step-00000007", {"objective": net}, _full_state(opt))
    assert ckpt.checkpoint_problem(target) is None
    assert torch.equal(ckpt.read_state(target)["opt_g"]["state"][0]["exp_avg"], opt["state"][0]["exp_avg"])


def test_rollback_and_resume_skip_a_checkpoint_whose_moments_are_not_finite(tmp_path):
    """A hand-made checkpoint (no manifest) with an infinite Adam moment is not "intact"."""
    run = train_tiny("ring8", tmp_path / "run")
    newest = ckpt.step_checkpoints(run)[-1]
    state = torch.load(newest / ckpt.STATE, weights_only=True)
    first = next(iter(state["opt_d"]["state"].values()))
    first["exp_avg_sq"].fill_(math.inf)
    torch.save(state, newest / ckpt.STATE)
    (newest / ckpt.MANIFEST).unlink()
    assert "opt_d" in ckpt.checkpoint_problem(newest) and "NaN/inf" in ckpt.checkpoint_problem(newest)
    assert ckpt.newest_intact(run)[0].name == "step-00000001"


def _train_args(out, *extra):
    return ["train", "ring8", "--out", str(out), *FAST, "batch_size=64", "log_every=5", "sample_every=1000",
            "checkpoint_every=10", *extra]


def test_a_huge_learning_rate_stops_naming_the_learning_rates(tmp_path):
    out = tmp_path / "run"
    outcome = invoke(_train_args(out, "lr_d=1e6", "lr_g=1e6", "steps=60", "monitor=false"), tmp_path)
    assert outcome.code == 2 and outcome.crashed is None
    assert len(outcome.lines) == 1
    assert "lower lr_g=1e+06 and lr_d=1e+06" in outcome.lines[0]
    for path in ckpt.step_checkpoints(out):  # what was kept is resumable
        assert ckpt.checkpoint_problem(path) is None


def test_a_huge_learning_rate_with_rollbacks_ends_resumable(tmp_path):
    out = tmp_path / "run"
    outcome = invoke(_train_args(out, "lr_d=1e6", "lr_g=1e6", "steps=60", "max_rollbacks=1", "monitor=true"), tmp_path)
    assert outcome.code == 2 and outcome.crashed is None
    assert "training diverged again" in outcome.lines[-1] and "lr_g=1e+06" in outcome.lines[-1]
    assert ckpt.newest_intact(out)[0] is not None


def test_a_finite_loss_explosion_is_flagged_as_divergence(tmp_path):
    out = tmp_path / "run"
    invoke(_train_args(out, "lr_d=10", "lr_g=10", "steps=200", "generator.width=32", "discriminator.width=32", "monitor=true"),
           tmp_path)
    rows = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert any("divergence" in row.get("flags", []) for row in rows)


def test_second_ctrl_c_during_a_checkpoint_write_exits_130_and_leaves_no_temporary(tmp_path, monkeypatch):
    """Both signals arrive while step 2's state.pt is being written: the write is undone, the
    older checkpoints are intact, and no temporary folder is left."""
    real = ckpt._write_file

    def interrupted(path, data):
        if path.name == ckpt.STATE and path.parent.name.startswith(".tmp-step-00000002"):
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)
        real(path, data)

    monkeypatch.setattr(ckpt, "_write_file", interrupted)
    out = tmp_path / "run"
    outcome = invoke(_train_args(out, "steps=5", "checkpoint_every=1"), tmp_path)
    assert outcome.code == 130, outcome.stderr
    assert outcome.crashed is None
    assert "ganforge train --resume" in outcome.lines[-1]
    names = sorted(p.name for p in (out / "checkpoints").iterdir())
    assert names == ["step-00000000", "step-00000001"]
    assert all(ckpt.checkpoint_problem(p) is None for p in ckpt.step_checkpoints(out))
    assert not [p for p in out.rglob("*") if ".tmp" in p.name or p.name.startswith(".old-")]
