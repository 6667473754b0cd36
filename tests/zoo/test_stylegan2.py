"""StyleGAN2 mechanisms: equalized lr, demodulation, minibatch std, truncation, mixing, path length."""
import math

import pytest
import torch
from click.testing import CliRunner
from PIL import Image

import ganforge
from ganforge.cli import cli
from ganforge.nets import create_model
from ganforge.nets.layers import EqualConv2d, EqualLinear, MinibatchStd
from ganforge.nets.stylegan2 import ModulatedConv2d


def test_equalized_lr_scales_at_runtime():
    lin = EqualLinear(64, 8, lr_mul=0.01)
    assert lin.scale == pytest.approx(0.01 / 8)
    assert lin.weight.std().item() == pytest.approx(100, rel=0.2)  # stored as N(0, 1) / lr_mul
    x = torch.randn(5, 64)
    # the two orders of the scaling round differently: compare at float32 precision
    assert torch.allclose(lin(x), x @ (lin.weight * 0.01 / 8).t() + lin.bias * 0.01, rtol=1e-4, atol=1e-5)
    conv = EqualConv2d(4, 6, 3, padding=1)
    assert conv.scale == pytest.approx(1 / math.sqrt(4 * 9))


def test_demodulation_normalises_each_output_filter():
    conv = ModulatedConv2d(8, 4, 3, w_dim=16)
    style = torch.rand(3, 8) * 5 + 0.1
    w = conv.modulated_weight(style)
    norms = w.square().sum(dim=(2, 3, 4)).sqrt()
    assert torch.allclose(norms, torch.ones_like(norms), atol=1e-4)
    plain = ModulatedConv2d(8, 4, 1, w_dim=16, demodulate=False)
    assert not torch.allclose(plain.modulated_weight(style).square().sum(dim=(2, 3, 4)), torch.ones(3, 4))


@pytest.mark.parametrize("demodulate", [True, False])
def test_modulated_conv_equals_a_conv_with_each_samples_own_weights(demodulate):
    conv = ModulatedConv2d(8, 4, 3, w_dim=16, demodulate=demodulate, up=True)
    x, w = torch.randn(3, 8, 5, 5), torch.randn(3, 16)
    weights = conv.modulated_weight(conv.affine(w))
    up = torch.nn.functional.interpolate(x, scale_factor=2, mode="bilinear", align_corners=False)
    expected = torch.stack([torch.nn.functional.conv2d(up[i:i + 1], weights[i], padding=1)[0] for i in range(3)])
    assert torch.allclose(conv(x, w), expected, rtol=1e-4, atol=1e-5)


def test_minibatch_std_adds_a_channel_of_batch_spread():
    x = torch.randn(8, 5, 4, 4)
    y = MinibatchStd(group_size=4)(x)
    assert y.shape == (8, 6, 4, 4)
    assert torch.equal(y[:, :5], x)
    same = MinibatchStd(group_size=4)(torch.ones(8, 5, 4, 4))
    assert same[:, 5].abs().max() < 1e-3  # identical samples: no spread


def test_truncation_psi_zero_gives_mean_w_and_one_is_identity():
    g = create_model("stylegan2", "generator", z_dim=16, shape=(1, 16, 16), num_classes=0, width=8, w_dim=16)
    g.train()
    g.map(torch.randn(64, 16))
    assert g.w_avg.abs().sum() > 0  # running mean tracked in training mode
    g.eval()
    z = torch.randn(4, 16)
    assert torch.allclose(g.map(z, truncation=0.0), g.w_avg.expand(4, -1))
    assert torch.allclose(g.map(z, truncation=1.0), g.map(z))
    assert torch.allclose(g(z, truncation=0.0), g.synthesize(g.w_avg.expand(4, -1)))


def test_eval_noise_is_fixed_train_noise_is_random():
    g = create_model("stylegan2", "generator", z_dim=16, shape=(1, 16, 16), num_classes=0, width=8, w_dim=16)
    with torch.no_grad():
        for p in g.parameters():
            if p.dim() == 0:
                p.fill_(1.0)  # noise strengths
    z = torch.randn(2, 16)
    g.eval()
    assert torch.equal(g(z), g(z))
    g.train()
    assert not torch.equal(g(z), g(z))


def test_objective_style_mixing_and_path_length(tmp_path, tiny):
    over = tiny + ["objective.pl_every=1", "objective.mixing_prob=1.0", "reg_every=2"]
    run = ganforge.train("stylegan2-mnist", out=tmp_path / "run", overrides=over)
    logs = (run / "metrics.jsonl").read_text()
    assert "reg_pl" in logs and "pl_mean" in logs and "reg_r1" in logs
    from safetensors.torch import load_file

    from ganforge.train.checkpoint import WEIGHTS, latest_checkpoint

    assert load_file(str(latest_checkpoint(run) / WEIGHTS))["objective.terms.path_length.pl_mean"] > 0
    # style tools on the trained run
    r = CliRunner().invoke(cli, ["style-mix", str(run), "--rows", "1,2", "--cols", "3,4,5", "--out", str(tmp_path / "m.png")])
    assert r.exit_code == 0, r.output
    w, h = Image.open(tmp_path / "m.png").size
    assert (w - 2) // 18 == 4 and (h - 2) // 18 == 3  # (cols + 1) x (rows + 1) cells of 16 px + 2 px pad
    r = CliRunner().invoke(cli, ["interpolate", str(run), "--seeds", "1,2", "--steps", "4", "--truncation", "0.7",
                                 "--out", str(tmp_path / "w.png")])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(cli, ["sample", str(run), "-n", "4", "--truncation", "0.5", "--grid", "--out", str(tmp_path / "t.png")])
    assert r.exit_code == 0, r.output


def test_style_mixing_cutoff_switches_source(tmp_path, tiny):
    from ganforge.config import resolve_config
    from ganforge.objectives import build_objective

    cfg = resolve_config("stylegan2-mnist", tiny + ["objective.mixing_prob=1.0"])
    obj = build_objective(cfg, {"shape": (1, 16, 16), "num_classes": 10, "name": "mnist"})
    torch.manual_seed(0)
    ws = obj.styles(3, None, torch.device("cpu"))
    assert ws.shape == (3, obj.generator.num_ws, 128)
    assert not torch.equal(ws[:, 0], ws[:, -1])  # two latents: coarse and fine styles differ
