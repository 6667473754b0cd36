"""Every registered network builds, runs forward and backward with the right shapes and no NaN."""
import pytest
import torch

from ganforge.nets import DISCRIMINATORS, GENERATORS, DOutput, create_model

IMAGE_SHAPES = [(1, 32, 32), (3, 32, 32), (3, 64, 64)]
# Nets for other data kinds declare ``data_kind``: clips (C, T, H, W), waveforms (C, L), text (L, V).
KIND_SHAPES = {"video": [(1, 6, 32, 32), (3, 4, 64, 64)], "audio": [(1, 4096), (2, 16384)], "text": [(8, 27), (5, 40)]}


def shapes_for(name, registry=None):
    if name == "mlp":
        return [(2,), (5,)]
    kinds = {getattr(reg.get(name), "data_kind", None) for reg in (registry,) if reg is not None and name in reg}
    kind = kinds.pop() if kinds else None
    return KIND_SHAPES.get(kind, IMAGE_SHAPES)


def z_dim_for(g_class, shape):
    """16, or what a generator whose latent depends on the data shape (mocogan) takes."""
    return g_class.z_dim_for(shape) if hasattr(g_class, "z_dim_for") else 16


def inactive(net):
    """Parameters a growing net (progan) does not use at its current stage."""
    return net.inactive_parameter_names() if hasattr(net, "inactive_parameter_names") else set()


def cases(registry, input_kind=None):
    # Image-to-image generators (input_kind "image") take images, not z: tests/translate walks them.
    names = [n for n in registry.names()
             if input_kind is None or getattr(registry.get(n), "input_kind", "latent") == input_kind]
    return [(name, shape, k) for name in names for shape in shapes_for(name, registry) for k in (0, 10)]


@pytest.mark.parametrize("name,shape,num_classes", cases(GENERATORS, "latent"))
def test_generator(name, shape, num_classes):
    torch.manual_seed(0)
    z_dim = z_dim_for(GENERATORS.get(name), shape)
    g = create_model(name, "generator", z_dim=z_dim, shape=shape, num_classes=num_classes)
    z = torch.randn(4, z_dim)
    y = torch.arange(4) if num_classes else None
    x = g(z, y)
    assert x.shape == (4,) + shape
    assert torch.isfinite(x).all()
    x.square().mean().backward()
    missing = [n for n, p in g.named_parameters() if p.grad is None and n not in inactive(g)]
    assert not missing, missing


@pytest.mark.parametrize("name,shape,num_classes", cases(DISCRIMINATORS))
@pytest.mark.parametrize("spectral_norm", [False, True])
def test_discriminator(name, shape, num_classes, spectral_norm):
    torch.manual_seed(0)
    d = create_model(name, "discriminator", shape=shape, num_classes=num_classes, spectral_norm=spectral_norm)
    x = torch.randn((4,) + shape, requires_grad=True)
    y = torch.arange(4) if num_classes else None
    out = d(x, y)
    assert isinstance(out, DOutput)
    assert out.logits.shape[0] == 4 and out.logits.dim() <= 2  # (N,) or per-patch (N, P)
    assert out.features.shape[0] == 4
    assert torch.isfinite(out.logits).all()
    out.logits.sum().backward()
    assert x.grad is not None and torch.isfinite(x.grad).all()
    missing = [n for n, p in d.named_parameters() if p.grad is None and n not in inactive(d)]
    assert not missing, missing


def test_conditional_nets_need_labels():
    g = create_model("dcgan", "generator", z_dim=8, shape=(1, 32, 32), num_classes=10)
    with pytest.raises(ValueError, match="labels"):
        g(torch.randn(2, 8))


def test_dcgan_rejects_odd_sizes():
    with pytest.raises(ValueError, match="power-of-two"):
        create_model("dcgan", "generator", z_dim=8, shape=(1, 48, 48))


def test_unknown_model_lists_choices():
    from ganforge.errors import ConfigError

    with pytest.raises(ConfigError, match="choose one of: .*dcgan"):
        create_model("nope", "generator")


def test_table_dropout_keeps_half_and_doubles_them():
    from ganforge.nets.tabular import Dropout, _byte_masks

    table = _byte_masks(torch.device("cpu"), torch.float32)
    assert table[0b10100101].tolist() == [2.0, 0.0, 2.0, 0.0, 0.0, 2.0, 0.0, 2.0]  # bit b in column b
    torch.manual_seed(0)
    x = torch.ones(3001, 7)
    out = Dropout(0.5).train()(x)
    assert set(out.unique().tolist()) == {0.0, 2.0}
    assert (out == 2).float().mean().item() == pytest.approx(0.5, abs=0.01)
    # neighbouring units are independent: no pattern repeats along a row or a column
    kept = (out == 2).float()
    assert (kept[:, 1:] * kept[:, :-1]).mean().item() == pytest.approx(0.25, abs=0.01)
    assert (kept[1:] * kept[:-1]).mean().item() == pytest.approx(0.25, abs=0.01)
    assert torch.equal(Dropout(0.5).eval()(x), x)
