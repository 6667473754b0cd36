"""The generator EMA: plain decay, the start step, and StyleGAN2-ADA's ramp-up."""
import math

import pytest
import torch

from ganforge.config import build_config
from ganforge.errors import ConfigError
from ganforge.train.ema import EMA


def _stylegan2_ada_beta(step: int, batch: int, ema_kimg: float, rampup: float) -> float:
    # NVlabs/stylegan2-ada-pytorch training/training_loop.py: ema_nimg = ema_kimg * 1000, capped at
    # cur_nimg * ema_rampup, then ema_beta = 0.5 ** (batch_size / max(ema_nimg, 1e-8)); cur_nimg
    # counts the images of the steps before this update.
    ema_nimg = min(ema_kimg * 1000, step * batch * rampup)
    return 0.5 ** (batch / max(ema_nimg, 1e-8))


def test_decay_is_constant_after_start_and_zero_before():
    ema = EMA(torch.nn.Linear(2, 2), 0.98, start=5)
    assert [ema.decay_at(t) for t in (0, 4, 5, 1000)] == [0.0, 0.0, 0.98, 0.98]


@pytest.mark.parametrize("rampup", [0.05, 0.2])
def test_rampup_matches_stylegan2_ada(rampup):
    batch, decay = 32, 0.98
    ema_kimg = batch * math.log(0.5) / math.log(decay) / 1000  # the half-life that decay 0.98 has
    ema = EMA(torch.nn.Linear(2, 2), decay, rampup=rampup)
    for step in (0, 1, 3, 10, 50, 99, 500, 5000):
        assert ema.decay_at(step) == pytest.approx(_stylegan2_ada_beta(step, batch, ema_kimg, rampup), abs=1e-12)
    assert ema.decay_at(0) == 0.0 and ema.decay_at(10**6) == pytest.approx(decay)


def test_update_averages_with_the_ramped_decay():
    live = torch.nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        live.weight.fill_(1.0)
    ema = EMA(live, 0.9, rampup=0.5)
    expected = 1.0
    for step, value in enumerate([2.0, 4.0, 8.0]):
        with torch.no_grad():
            live.weight.fill_(value)
        ema.update(live, step)
        d = ema.decay_at(step)
        expected = d * expected + (1 - d) * value
        assert ema.shadow.weight.item() == pytest.approx(expected)
    assert ema.decay_at(0) == 0.0 and 0 < ema.decay_at(2) < 0.9


@pytest.mark.parametrize("bad", [0.0, -0.1, 1.5])
def test_rampup_out_of_range_is_refused(bad):
    with pytest.raises(ConfigError, match="ema_rampup"):
        build_config({"ema_rampup": bad})


def test_update_is_the_per_tensor_lerp_bit_for_bit_with_buffers_and_shared_weights():
    # One foreach call over the module tree listed once: the same values as a loop of lerp_ over
    # parameters() and copy_ over buffers(), a shared weight averaged once, and a buffer that
    # was replaced after the first update (as .to() does) still copied.
    torch.manual_seed(0)
    live = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.Linear(8, 4))
    live.append(torch.nn.Linear(4, 4))
    live.append(torch.nn.Linear(4, 4))
    live[4].weight = live[3].weight  # two modules, one weight tensor
    ema = EMA(live, 0.9)
    reference = EMA(live, 0.9)
    for step in range(4):
        with torch.no_grad():
            for p in live.parameters():
                p.add_(torch.randn_like(p))
        live.train()(torch.randn(16, 4))  # moves the batch-norm statistics
        if step == 2:
            live[1].running_mean = live[1].running_mean.clone() + 1.0  # a new buffer tensor
        ema.update(live, step)
        with torch.no_grad():  # what the update computed before, one tensor at a time
            for s, p in zip(reference.shadow.parameters(), live.parameters()):
                s.lerp_(p, 1.0 - reference.decay_at(step))
            for s, b in zip(reference.shadow.buffers(), live.buffers()):
                s.copy_(b)
        for a, b in zip(ema.shadow.state_dict().values(), reference.shadow.state_dict().values()):
            assert torch.equal(a, b)
    assert torch.equal(ema.shadow[1].running_mean, live[1].running_mean)
