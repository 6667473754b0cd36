import pytest
import torch

from ganforge.augment import DiffusionNoise
from ganforge.errors import ConfigError

from .conftest import gen, grad_of, save_load


def test_identity_when_T_is_zero(images):
    noise = DiffusionNoise(t_min=0, t_init=0)
    assert noise.T == 0 and noise(images, generator=gen()) is images


@pytest.mark.parametrize("sampling", ["uniform", "priority"])
def test_shape_gradient_and_t_range(images, sampling):
    noise = DiffusionNoise(t_init=50, t_sampling=sampling)
    y, grad = grad_of(lambda x: noise(x, generator=gen()), images)
    assert y.shape == images.shape and grad.abs().sum() > 0
    t = noise.sample_t(2000, images, gen())
    assert t.min() == 0 and t.max() <= 50 and set(t.unique().tolist()) <= set(noise.pool.tolist())


def test_published_defaults():
    # Zhendong-Wang/Diffusion-GAN diffusion-stylegan2/train.py: t_min 10, t_max 1000, noise_sd 0.05,
    # ts_dist priority, target 0.6, ada_kimg 100; training_loop.py starts the level p at 0.
    noise = DiffusionNoise()
    assert (noise.t_min, noise.t_max, noise.T, noise.sigma, noise.t_sampling) == (10, 1000, 10, 0.05, "priority")
    assert noise.feedback.target == 0.6 and noise.feedback.speed_images == 100_000


def test_pool_is_half_clean_and_priority_weights_t_minus_one():
    # diffusion.py update_T: t_epl = zeros(64); 32 entries drawn from arange(1, T + 1) with
    # p = arange(T) / arange(T).sum() ('priority', so P(t) = (t - 1) / sum) or uniformly.
    torch.manual_seed(0)
    noise = DiffusionNoise(t_min=4, t_max=4)
    pools = torch.stack([noise.draw_pool() for _ in range(3000)])
    assert pools.shape[1] == 64 and (pools[:, :32] == 0).all() and (pools[:, 32:] >= 1).all()
    counts = torch.bincount(pools[:, 32:].flatten(), minlength=5)[1:].double()
    expected = torch.tensor([0.0, 1.0, 2.0, 3.0]) / 6  # t = 1..4 weighted 0, 1, 2, 3
    assert torch.allclose(counts / counts.sum(), expected.double(), atol=0.01)
    uniform = DiffusionNoise(t_min=4, t_max=4, t_sampling="uniform")
    counts = torch.bincount(torch.stack([uniform.draw_pool() for _ in range(3000)])[:, 32:].flatten())[1:]
    assert torch.allclose(counts.double() / counts.sum(), torch.full((4,), 0.25, dtype=torch.float64), atol=0.01)


def test_pool_is_redrawn_when_T_adapts_and_checkpointed():
    noise = DiffusionNoise(t_min=10, t_max=100, interval=1, speed_images=100, batch_size=50)
    first = noise.pool.clone()
    noise.observe(torch.ones(50)), noise.update()
    assert noise.T == 55 and noise.pool[32:].max() <= 55 and not torch.equal(noise.pool, first)
    restored = DiffusionNoise(t_min=10, t_max=100)
    restored.load_state_dict(save_load(noise.state_dict()))
    assert torch.equal(restored.pool, noise.pool) and restored.T == 55


def test_forward_diffusion_formula(images):
    noise = DiffusionNoise(t_init=300, sigma=0.0)
    abar = noise.alpha_bars()
    assert abar[0] == 1 and (abar[1:] < abar[:-1]).all() and len(abar) == 301
    y = noise(images, generator=gen())
    expected = abar[noise.last_t].sqrt().float().view(-1, 1, 1, 1) * images
    assert torch.allclose(y, expected, atol=1e-6)


def test_noise_scale_is_sigma_times_sqrt_one_minus_abar():
    noise = DiffusionNoise(t_init=500, t_max=500, sigma=0.5, beta_schedule="const", beta_start=0.02)
    x = torch.zeros(4000, 1, 4, 4)
    y = noise(x, generator=gen())
    expected = 0.5 * (1 - noise.alpha_bars()[noise.last_t]).sqrt()
    # pooled second moment, since t = 0 samples carry no noise at all
    assert y.pow(2).mean() / expected.pow(2).mean() == pytest.approx(1.0, rel=0.05)


def test_T_rises_when_D_is_overconfident_and_falls_otherwise():
    noise = DiffusionNoise(t_min=5, t_max=505, t_init=5, interval=4, speed_images=10_000, batch_size=50)
    for _ in range(10):
        for _ in range(4):
            noise.observe(torch.ones(50, 1))
        noise.update()
    # each update moves the level by 50 * 4 / 10_000 = 0.02 of the 500-step span
    assert noise.level == pytest.approx(0.2) and noise.T == 105
    for _ in range(4):
        for _ in range(4):
            noise.observe(-torch.ones(50, 1))
        noise.update()
    assert noise.T == 65 and noise.stats()["r_t"] == -1.0
    for _ in range(20):
        for _ in range(4):
            noise.observe(-torch.ones(50, 1))
        noise.update()
    assert noise.T == 5  # clamped at t_min


def test_state_dict_round_trip():
    a = DiffusionNoise(t_init=40, interval=2, batch_size=16)
    a.observe(torch.ones(16)), a.observe(torch.ones(16)), a.update(), a.observe(torch.ones(16))
    b = DiffusionNoise(t_init=40, interval=2, batch_size=16)
    b.load_state_dict(save_load(a.state_dict()))
    assert b.T == a.T and b.level == a.level
    for aug in (a, b):
        aug.observe(torch.ones(16)), aug.update()
    assert b.stats() == a.stats() and b.level > (40 - 10) / 990


def test_bad_options():
    with pytest.raises(ConfigError, match="linear"):
        DiffusionNoise(beta_schedule="exp")
    with pytest.raises(ConfigError):
        DiffusionNoise(t_min=10, t_init=5)
    with pytest.raises(ConfigError):
        DiffusionNoise(t_sampling="weighted")
    with pytest.raises(ConfigError):
        DiffusionNoise(clean_share=1.5)
