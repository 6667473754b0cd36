"""PGGAN, R3GAN and StyleGAN2 as their authors' code builds and trains them."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from ganforge.config import resolve_config
from ganforge.nets import create_model
from ganforge.nets.layers import EqualConv2d, EqualLinear
from ganforge.objectives import build_objective
from ganforge.objectives.base import StepContext
from ganforge.objectives.progressive import fade_reals
from ganforge.fir import downsample2d, upsample2d

MNIST = {"shape": [1, 32, 32], "num_classes": 10, "name": "mnist", "kind": "image"}
TINY = ["image_size=32", "batch_size=8"]


# ----------------------------------------------------------------------------------- PGGAN

def test_pggan_equalized_lr_uses_he_gain_except_torgb_and_the_last_layer():
    # tkarras/progressive_growing_of_gans networks.py get_weight: std = gain / sqrt(fan_in), gain
    # sqrt(2) by default, sqrt(2)/4 for G's first dense layer, 1 for toRGB and D's last dense layer.
    g = create_model("progan", "generator", z_dim=16, shape=(1, 32, 32), num_classes=0, width=8)
    d = create_model("progan", "discriminator", shape=(1, 32, 32), num_classes=0, width=8)
    he = math.sqrt(2)

    def gain(layer):
        fan_in = layer.weight[0].numel()
        return layer.scale * math.sqrt(fan_in)

    assert gain(g.input) == pytest.approx(he / 4)
    assert gain(g.input_conv) == pytest.approx(he) and all(gain(c) == pytest.approx(he) for b in g.blocks for c in b)
    assert all(gain(t) == pytest.approx(1.0) for t in g.to_rgb)
    assert all(gain(m) == pytest.approx(he) for m in [*d.from_rgb, d.final_conv, d.final_fc, *(c for b in d.blocks for c in b)])
    assert gain(d.head) == pytest.approx(1.0)


def test_pggan_output_is_linear():
    g = create_model("progan", "generator", z_dim=16, shape=(1, 16, 16), num_classes=0, width=8)
    with torch.no_grad():
        g.to_rgb[-1].bias.fill_(3.0)  # the reference's toRGB output is not squashed
    z = torch.randn(2, 16)
    assert g(z).max() > 2.0
    assert g.eval()(z).max() <= 1.0  # sampling clamps to the data range


def process_reals(x, lod_fraction):
    """train.py process_reals 'FadeLOD' on reals at the level's resolution: lerp(x, y, lod - floor(lod))
    with y the 2x2 box average repeated 2x2."""
    n, c, h, w = x.shape
    y = x.reshape(n, c, h // 2, 2, w // 2, 2).mean(dim=(3, 5), keepdim=True)
    y = y.repeat(1, 1, 1, 2, 1, 2).reshape(n, c, h, w)
    return x + (y - x) * lod_fraction


def test_pggan_cross_fades_real_images_during_fade_in():
    full = torch.rand(3, 1, 32, 32)
    at_16 = F.avg_pool2d(full, 2)  # level 2 is 16 px; D pools the full-size input down to it
    for alpha in (0.0, 0.3, 0.75):  # while level 2 fades in, lod's fractional part is 1 - alpha
        faded = fade_reals(full, level=2, alpha=alpha)
        assert torch.allclose(F.avg_pool2d(faded, 2), process_reals(at_16, 1 - alpha), atol=1e-6)
    assert torch.equal(fade_reals(full, level=2, alpha=1.0), full)


def test_pggan_d_loss_is_wgan_gp_plus_drift_on_faded_reals():
    # loss.py D_wgangp_acgan: fake - real + 10 * (||grad|| - 1)^2 + 0.001 * real^2, the penalty at
    # every D step (the recipe takes it lazily, every 4th; README faithfulness notes).
    assert resolve_config("progan-mnist", TINY).objective.get("reg_every") == 4
    cfg = resolve_config("progan-mnist", TINY + ["generator.width=8", "discriminator.width=8", "objective.reg_every=1",
                                                 "objective.stage_steps=2", "objective.fade_fraction=1.0"])
    opts = cfg.objective
    assert (cfg.loss, opts.get("regularizer"), opts.get("reg_weight")) == ("wasserstein", "gp", 10.0)
    obj = build_objective(cfg, MNIST)
    assert obj.terms["drift"].weight == 0.001
    seen = []
    judge = obj.judge
    obj.judge = lambda x, y, ctx: seen.append(x) or judge(x, y, ctx)
    real = torch.rand(8, 1, 32, 32) * 2 - 1
    loss, logs = obj.d_step(real, torch.zeros(8, dtype=torch.long), StepContext(step=3, d_step=3, progress=0.5))
    assert logs["fade_alpha"] == pytest.approx(0.5) and "reg_drift" in logs and "reg_gp" in logs
    assert torch.allclose(seen[0], fade_reals(real, 1, 0.5))  # D's real batch is the faded one
    adv = logs["loss_d_adv"]
    assert loss.item() == pytest.approx((adv + 10 * logs["reg_gp"] + 0.001 * logs["reg_drift"]).item(), rel=1e-5)


# ----------------------------------------------------------------------------------- R3GAN

def r3gan_layers(net):
    return [m for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


def test_r3gan_initialises_every_layer_as_the_reference():
    # brownvc/R3GAN R3GAN/Networks.py MSRInitializer: N(0, gain / sqrt(fan_in)), no biases except the
    # activations'; residual convs gain sqrt(2/(1+0.2^2)) * L^(-1/4), last conv 0, everything else 1.
    torch.manual_seed(0)
    g = create_model("r3gan", "generator", z_dim=64, shape=(1, 32, 32), num_classes=0, width=64, max_channels=128)
    d = create_model("r3gan", "discriminator", shape=(1, 32, 32), num_classes=0, width=64, max_channels=128)
    blocks = 4  # one per stage, 4 stages
    act = math.sqrt(2 / (1 + 0.2 ** 2)) * blocks ** (-1 / 4)
    for net in (g, d):
        residual = {id(c) for m in net.modules() if type(m).__name__ == "Bottleneck" for c in (m.conv1, m.conv2)}
        zero = {id(m.conv3) for m in net.modules() if type(m).__name__ == "Bottleneck"}
        for layer in r3gan_layers(net):
            fan_in = layer.weight[0].numel()
            want = 0.0 if id(layer) in zero else act if id(layer) in residual else 1.0
            assert layer.weight.std().item() == pytest.approx(want / math.sqrt(fan_in), rel=0.15, abs=1e-12), layer
            if id(layer) not in residual:
                assert layer.bias is None
    assert g.basis.basis.std().item() == pytest.approx(1.0, rel=0.1)  # GenerativeBasis: N(0, 1) 4x4 maps


def test_r3gan_generator_basis_resample_order_and_linear_output():
    torch.manual_seed(0)
    g = create_model("r3gan", "generator", z_dim=8, shape=(1, 16, 16), num_classes=0, width=8, max_channels=32)
    z = torch.randn(2, 8)
    # GenerativeBasis: Basis.view(1, C, 4, 4) * Linear(z).view(N, C, 1, 1), no activation after it.
    assert torch.allclose(g.basis(z), g.basis.basis[None] * (z @ g.basis.linear.weight.t())[:, :, None, None])
    sizes = []
    hook = g.transitions[0].register_forward_hook(lambda m, i, o: sizes.append(i[0].shape[-1]))
    g(z)
    hook.remove()
    assert sizes == [4]  # UpsampleLayer: the 1x1 conv runs before the 2x up-sampling
    with torch.no_grad():
        g.to_rgb.weight.mul_(100)
    assert g(z).abs().max() > 1 and g.eval()(z).abs().max() <= 1  # linear, clamped only for sampling


def test_r3gan_resamplers_are_the_reference_fir_filters():
    # R3GAN/Resamplers.py InterpolativeUpsamplerReference / InterpolativeDownsamplerReference with
    # Filter [1, 2, 1]: kernel [1, 3, 3, 1] outer itself / 64; conv_transpose2d(4 K, stride 2, padding 1)
    # up, conv2d(K, stride 2, padding 1) down.
    g = create_model("r3gan", "generator", z_dim=8, shape=(1, 16, 16), num_classes=0, width=8)
    k1 = torch.tensor([1.0, 3.0, 3.0, 1.0])
    kernel = (k1[:, None] * k1[None, :] / 64).view(1, 1, 4, 4)
    x = torch.randn(3, 1, 6, 6)
    up = F.conv_transpose2d(x, 4 * kernel, stride=2, padding=1)
    assert torch.allclose(upsample2d(x, g.lowpass), up, atol=1e-6)
    down = F.conv2d(torch.randn(3, 1, 8, 8), kernel, stride=2, padding=1)
    y = torch.randn(3, 1, 8, 8)
    assert torch.allclose(downsample2d(y, g.lowpass), F.conv2d(y, kernel, stride=2, padding=1), atol=1e-6)
    assert down.shape == (3, 1, 4, 4)


def cosine_decay_with_warmup(cur, base_value, total, final_value):
    """R3GAN training/training_loop.py (no warm-up, no hold)."""
    decay = 0.5 * (1 + np.cos(np.pi * cur / float(total)))
    return float(np.where(cur > total, final_value, base_value + (1 - decay) * (final_value - base_value)))


def test_r3gan_recipe_schedules_gamma_lr_and_beta2_as_the_paper(tmp_path):
    from ganforge.train.trainer import Trainer

    cfg = resolve_config("r3gan-mnist", ["image_size=16", "generator.width=8", "discriminator.width=8",
                                         "batch_size=4", "steps=100", "metrics=[]", "progress=false", "monitor=false"])
    trainer = Trainer(cfg, tmp_path)
    for step in (0, 25, 50, 99):
        trainer.step = step
        trainer._set_learning_rates()
        group = trainer.opt_g.param_groups[0]
        assert group["lr"] == pytest.approx(cosine_decay_with_warmup(step, 2e-4, 100, 5e-5))
        assert group["betas"][1] == pytest.approx(cosine_decay_with_warmup(step, 0.9, 100, 0.99))
        gamma = trainer.objective.terms["r1r2"].weight_at(step / 100)
        assert gamma == pytest.approx(cosine_decay_with_warmup(step, 1.0, 100, 0.1))


# ------------------------------------------------------------------------------- StyleGAN2

def test_stylegan2_output_is_linear():
    # stylegan2-ada training/networks.py SynthesisNetwork: img accumulates ToRGB outputs, no tanh.
    g = create_model("stylegan2", "generator", z_dim=8, shape=(1, 16, 16), num_classes=0, width=8, w_dim=8)
    with torch.no_grad():
        g.input_rgb.bias.fill_(3.0)
    z = torch.randn(2, 8)
    assert g(z).max() > 2.0 and g.eval()(z).max() <= 1.0


def test_stylegan2_w_avg_follows_only_the_main_mapping_pass():
    # stylegan2-ada training/loss.py run_G: the mixing latents use skip_w_avg_update=True; the
    # path-length pass here does too (its w are a fresh half batch, not the main pass).
    cfg = resolve_config("stylegan2-mnist", TINY + ["generator.width=8", "discriminator.width=8",
                                                    "objective.mixing_prob=1.0"])
    obj = build_objective(cfg, {**MNIST, "num_classes": 0})
    g = obj.generator
    torch.manual_seed(0)
    z1 = torch.randn(4, cfg.z_dim)
    with torch.no_grad():
        w_main = g.map(z1, None, update_w_avg=False)
    torch.manual_seed(0)
    obj.styles(4, None, torch.device("cpu"))  # draws z1 (main) then a mixing latent
    assert torch.allclose(g.w_avg, torch.zeros_like(g.w_avg).lerp(w_main.mean(0), 1 - g.w_avg_beta), atol=1e-6)
    before = g.w_avg.clone()
    obj.path_length_penalty(None, 2, torch.device("cpu"))
    assert torch.equal(g.w_avg, before)
