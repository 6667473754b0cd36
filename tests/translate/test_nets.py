"""Image-to-image networks: every registered image generator (registry walk), PatchGAN, RRDB."""
import pytest
import torch
import torch.nn.functional as F

from ganforge.errors import ConfigError
from ganforge.nets import GENERATORS, create_model
from ganforge.nets.patchgan import receptive_field
from ganforge.objectives.cyclegan import CycleGenerators

# Small widths keep the walk fast; a new family without an entry is built with its defaults.
SMALL = {"unet": dict(width=4), "cyclegan-resnet": dict(width=4, blocks=2), "rrdb": dict(width=8, growth=4, blocks=1)}
IMAGE_GENERATORS = [n for n in GENERATORS.names() if getattr(GENERATORS.get(n), "input_kind", "latent") == "image"]


def test_walk_finds_the_translation_generators():
    assert {"unet", "cyclegan-resnet", "rrdb"} <= set(IMAGE_GENERATORS)


@pytest.mark.parametrize("name", IMAGE_GENERATORS)
@pytest.mark.parametrize("channels", [1, 3])
def test_image_generator_shapes_and_gradients(name, channels):
    torch.manual_seed(0)
    g = create_model(name, "generator", shape=(channels, 32, 32), **SMALL.get(name, {}))
    x = torch.rand(2, channels, 32, 32, requires_grad=True) * 2 - 1
    x.retain_grad()
    out = g(x)
    s = g.scale
    assert out.shape == (2, getattr(g, "out_channels", channels), 32 * s, 32 * s)
    assert torch.isfinite(out).all()
    out.square().mean().backward()
    missing = [n for n, p in g.named_parameters() if p.grad is None]
    assert not missing, missing
    assert x.grad is not None and x.grad.abs().sum() > 0


@pytest.mark.parametrize("name", ["unet", "cyclegan-resnet"])
def test_translation_generators_change_channel_count(name):
    g = create_model(name, "generator", shape=(1, 32, 32), out_channels=3, **SMALL[name])
    out = g(torch.zeros(2, 1, 32, 32))
    assert out.shape == (2, 3, 32, 32) and out.abs().max() <= 1  # tanh output


def test_image_generators_refuse_latent_inputs():
    with pytest.raises(ConfigError, match="translates images.*objective=pix2pix"):
        create_model("unet", "generator", z_dim=100, shape=(3, 32, 32))


def test_unet_sizes_and_dropout_in_decoder_only():
    with pytest.raises(ValueError, match="divisible by 32"):
        create_model("unet", "generator", shape=(3, 48, 48), depth=5)
    g = create_model("unet", "generator", shape=(3, 256, 256), width=2)
    assert g.size_multiple == 256  # pix2pix's unet_256: 8 down-samplings
    assert create_model("unet", "generator", shape=(3, 48, 48), width=2).size_multiple == 16
    assert not any(isinstance(m, torch.nn.Dropout) for m in g.downs.modules())
    assert sum(isinstance(m, torch.nn.Dropout) for m in g.ups.modules()) == 3


def test_unet_skip_connections_carry_input_detail():
    # With the bottleneck's contribution zeroed, the output still depends on the input via the skips.
    torch.manual_seed(0)
    g = create_model("unet", "generator", shape=(1, 16, 16), width=4, dropout=0.0).eval()
    for p in g.ups[-1].parameters():
        torch.nn.init.zeros_(p)
    a, b = torch.zeros(1, 1, 16, 16), torch.zeros(1, 1, 16, 16)
    b[..., 3, 5] = 1.0
    assert not torch.equal(g(a), g(b))


def test_resnet_uses_reflection_padding_and_instance_norm():
    g = create_model("cyclegan-resnet", "generator", shape=(3, 32, 32), width=4, blocks=6)
    kinds = {type(m).__name__ for m in g.modules()}
    assert {"ReflectionPad2d", "InstanceNorm2d"} <= kinds
    assert sum(type(m).__name__ == "ResnetBlock" for m in g.modules()) == 6


def test_patchgan_is_70px_and_gives_one_logit_per_patch():
    assert receptive_field(3) == 70
    d = create_model("patchgan", "discriminator", shape=(6, 64, 64), width=8)
    out = d(torch.randn(2, 6, 64, 64))
    assert out.logits.shape == (2, 36)  # 64 -> 32 -> 16 -> 8 -> 7 -> 6
    assert out.features.shape == (2, 64)
    with pytest.raises(ValueError, match="at least 24 px"):
        create_model("patchgan", "discriminator", shape=(3, 16, 16))


@pytest.mark.parametrize("scale", [2, 4])
def test_rrdb_scales_and_starts_as_bicubic_with_global_skip(scale):
    g = create_model("rrdb", "generator", shape=(3, 8, 8), scale=scale, global_skip=True, **SMALL["rrdb"])
    x = torch.rand(2, 3, 8, 8) * 2 - 1
    out = g(x)
    assert out.shape == (2, 3, 8 * scale, 8 * scale)
    assert torch.allclose(out, F.interpolate(x, scale_factor=scale, mode="bicubic", align_corners=False))
    with pytest.raises(ValueError, match="power of two"):
        create_model("rrdb", "generator", shape=(3, 8, 8), scale=3)


def test_cycle_generators_pick_a_direction():
    ab = create_model("cyclegan-resnet", "generator", shape=(1, 16, 16), out_channels=3, **SMALL["cyclegan-resnet"])
    ba = create_model("cyclegan-resnet", "generator", shape=(3, 16, 16), out_channels=1, **SMALL["cyclegan-resnet"])
    both = CycleGenerators(ab, ba)
    x = torch.zeros(1, 1, 16, 16)
    assert torch.equal(both(x), ab(x)) and both.direction("BtoA") is ba
    with pytest.raises(ConfigError, match="AtoB or BtoA"):
        both.direction("sideways")


def test_unet_keeps_dropout_at_test_time_unless_told_not_to():
    # Isola et al. 2017, Sec. 3.1: "we apply dropout at test time" (the reference's test.py calls
    # model.eval() only with --eval), the paper's only source of noise; test_dropout=false turns it off.
    torch.manual_seed(0)
    x = torch.rand(2, 1, 32, 32) * 2 - 1
    noisy = create_model("unet", "generator", shape=(1, 32, 32), width=4).eval()
    assert not torch.equal(noisy(x), noisy(x))
    plain = create_model("unet", "generator", shape=(1, 32, 32), width=4, test_dropout=False).eval()
    assert torch.equal(plain(x), plain(x))


def test_unet_can_normalise_with_the_test_batch_statistics():
    torch.manual_seed(0)
    g = create_model("unet", "generator", shape=(1, 32, 32), width=4, dropout=0.0, test_batch_stats=True)
    x = torch.rand(4, 1, 32, 32) * 2 - 1
    g.train()
    train_out = g(x)
    before = [m.running_mean.clone() for m in g.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    g.eval()
    assert torch.allclose(g(x), train_out, atol=1e-5)  # batch statistics, as in training mode
    after = [m.running_mean for m in g.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    assert all(torch.equal(a, b) for a, b in zip(before, after))  # eval leaves running stats alone
