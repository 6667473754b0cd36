"""Diffusion-GAN: D is conditioned on the diffusion step t, D(x, t), in every family that takes it."""
import inspect
import math

import pytest
import torch
import torch.nn.functional as F

from ganforge.config import resolve_config
from ganforge.errors import ConfigError
from ganforge.nets import DISCRIMINATORS, create_model
from ganforge.nets.timestep import TimestepHead
from ganforge.objectives import build_objective
from ganforge.objectives.base import StepContext

T_FAMILIES = ["biggan", "dcgan", "mlp", "progan", "r3gan", "resnet", "stylegan2"]


def reference_epilogue(head: TimestepHead, h, t):
    """Zhendong-Wang/Diffusion-GAN diffusion-stylegan2/training/networks.py, written out:
    FullyConnectedLayer y = x @ (w * lr_mul / sqrt(in)).T + b * lr_mul; MappingNetwork(z_dim=0,
    c_dim=1): y = normalize_2nd_moment(embed(t)), then 8 layers lrelu(.) * sqrt(2);
    DiscriminatorEpilogue: (out(h) * cmap).sum(1) / sqrt(cmap_dim)."""
    def fc(layer, x):
        return x @ (layer.weight * layer.scale).t() + layer.bias * layer.lr_mul

    m = head.mapping
    y = fc(m.embed, t.float().reshape(-1, 1))
    y = y * (y.square().mean(dim=1, keepdim=True) + 1e-8).rsqrt()
    for layer in m.layers:
        y = F.leaky_relu(fc(layer, y), 0.2) * math.sqrt(2)
    return (fc(head.out, h) * y).sum(dim=1) / math.sqrt(head.cmap_dim)


def test_timestep_head_is_the_reference_mapping_and_projection():
    torch.manual_seed(0)
    head = TimestepHead(features=24, t_dim=1)
    assert head.cmap_dim == 24 and len(head.mapping.layers) == 8  # MappingNetwork's default depth
    assert all(layer.lr_mul == 0.01 for layer in head.mapping.layers)
    with torch.no_grad():  # non-zero biases so the embedding of t is not just a direction
        for p in head.parameters():
            if p.dim() == 1:
                p.normal_()
    h, t = torch.randn(5, 24), torch.tensor([0, 1, 10, 300, 999])
    assert torch.allclose(head(h, t), reference_epilogue(head, h, t), atol=1e-5)


def test_timestep_head_maps_repeated_steps_once_with_the_per_sample_values_and_gradients():
    torch.manual_seed(0)
    head = TimestepHead(features=16, t_dim=1)
    with torch.no_grad():
        for p in head.parameters():
            if p.dim() == 1:
                p.normal_()
    h, t = torch.randn(9, 16, requires_grad=True), torch.tensor([0, 7, 0, 0, 7, 300, 0, 300, 5])
    ours = head(h, t)
    ours_grads = torch.autograd.grad(ours.square().sum(), [h, *head.parameters()])
    ref = reference_epilogue(head, h, t)
    ref_grads = torch.autograd.grad(ref.square().sum(), [h, *head.parameters()])
    assert torch.allclose(ours, ref, atol=1e-5)
    for a, b in zip(ours_grads, ref_grads):
        assert torch.allclose(a, b, rtol=1e-4, atol=1e-6)


def test_projection_width_is_the_discriminators_last_width():
    """The reference's cmap_dim = channels_dict[4]: DCGAN's head reads the flattened 4x4 map, so
    its projection is its 4x4 width, not the 16x longer feature vector."""
    d = create_model("dcgan", "discriminator", shape=(1, 32, 32), num_classes=0, width=32, t_dim=1)
    assert d.head.cmap_dim == 128 and d.head.out.weight.shape == (128, 128 * 16)
    assert TimestepHead(features=1024, t_dim=1).cmap_dim == 512  # channel_max


def test_every_family_that_supports_diffusion_takes_t_and_uses_it():
    takes_t = [n for n in DISCRIMINATORS.names() if "t_dim" in inspect.signature(DISCRIMINATORS.get(n)).parameters]
    assert takes_t == T_FAMILIES
    for name in T_FAMILIES:
        torch.manual_seed(0)
        shape = (2,) if name == "mlp" else (1, 16, 16)
        d = create_model(name, "discriminator", shape=shape, num_classes=0, t_dim=1)
        x = torch.randn((4,) + shape)
        clean, noisy = d(x, None, torch.zeros(4, dtype=torch.long)).logits, d(x, None, torch.full((4,), 7)).logits
        assert clean.shape == (4,) and not torch.allclose(clean, noisy), name
        assert torch.equal(d(x).logits, clean)  # no t: clean images (rejection sampling)


def test_objective_feeds_d_the_sampled_steps():
    cfg = resolve_config("dcgan-mnist", ["image_size=16", "generator.width=8", "discriminator.width=8",
                                         "augment.name=diffusion", "augment.t_min=20", "augment.t_max=20",
                                         "packing=2", "batch_size=8"])
    obj = build_objective(cfg, {"shape": [1, 16, 16], "num_classes": 10, "name": "mnist", "kind": "image"})
    seen = []
    forward = obj.discriminator.forward
    obj.discriminator.forward = lambda x, y=None, t=None: seen.append(t) or forward(x, y, t)
    obj.d_step(torch.rand(8, 1, 16, 16) * 2 - 1, None, StepContext(0, 0, 0.0))
    assert len(seen) == 2 and all(t is not None and t.shape == (4,) for t in seen)  # one step per pack
    assert isinstance(obj.discriminator.head, TimestepHead)


def test_families_without_t_are_refused_at_config_time():
    with pytest.raises(ConfigError, match="discriminator=patchgan cannot take.*dcgan"):
        resolve_config("dcgan-mnist", ["augment.name=diffusion", "discriminator=patchgan"])


@pytest.mark.parametrize("loss", ["lsgan", "wasserstein", "rpgan", "ragan"])
@pytest.mark.parametrize("augment", ["ada", "diffusion"])
def test_sign_adaptation_is_refused_with_losses_whose_sign_means_nothing(augment, loss):
    # ADA and Diffusion-GAN adapt on r_t = E[sign D(real)] (stylegan2-ada training_loop.py,
    # 'Loss/signs/real'); only losses whose logit sign is a verdict make that meaningful.
    extra = ["regularizer=gp"] if loss == "wasserstein" else []
    with pytest.raises(ConfigError, match="use loss=hinge, minimax or ns"):
        resolve_config("dcgan-mnist", [f"augment.name={augment}", f"loss={loss}", *extra])
    resolve_config("dcgan-mnist", [f"augment.name={augment}", f"loss={loss}", "augment.target=null", *extra])


def test_diffusion_and_ada_runs_resume_exactly(tmp_path, tiny_mnist):
    # T, the step pool, ADA's p and their feedback counters are checkpointed with the RNG, so a
    # resumed run equals an uninterrupted one.
    from safetensors.torch import load_file

    import ganforge
    from ganforge.train.checkpoint import latest_checkpoint

    for augment in (["augment.name=diffusion", "augment.speed_images=50", "augment.interval=1"],
                    ["augment.name=ada", "augment.speed_images=50", "augment.interval=1", "augment.p=0.2"]):
        name = augment[0].split("=")[1]
        common = [o for o in tiny_mnist if not o.startswith("steps")] + augment + ["metrics=[]", "monitor=false",
                                                                                    "regularizer=r1", "reg_every=2", "log_every=1", "tensorboard=false"]
        full = ganforge.train("dcgan-mnist", out=tmp_path / f"{name}-full", overrides=common + ["steps=4"])
        part = ganforge.train("dcgan-mnist", out=tmp_path / f"{name}-part", overrides=common + ["steps=2"])
        resumed = ganforge.train(resume=part, overrides=["steps=4"])
        a = load_file(str(latest_checkpoint(full) / "weights.safetensors"))
        b = load_file(str(latest_checkpoint(resumed) / "weights.safetensors"))
        assert all(torch.equal(a[k], b[k]) for k in a), name
        logs = (full / "metrics.jsonl").read_text()
        assert ("diffusion_T" if name == "diffusion" else "ada_p") in logs and "reg_r1" in logs
