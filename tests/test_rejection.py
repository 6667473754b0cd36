"""Discriminator rejection sampling: the acceptance score, the sampler on a case with a known
density ratio, and the API's refusals."""
import math

import pytest
import torch

import ganforge
from ganforge.errors import ConfigError
from ganforge.rejection import accept_probability, drs_scores, rejection_sample


def test_scores_are_monotone_and_finite_at_the_maximum():
    logits = torch.tensor([-5.0, -1.0, 0.0, 2.0, 3.0])
    f = drs_scores(logits, d_max=3.0)
    assert torch.isfinite(f).all() and (f.diff() > 0).all()
    # far below the maximum F ~ logit - max (the log(1 - exp) term vanishes)
    assert f[0].item() == pytest.approx(-8.0, abs=1e-3)


def test_gamma_puts_the_chosen_percentile_of_the_batch_below_one_half():
    logits = torch.linspace(-4, 0, 1001)
    for percentile in (0, 50, 95):
        p = accept_probability(logits, 0.0, percentile)
        assert (p < 0.5).float().mean().item() == pytest.approx(percentile / 100, abs=0.01)


def shifted_gaussian_draw(seed=0):
    """Proposal N(0, 1) in 1-D; target N(1, 1): log ratio = x - 1/2, the ideal logit."""
    g = torch.Generator().manual_seed(seed)

    def draw(k):
        x = torch.randn(k, 1, generator=g)
        return x, x[:, 0] - 0.5
    return draw


def test_rejection_moves_samples_towards_the_target_and_is_reproducible():
    plain = shifted_gaussian_draw()(4000)[0].mean().item()
    kept, stats = rejection_sample(shifted_gaussian_draw(), 4000, torch.Generator().manual_seed(1), percentile=50)
    again, _ = rejection_sample(shifted_gaussian_draw(), 4000, torch.Generator().manual_seed(1), percentile=50)
    assert kept.shape == (4000, 1) and torch.equal(kept, again)
    strict, _ = rejection_sample(shifted_gaussian_draw(), 4000, torch.Generator().manual_seed(1), percentile=95)
    # DRS's soft acceptance corrects part of the shift; a stricter gamma corrects more
    assert abs(plain) < 0.05 and 0.3 < kept.mean().item() < strict.mean().item() < 1.2
    assert 0 < stats.acceptance < 1 and math.isfinite(stats.d_max)


def test_too_few_accepted_stops_with_a_clear_message():
    draw = shifted_gaussian_draw()
    with pytest.raises(ConfigError, match="lower the percentile"):
        rejection_sample(draw, 1000, torch.Generator().manual_seed(0), percentile=99.9, burn_in=10, batch=10,
                         max_draws=50)
    with pytest.raises(ConfigError, match=r"percentile must be in \[0, 100\)"):
        rejection_sample(draw, 10, torch.Generator(), percentile=100)


def test_api_rejection_sampling_on_a_ring_run(tmp_path, tiny_ring8):
    run = ganforge.train("ring8", out=tmp_path / "r", overrides=tiny_ring8)
    gen = ganforge.load(run)
    x = gen.sample(300, seed=3, rejection=50)
    assert x.shape == (300, 2) and torch.equal(x, gen.sample(300, seed=3, rejection=50))
    assert not torch.equal(x, gen.sample(300, seed=3))


def test_api_refuses_rejection_where_d_cannot_judge_single_samples(tmp_path, tiny_ring8):
    packed = ganforge.train("ring8", out=tmp_path / "p", overrides=tiny_ring8 + ["packing=2"])
    with pytest.raises(ConfigError, match="packing"):
        ganforge.load(packed).sample(10, rejection=50)
    with pytest.raises(ConfigError, match="needs a run directory"):
        ganforge.load("pretrained:mnist").sample(4, rejection=50)
