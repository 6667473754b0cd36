import math
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

from ganforge.augment import AdaptiveAugment
from ganforge.augment.ada import PIPELINES
from ganforge.augment.ada_geometry import rotate2d, translate2d, warp
from ganforge.augment.ada_pixels import filter_bank, image_filter
from ganforge.errors import ConfigError

from .conftest import gen, grad_of, save_load

REFERENCE = Path(__file__).with_name("data") / "ada_reference.pt"


@pytest.mark.parametrize("channels", [3, 1])
def test_matches_the_authors_pipeline_draw_for_draw(channels):
    # Expected outputs come from NVlabs/stylegan2-ada-pytorch training/augment.py (AugmentPipe with
    # the bgcfnc probabilities of its train.py), run by data/make_ada_reference.py on these inputs.
    ref = torch.load(REFERENCE, weights_only=True)[channels]
    for p, expected in ref["y"].items():
        torch.manual_seed(7)
        out = AdaptiveAugment(p=p, pipeline="bgcfnc")(ref["x"])
        assert torch.allclose(out, expected, atol=1e-4), (p, (out - expected).abs().max())


def test_all_18_transforms_of_the_paper():
    # 3 blit + 4 geometric + 5 colour + 4 filter bands + noise + cutout (Karras et al. 2020, Fig. 2).
    assert PIPELINES["bgcfnc"] == {"blit", "geom", "color", "filter", "noise", "cutout"}
    assert filter_bank().shape == (4, 43)


def test_geometric_warp_is_anti_aliased_at_2x():
    # A Nyquist checkerboard rotated by 45 degrees has no representable content left; the
    # reference's 2x sym6-filtered warp removes most of it, one bilinear grid_sample at 1x aliases it.
    board = ((torch.arange(32)[:, None] + torch.arange(32)) % 2 * 2 - 1).float().expand(2, 1, 32, 32)
    theta = torch.full((2,), math.pi / 4)
    ours = warp(board, rotate2d(theta))
    affine = torch.tensor([[math.cos(math.pi / 4), -math.sin(math.pi / 4), 0.0],
                           [math.sin(math.pi / 4), math.cos(math.pi / 4), 0.0]]).expand(2, 2, 3)
    single = F.grid_sample(board, F.affine_grid(affine, [2, 1, 32, 32], align_corners=False), align_corners=False)
    inner = (slice(None), slice(None), slice(8, 24), slice(8, 24))
    assert ours[inner].square().mean().sqrt() < 0.25 * single[inner].square().mean().sqrt()


def test_warp_identity_and_filter_bank_reconstruct_the_image(images):
    # sym6 is orthogonal (down(up(x)) = x) and the four bands of the bank sum to a unit impulse.
    eye = torch.eye(3).repeat(images.shape[0], 1, 1)
    assert torch.allclose(warp(images, eye), images, atol=1e-5)
    assert torch.allclose(image_filter(images, 0.0), images, atol=1e-5)


def test_p_is_unbounded_above_as_in_the_reference():
    aug = AdaptiveAugment(interval=1, speed_images=100, batch_size=50, p=0.9)
    for _ in range(4):
        aug.observe(torch.ones(50)), aug.update()
    assert aug.p == pytest.approx(2.9)
    assert AdaptiveAugment(p=3.0).p == 3.0


def test_identity_when_p_is_zero(images):
    assert AdaptiveAugment(p=0.0)(images, generator=gen()) is images


@pytest.mark.parametrize("pipeline", ["blit", "geom", "color", "filter", "noise", "cutout", "bgcfnc"])
@pytest.mark.parametrize("shape", [(4, 3, 16, 16), (4, 1, 12, 20)])
def test_shape_and_gradient(pipeline, shape):
    x = torch.rand(shape, generator=gen()) * 2 - 1
    aug = AdaptiveAugment(p=1.0, pipeline=pipeline)
    y, grad = grad_of(lambda t: aug(t, generator=gen(1)), x)
    assert y.shape == x.shape and torch.isfinite(y).all()
    assert grad.abs().sum() > 0
    xr = x.clone().requires_grad_(True)  # double backward, as R1 through the augmentation needs
    (g1,) = torch.autograd.grad(aug(xr, generator=gen(1)).square().sum(), xr, create_graph=True)
    g1.square().sum().backward()
    assert torch.isfinite(xr.grad).all()


def test_changes_images_and_is_reproducible(images):
    aug = AdaptiveAugment(p=0.8)
    a, b = aug(images, generator=gen(3)), aug(images, generator=gen(3))
    assert torch.equal(a, b) and (a - images).abs().mean() > 0.05


def test_integer_translation_moves_pixels_exactly(images):
    # G_inv maps output to input pixels: translate2d(-3, 0) shifts the content 3 px to the right.
    n = images.shape[0]
    moved = warp(images, translate2d(-3 * torch.ones(n), torch.zeros(n)))
    assert torch.allclose(moved[..., 3:], images[..., :-3], atol=1e-5)


def test_color_keeps_grey_grey():
    x = torch.linspace(-0.8, 0.8, 16).reshape(1, 1, 4, 4).expand(8, 3, 4, 4).contiguous()
    y = AdaptiveAugment(p=1.0, pipeline="color")(x, generator=gen())
    assert torch.allclose(y[:, 0], y[:, 1], atol=1e-5) and torch.allclose(y[:, 1], y[:, 2], atol=1e-5)
    assert not torch.allclose(y, x)


def test_p_rises_on_overconfident_logits_at_the_published_speed():
    aug = AdaptiveAugment(target=0.6, interval=4, speed_images=500_000, batch_size=64)
    for update in range(10):
        for _ in range(4):
            aug.observe(torch.full((64, 1), 3.0))
        assert aug.update() is True
        assert aug.p == pytest.approx((update + 1) * 64 * 4 / 500_000)
    assert aug.stats()["r_t"] == 1.0


def test_no_update_before_interval():
    aug = AdaptiveAugment(interval=4, batch_size=8)
    for _ in range(3):
        aug.observe(torch.ones(8))
        assert aug.update() is False
    assert aug.p == 0.0 and "r_t" not in aug.stats()


def test_p_falls_on_underconfident_logits_and_stops_at_zero():
    aug = AdaptiveAugment(interval=2, speed_images=1000, batch_size=50, p=0.25)
    aug.observe(-torch.ones(50))
    aug.observe(-torch.ones(50))
    aug.update()
    assert aug.p == pytest.approx(0.15)
    for _ in range(5):
        aug.observe(-torch.ones(50)), aug.observe(-torch.ones(50)), aug.update()
    assert aug.p == 0.0


def test_batch_size_inferred_from_logits_and_target_equality_holds_still():
    aug = AdaptiveAugment(target=0.5, interval=1, speed_images=1000)
    aug.observe(torch.tensor([1.0, 1.0, 1.0, -1.0]))  # r_t = 0.5 = target
    aug.update()
    assert aug.p == 0.0 and aug.stats()["r_t"] == 0.5
    aug.observe(torch.ones(10, 1))
    aug.update()
    assert aug.p == pytest.approx(10 / 1000)


def test_fixed_p_when_target_is_none():
    aug = AdaptiveAugment(target=None, p=0.3, interval=1)
    aug.observe(torch.ones(16))
    assert aug.update() is True and aug.p == 0.3


def test_state_dict_round_trip_mid_interval():
    ref = AdaptiveAugment(interval=4, batch_size=32, speed_images=10_000)
    resumed = AdaptiveAugment(interval=4, batch_size=32, speed_images=10_000)
    logits = [torch.randn(32, generator=gen(i)) + 1 for i in range(8)]
    for t in logits[:6]:
        ref.observe(t), ref.update()
    state = save_load(ref.state_dict())
    assert isinstance(state["p"], float)
    resumed.load_state_dict(state)
    for t in logits[6:]:
        ref.observe(t), ref.update()
        resumed.observe(t), resumed.update()
    assert resumed.p == ref.p > 0 and resumed.stats() == ref.stats()


def test_bad_options():
    with pytest.raises(ConfigError, match="bgc"):
        AdaptiveAugment(pipeline="bx")
    with pytest.raises(ConfigError):
        AdaptiveAugment(p=-0.5)
    with pytest.raises(ConfigError):
        AdaptiveAugment(target=2.0)
