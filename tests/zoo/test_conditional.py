"""Class-conditional pieces: conditional batch norm, projection D, ACGAN, per-class sampling."""
import pytest
import torch

import ganforge
from ganforge.errors import ConfigError
from ganforge.nets import create_model
from ganforge.nets.layers import ConditionalBatchNorm2d


def test_conditional_bn_uses_class_specific_gains():
    bn = ConditionalBatchNorm2d(3, num_classes=2)
    with torch.no_grad():
        bn.gain.weight[1] = 2.0
        bn.bias.weight[1] = 0.5
    x = torch.randn(8, 3, 4, 4)
    y0, y1 = bn(x, torch.zeros(8, dtype=torch.long)), bn(x, torch.ones(8, dtype=torch.long))
    assert torch.allclose(y1, 2 * y0 + 0.5, atol=1e-5)


def test_resnet_generator_depends_on_class():
    g = create_model("resnet", "generator", z_dim=8, shape=(1, 16, 16), num_classes=10, width=8)
    with torch.no_grad():
        for m in g.modules():
            if isinstance(m, ConditionalBatchNorm2d):
                m.gain.weight.normal_(1, 0.5)
    z = torch.randn(4, 8)
    g.eval()
    assert not torch.allclose(g(z, torch.zeros(4, dtype=torch.long)), g(z, torch.ones(4, dtype=torch.long)))


@pytest.mark.parametrize("family", ["dcgan", "mlp"])
def test_projection_term_starts_on_the_scale_of_the_unconditional_head(family):
    torch.manual_seed(0)
    shape = (1, 32, 32) if family == "dcgan" else (2,)
    d = create_model(family, "discriminator", shape=shape, num_classes=10, width=64)
    x, y = torch.randn(64, *shape), torch.arange(64) % 10
    features = d(x, y).features
    head = d.head(features).std().item() if hasattr(d, "head") else 1.0
    assert d.projection(features, y).std().item() < 3 * max(head, 0.3)


def test_acgan_head_gives_class_logits():
    d = create_model("resnet", "discriminator", shape=(1, 16, 16), num_classes=10, width=8, projection=False,
                     aux_classifier=True)
    out = d(torch.randn(3, 1, 16, 16))
    assert out.class_logits.shape == (3, 10)


@pytest.mark.parametrize("recipe", ["mnist-cgan", "mnist-acgan"])
def test_conditional_recipes_train_and_sample_by_class(tmp_path, tiny, recipe):
    run = ganforge.train(recipe, out=tmp_path / "run", overrides=tiny)
    logs = (run / "metrics.jsonl").read_text()
    if recipe == "mnist-acgan":
        assert "loss_d_aux" in logs and "loss_g_aux" in logs
    gen = ganforge.load(run)
    x = gen.sample(4, seed=1, labels=7)
    assert x.shape == (4, 1, 16, 16) and torch.isfinite(x).all()


def test_acgan_needs_class_head(tmp_path, tiny):
    with pytest.raises(ConfigError, match="aux_classifier"):
        ganforge.train("mnist-acgan", out=tmp_path / "run", overrides=tiny + ["discriminator.aux_classifier=false"])


def test_sample_cli_class_and_per_class_grid(tmp_path, tiny):
    from click.testing import CliRunner

    from ganforge.cli import cli as main

    run = ganforge.train("mnist-cgan", out=tmp_path / "run", overrides=tiny)
    r = CliRunner().invoke(main, ["sample", str(run), "-n", "8", "--class", "7", "--grid", "--out", str(tmp_path / "7.png")])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["sample", str(run), "-n", "20", "--grid", "--out", str(tmp_path / "all.png")])
    assert r.exit_code == 0, r.output
    from PIL import Image

    w, h = Image.open(tmp_path / "all.png").size
    assert w > h  # one column per class: 10 wide, 2 high


def test_sngan_recipe_trains(tmp_path, tiny):
    run = ganforge.train("sngan-mnist", out=tmp_path / "run", overrides=tiny + ["n_critic=2"])
    assert (run / "checkpoints").is_dir()
