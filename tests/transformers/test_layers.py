"""Transformer nets: L2 attention, improved spectral normalization, grid self-attention and
pixel-shuffle up-sampling compute their papers' equations; TransGAN and ViTGAN build and train."""
import math

import pytest
import torch
import torch.nn.functional as F

from ganforge.nets import create_model
from ganforge.nets.transformer import Attention, Block, grid_blocks, improved_spectral_norm, pixel_upsample


def test_l2_attention_is_negative_squared_distance_with_tied_query_key():
    # Kim et al. 2021 / ViTGAN Eq. 5: softmax(-||x_i W_q - x_j W_k||^2 / sqrt(d_h)) with W_q = W_k.
    torch.manual_seed(0)
    attn = Attention(8, 2, l2=True)
    assert attn.qk.weight.shape == (8, 8)  # one projection serves query and key
    x = torch.randn(3, 5, 8)
    q = attn.qk(x).reshape(3, 5, 2, 4).transpose(1, 2)
    expected = -torch.cdist(q, q).pow(2) / math.sqrt(4)
    assert torch.allclose(attn.logits(x), expected, atol=1e-5)
    v = attn.v(x).reshape(3, 5, 2, 4).transpose(1, 2)
    out = (torch.softmax(expected, -1) @ v).transpose(1, 2).reshape(3, 5, 8)
    assert torch.allclose(attn(x), attn.proj(out), atol=1e-5)


def test_dot_product_attention_is_scaled_dot_product():
    torch.manual_seed(0)
    attn = Attention(8, 2)
    x = torch.randn(2, 4, 8)
    q, k = (t.reshape(2, 4, 2, 4).transpose(1, 2) for t in attn.qk(x).chunk(2, dim=-1))
    assert torch.allclose(attn.logits(x), q @ k.transpose(-1, -2) / 2.0, atol=1e-6)


def test_improved_spectral_norm_keeps_the_initial_spectral_norm():
    # ViTGAN Eq. 7: W_ISN = sigma(W_init) * W / sigma(W).
    torch.manual_seed(0)
    layer = torch.nn.Linear(16, 12)
    sigma0 = torch.linalg.matrix_norm(layer.weight.detach(), ord=2)
    improved_spectral_norm(layer)
    with torch.no_grad():
        layer.parametrizations.weight.original.mul_(3.0)  # a later weight with 3x the norm
    for _ in range(30):  # power iteration runs in train mode
        layer(torch.randn(2, 16))
    w = layer.weight
    original = layer.parametrizations.weight.original
    expected = sigma0 * original / torch.linalg.matrix_norm(original, ord=2)
    assert torch.allclose(w, expected, rtol=1e-3, atol=1e-5)
    assert torch.linalg.matrix_norm(w.detach(), ord=2) == pytest.approx(float(sigma0), rel=1e-3)


def test_grid_attention_stays_inside_windows():
    torch.manual_seed(0)
    blocks = [Block(8, 2)]
    x = torch.randn(2, 16, 8)  # a 4 x 4 token map
    out = grid_blocks(blocks, x, side=4, grid=2)
    window = x.reshape(2, 2, 2, 2, 2, 8)[:, 0, :, 0, :, :].reshape(2, 4, 8)  # the top-left 2 x 2 tokens
    top_left = out.reshape(2, 2, 2, 2, 2, 8)[:, 0, :, 0, :, :].reshape(2, 4, 8)
    assert torch.allclose(top_left, blocks[0](window), atol=1e-6)
    changed = x.clone()
    changed[:, -1] += 10  # bottom-right token: a different window
    assert torch.allclose(grid_blocks(blocks, changed, 4, 2)[:, 0], out[:, 0], atol=1e-6)
    assert torch.allclose(grid_blocks(blocks, x, 4, 4), blocks[0](x), atol=1e-6)  # one window: full attention


def test_pixel_upsample_is_pixel_shuffle_on_the_token_map():
    x = torch.randn(2, 9, 8)
    grid = x.transpose(1, 2).reshape(2, 8, 3, 3)
    expected = F.pixel_shuffle(grid, 2).flatten(2).transpose(1, 2)
    assert torch.equal(pixel_upsample(x, 3), expected) and expected.shape == (2, 36, 2)


def test_transgan_stages_and_sizes():
    g = create_model("transgan", "generator", z_dim=8, shape=(1, 32, 32), width=32, depths=(1,), heads=2, grid=8)
    assert len(g.stages) == 3 and [p.shape[1] for p in g.pos] == [64, 256, 1024]
    assert g(torch.randn(2, 8)).shape == (2, 1, 32, 32)
    with pytest.raises(ValueError, match="power of two"):
        create_model("transgan", "generator", z_dim=8, shape=(1, 48, 48))


def test_vitgan_overlapping_patches():
    d = create_model("vitgan", "discriminator", shape=(1, 16, 16), width=16, depth=1, heads=2, patch=4)
    assert d.overlap == 2
    x = torch.arange(256.0).reshape(1, 1, 16, 16)
    patches = d.patches(x)
    assert patches.shape == (1, 16, 64)  # 4 x 4 tokens of (4 + 2 * 2)^2 pixels
    assert torch.equal(patches[0, 5].reshape(8, 8), x[0, 0, 2:10, 2:10])  # token (1, 1): rows/cols 4-8 widened by 2
    with pytest.raises(ValueError, match="does not divide"):
        create_model("vitgan", "discriminator", shape=(1, 18, 18), patch=4)
