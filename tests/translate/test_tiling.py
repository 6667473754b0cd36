"""Tiled inference: single-tile equivalence, seamless blending, padding to the net's multiple."""
import pytest
import torch
import torch.nn.functional as F

from ganforge.nets import create_model
from ganforge.translate.tiling import pad_to_multiple, ramp, tile_starts, tiled_apply


def test_one_tile_reproduces_the_full_image_pass():
    torch.manual_seed(0)
    net = create_model("unet", "generator", shape=(3, 32, 32), width=4, test_dropout=False).eval()
    x = torch.rand(1, 3, 64, 96) * 2 - 1
    with torch.no_grad():
        assert torch.equal(tiled_apply(net, x, tile=128, overlap=16, multiple=net.size_multiple), net(x))


def test_one_tile_with_padding_crops_back_to_the_input_size():
    torch.manual_seed(0)
    net = create_model("rrdb", "generator", shape=(3, 8, 8), scale=2, width=4, growth=4, blocks=1)
    x = torch.rand(1, 3, 21, 30)
    with torch.no_grad():
        out = tiled_apply(net, x, scale=2, tile=64, overlap=8, multiple=4)
        assert out.shape == (1, 3, 42, 60)
        assert torch.equal(out, net(pad_to_multiple(x, 4))[..., :42, :60])


def test_many_tiles_match_a_pointwise_model_exactly():
    # A model without spatial context gives identical results however the image is cut.
    conv = torch.nn.Conv2d(3, 2, 1)

    def fn(t):
        return conv(F.interpolate(t, scale_factor=2, mode="nearest"))

    x = torch.rand(2, 3, 50, 77)
    with torch.no_grad():
        assert torch.allclose(tiled_apply(fn, x, scale=2, tile=16, overlap=6), fn(x), atol=1e-6)


def test_overlapping_tiles_blend_smoothly_for_a_convolutional_model():
    torch.manual_seed(0)
    net = create_model("rrdb", "generator", shape=(3, 8, 8), scale=4, width=8, growth=4, blocks=1).eval()
    x = torch.rand(1, 3, 40, 40) * 2 - 1
    with torch.no_grad():
        err = (tiled_apply(net, x, scale=4, tile=16, overlap=8) - net(x)).abs()
    assert err.mean() < 1e-3  # only the tiles' outer context differs


def test_helpers():
    assert tile_starts(10, 16, 8) == [0]
    assert tile_starts(40, 16, 12) == [0, 12, 24]
    w = ramp(16, 4)
    assert (w > 0).all() and w.max() == 1 and torch.equal(w, w.flip(0))
    assert pad_to_multiple(torch.zeros(1, 1, 5, 9), 4).shape[-2:] == (8, 12)
    assert pad_to_multiple(torch.zeros(1, 1, 5, 9), 4, min_size=16).shape[-2:] == (16, 16)
    with pytest.raises(ValueError, match="larger than overlap"):
        tiled_apply(lambda t: t, torch.zeros(1, 1, 8, 8), tile=8, overlap=8)
