"""The statistics behind the checks, and the probe that measures them during training."""
import math

import pytest
import torch

from ganforge.config import resolve_config
from ganforge.losses import get_loss
from ganforge.train.health_stats import ada_overfit, diversity_ratio, generator_signal, mean_pairwise_distance
from ganforge.train.probe import untouched
from ganforge.train.rundir import prepare_new
from ganforge.train.trainer import Trainer


def test_ada_overfit_is_eq_1_of_karras_2020():
    # r_v = (E[D_train] - E[D_validation]) / (E[D_train] - E[D_generated])  (ADA paper, eq. 1)
    d_train, d_val, d_gen = torch.tensor([2.0, 4.0]), torch.tensor([1.0, 2.0]), torch.tensor([-1.0, -3.0])
    assert ada_overfit(d_train, d_val, d_gen) == pytest.approx((3.0 - 1.5) / (3.0 - -2.0))
    # free of the logit offset and scale (holds for Wasserstein critics)
    assert ada_overfit(5 * d_train + 7, 5 * d_val + 7, 5 * d_gen + 7) == pytest.approx(0.3)
    assert ada_overfit(d_train, d_train, d_gen) == 0.0 and ada_overfit(d_train, d_gen, d_gen) == 1.0
    assert math.isnan(ada_overfit(d_train, d_val, d_train))  # D does not separate reals from fakes


def test_generator_signal_sees_a_saturated_minimax_loss():
    confident = torch.full((64,), -12.0)  # D rejects every fake
    assert generator_signal(get_loss("minimax").g_loss, confident) < 1e-4
    assert generator_signal(get_loss("ns").g_loss, confident) == pytest.approx(2.0, rel=1e-4)
    assert generator_signal(get_loss("hinge").g_loss, confident) == pytest.approx(1.0)
    assert generator_signal(get_loss("ns").g_loss, torch.zeros(64)) == pytest.approx(1.0)
    rp = get_loss("rpgan")
    assert generator_signal(rp.g_loss, confident, torch.full((64,), 12.0)) == pytest.approx(2.0, rel=1e-4)


def test_diversity_ratio():
    pts = torch.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 0.0]])
    assert mean_pairwise_distance(pts) == pytest.approx(10 / 3)
    real = torch.randn(64, 3, 4, 4)
    collapsed = real[:1].repeat(64, 1, 1, 1) + 0.01 * torch.randn(64, 3, 4, 4)
    assert diversity_ratio(collapsed, real) < 0.05
    with pytest.raises(ValueError):
        mean_pairwise_distance(torch.zeros(1, 3))


def test_untouched_restores_buffers_and_rng():
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Dropout(0.5)).train()
    before = [b.clone() for b in net.buffers()]
    state = torch.get_rng_state()
    with untouched(net):
        net(torch.randn(8, 3))
    assert all(torch.equal(a, b) for a, b in zip(before, net.buffers()))
    assert torch.equal(state, torch.get_rng_state())


def _trainer(path, overrides):
    cfg = resolve_config("ring8", overrides)
    prepare_new(path, cfg)
    return Trainer(cfg, path)


def test_probing_never_changes_training(tmp_path, tiny_ring8):
    runs = []
    for i, monitor in enumerate(("true", "false")):
        trainer = _trainer(tmp_path / str(i), tiny_ring8 + ["holdout=0", f"monitor={monitor}", "steps=12"])
        trainer.fit()
        runs.append(trainer.objective.state_dict())
    assert all(torch.equal(runs[0][k], runs[1][k]) for k in runs[0])


def test_probe_sees_collapse_and_the_held_out_gap(tmp_path, tiny_ring8):
    trainer = _trainer(tmp_path / "run", tiny_ring8 + ["holdout=64"])
    probe = trainer.health.guard.probe
    healthy = probe.measure()
    assert {"overfit", "g_signal", "recall", "precision", "diversity"} <= set(healthy)
    with torch.no_grad():  # every latent onto the first mode's centre
        last = trainer.generator.net[-1]
        for layer in trainer.generator.net:
            if isinstance(layer, torch.nn.Linear):
                layer.weight.zero_()
        last.bias.copy_(trainer.dataset.modes[0][0])
    collapsed = probe.measure()
    assert collapsed["recall"] < 0.05 and collapsed["precision"] > 0.9 and collapsed["diversity"] < 0.05
