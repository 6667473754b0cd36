"""Every zoo recipe validates, and the shipped pretrained generator samples out of the box."""
import pytest
import torch
from click.testing import CliRunner

import ganforge
from ganforge.cli import cli
from ganforge.config import resolve_config

ZOO = ["mnist-cgan", "mnist-acgan", "sngan-mnist", "biggan-mnist", "stylegan2-mnist", "stylegan2-faces",
       "r3gan-mnist", "progan-mnist"]


@pytest.mark.parametrize("recipe", ZOO)
def test_recipe_resolves(recipe):
    cfg = resolve_config(recipe)
    assert cfg.description


def test_sngan_recipe_matches_paper_settings():
    cfg = resolve_config("sngan-mnist")
    assert (cfg.loss, tuple(cfg.betas)) == ("hinge", (0.0, 0.9))  # n_critic: 1 on CPU, 5 in the paper
    assert cfg.discriminator.kwargs()["spectral_norm"] is True


def test_pretrained_mnist_samples_after_install(tmp_path):
    from ganforge.pretrained import available

    if "mnist" not in available():
        pytest.skip("pretrained weights not exported in this checkout")
    x = ganforge.load("pretrained:mnist").sample(8, seed=3)
    assert x.shape == (8, 1, 32, 32) and torch.isfinite(x).all()
    assert torch.equal(x, ganforge.load("pretrained:mnist").sample(8, seed=3))
    out = tmp_path / "g.png"
    r = CliRunner().invoke(cli, ["sample", "pretrained:mnist", "-n", "64", "--grid", "--out", str(out)])
    assert r.exit_code == 0 and out.exists(), r.output


def test_unknown_pretrained_is_clear():
    r = CliRunner().invoke(cli, ["sample", "pretrained:nope", "-n", "4", "--grid", "--out", "x.png"])
    assert r.exit_code == 2 and "unknown pretrained model 'nope'" in r.output
