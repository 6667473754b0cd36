"""Mask-aware generators: gated convolutions (DeepFill v2) and partial convolutions (Liu et al.)
compute their papers' equations, and never look at what lies under the holes."""
import pytest
import torch
import torch.nn.functional as F

from ganforge.nets import create_model
from ganforge.nets.gated import GatedConv2d
from ganforge.nets.partialconv import PartialConv2d, _concat


@pytest.mark.parametrize("name", ["gated", "partialconv"])
@pytest.mark.parametrize("channels", [1, 3])
def test_hole_content_never_reaches_the_output(name, channels):
    torch.manual_seed(0)
    g = create_model(name, "generator", shape=(channels, 32, 32), width=8).eval()
    x = torch.rand(2, channels, 32, 32) * 2 - 1
    mask = torch.zeros(2, 1, 32, 32)
    mask[:, :, 6:20, 10:25] = 1
    other = torch.where(mask.bool(), torch.randn_like(x) * 5, x)
    assert torch.equal(g(x, mask), g(other, mask))
    assert not torch.equal(g(x, mask), g(x, torch.zeros_like(mask)))


def test_gated_conv_is_elu_features_times_sigmoid_gate():
    # gen_conv in JiahuiYu/generative_inpainting inpaint_ops.py: split the conv output in two,
    # activation(features) * sigmoid(gates).
    torch.manual_seed(0)
    layer = GatedConv2d(3, 4, 3)
    x = torch.randn(2, 3, 8, 8)
    raw = layer.conv(x)
    assert torch.allclose(layer(x), F.elu(raw[:, :4]) * torch.sigmoid(raw[:, 4:]))


def test_gated_drops_dilations_that_only_read_padding():
    assert create_model("gated", "generator", shape=(1, 32, 32), width=4).dilations == (2, 4)
    assert create_model("gated", "generator", shape=(1, 256, 256), width=4).dilations == (2, 4, 8, 16)


def test_partial_conv_matches_the_paper_equation():
    # x' = W^T (X * M) * sum(1) / sum(M) + b where sum(M) > 0, else 0; m' = 1 where sum(M) > 0
    # (Liu et al. 2018, Eq. 1-2; PartialConv2d in NVIDIA/partialconv, multi-channel masks).
    torch.manual_seed(0)
    conv = PartialConv2d(2, 3, 3, 1, 1)
    x = torch.randn(1, 2, 6, 6)
    m = torch.ones(1, 1, 6, 6)
    m[..., :, :3] = 0  # left half missing: the leftmost output columns see no valid input
    out, new = conv(x * m, m)
    per_channel = m.expand(1, 2, 6, 6)
    count = F.conv2d(per_channel, torch.ones(1, 2, 3, 3), padding=1)
    expected = F.conv2d(x * per_channel, conv.weight, None, padding=1) * (18 / count.clamp(min=1e-8))
    expected = torch.where(count > 0, expected + conv.bias.view(1, -1, 1, 1), torch.zeros(()))
    assert torch.allclose(out, expected, atol=1e-5)
    assert torch.equal(new, (count > 0).float())
    assert new[..., :, :2].sum() == 0 and new[..., :, 2:].all()


def test_fraction_masks_equal_per_channel_masks_after_concatenation():
    # Concatenating features with different masks: the channel-weighted fraction gives the same
    # window sums as stacking the per-channel masks.
    torch.manual_seed(0)
    a_mask, b_mask = (torch.rand(1, 1, 5, 5) > 0.5).float(), (torch.rand(1, 1, 5, 5) > 0.3).float()
    a, b = torch.randn(1, 2, 5, 5) * a_mask, torch.randn(1, 3, 5, 5) * b_mask
    x, frac = _concat([(a, a_mask), (b, b_mask)])
    conv = PartialConv2d(5, 4, 3, 1, 1)
    out, _ = conv(x, frac)
    per_channel = torch.cat([a_mask.expand(1, 2, 5, 5), b_mask.expand(1, 3, 5, 5)], dim=1)
    count = F.conv2d(per_channel, torch.ones(1, 5, 3, 3), padding=1)
    expected = F.conv2d(x, conv.weight, None, padding=1) * (45 / count.clamp(min=1e-8))
    expected = torch.where(count > 0, expected + conv.bias.view(1, -1, 1, 1), torch.zeros(()))
    assert torch.allclose(out, expected, atol=1e-5)


def test_partialconv_depth_and_size_checks():
    assert create_model("partialconv", "generator", shape=(3, 32, 32), width=4).size_multiple == 16
    with pytest.raises(ValueError, match="divisible"):
        create_model("partialconv", "generator", shape=(3, 36, 36), width=4, depth=3)
