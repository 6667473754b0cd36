"""pix2pix, CycleGAN and super-resolution objectives: loss terms on constructed inputs,
gradients, the pre-training phase, and start-up errors."""
import pytest
import torch
from torch import nn

from ganforge.errors import ConfigError
from ganforge.losses import get_loss
from ganforge.objectives import StepContext, build_objective

from .helpers import tiny_config

CTX = StepContext(step=0, d_step=0, progress=0.0)
PAIRED = {"name": "p", "kind": "image", "shape": [1, 16, 16], "target_shape": [3, 16, 16], "task": "paired",
          "scale": 1, "num_classes": 0, "class_names": []}
UNPAIRED = dict(PAIRED, shape=[1, 16, 16], target_shape=[1, 16, 16], task="unpaired")
SR = dict(PAIRED, shape=[3, 4, 4], target_shape=[3, 16, 16], scale=4)


class Shift(nn.Module):
    """A stand-in generator: x + c (with one parameter so optimizers have something to hold)."""

    def __init__(self, c):
        super().__init__()
        self.c = nn.Parameter(torch.tensor(float(c)))

    def forward(self, x, y=None):
        return x + self.c


def grads_complete(params):
    return all(p.grad is not None for p in params)


def test_cycle_and_identity_losses_on_constructed_generators():
    obj = build_objective(tiny_config("cyclegan-digits"), UNPAIRED)
    a, b = torch.rand(4, 1, 16, 16) - 0.5, torch.rand(4, 1, 16, 16) - 0.5
    obj.generator.ab, obj.generator.ba = Shift(0.1), Shift(-0.1)  # exact inverses
    parts = obj.cycle_losses(a, b)
    assert parts["cycle"].abs() < 1e-6
    assert torch.isclose(parts["identity"], torch.tensor(0.2))  # |+0.1| + |-0.1|
    obj.generator.ab, obj.generator.ba = Shift(0.1), Shift(0.1)  # round trips drift by 0.2 each way
    parts = obj.cycle_losses(a, b)
    assert torch.isclose(parts["cycle"], torch.tensor(0.4)) and torch.isclose(parts["identity"], torch.tensor(0.2))
    loss, logs = obj.g_step(a, b, CTX)
    assert torch.isclose(loss, logs["loss_g_adv"] + 10 * 0.4 + 0.5 * 10 * 0.2, atol=1e-5)


def mse(x, target):
    return ((x - target) ** 2).mean()


def test_cyclegan_d_loss_is_the_reference_half_mse_and_reaches_both_discriminators():
    # junyanz/pytorch-CycleGAN-and-pix2pix cycle_gan_model.py backward_D_basic with GANLoss('lsgan')
    # = MSELoss: D = (MSE(D(real), 1) + MSE(D(fake), 0)) * 0.5 per domain.
    cfg = tiny_config("cyclegan-digits", "objective.pool_size=0")
    obj = build_objective(cfg, UNPAIRED)
    a, b = torch.rand(4, 1, 16, 16), torch.rand(4, 1, 16, 16)
    torch.manual_seed(0)
    loss, _ = obj.d_step(a, b, CTX)
    with torch.no_grad():
        want = 0.5 * (mse(obj.d_b(b).logits, 1) + mse(obj.d_b(obj.generator.ab(a)).logits, 0)) \
            + 0.5 * (mse(obj.d_a(a).logits, 1) + mse(obj.d_a(obj.generator.ba(b)).logits, 0))
    assert torch.isclose(loss, want)
    loss.backward()
    assert grads_complete(obj.d_parameters())


def test_cyclegan_adversarial_weight_equals_the_reference():
    # cycle_gan_model.py backward_G: loss_G_A = criterionGAN(netD_A(fake_B), True) = MSE(., 1), no 1/2,
    # next to cycle losses weighted lambda_A = lambda_B = 10.
    obj = build_objective(tiny_config("cyclegan-digits"), UNPAIRED)
    a, b = torch.rand(4, 1, 16, 16), torch.rand(4, 1, 16, 16)
    parts = obj.cycle_losses(a, b)
    with torch.no_grad():
        want = mse(obj.d_b(parts["fake_b"]).logits, 1) + mse(obj.d_a(parts["fake_a"]).logits, 1)
    assert torch.isclose(parts["adv"], want)


def test_pix2pix_gan_terms_are_the_references_with_any_family():
    # pix2pix_model.py: loss_D = (loss_D_fake + loss_D_real) * 0.5; loss_G_GAN = criterionGAN(pred, True).
    a, b = torch.rand(4, 1, 16, 16), torch.rand(4, 3, 16, 16)
    for loss_name, crit in (("ns", lambda x, t: torch.nn.functional.binary_cross_entropy_with_logits(
            x, torch.full_like(x, float(t)))), ("lsgan", mse)):
        obj = build_objective(tiny_config("pix2pix-edges", f"loss={loss_name}"), PAIRED)
        obj.eval()  # batch norm on running statistics; dropout stays on, so fix the RNG per call
        torch.manual_seed(1)
        d_loss, _ = obj.d_step(a, b, CTX)
        with torch.no_grad():
            torch.manual_seed(1)
            fake = obj.generator(a)
            want = 0.5 * (crit(obj.judge(a, fake), 0) + crit(obj.judge(a, b), 1))
        assert torch.isclose(d_loss, want, atol=1e-6), loss_name
        torch.manual_seed(2)
        _, logs = obj.g_step(a, b, CTX)
        with torch.no_grad():
            torch.manual_seed(2)
            want = crit(obj.judge(a, obj.generator(a)), 1)
        assert torch.isclose(logs["loss_g_adv"], want, atol=1e-6), loss_name


def test_esrgan_averages_the_relativistic_terms_as_the_authors_code():
    # BasicSR esrgan_model.py: l_g_gan = (l_g_real + l_g_fake) / 2; l_d_real, l_d_fake each * 0.5.
    obj = build_objective(tiny_config("esrgan-photos", "objective.pretrain_steps=0"), SR)
    lr, hr = torch.rand(2, 3, 4, 4), torch.rand(2, 3, 16, 16)
    d_loss, _ = obj.d_step(lr, hr, CTX)
    with torch.no_grad():
        real, fake = obj.discriminator(hr).logits, obj.discriminator(obj.generator(lr)).logits
        bce = torch.nn.functional.binary_cross_entropy_with_logits
        want = 0.5 * bce(real - fake.mean(), torch.ones_like(real)) + 0.5 * bce(fake - real.mean(), torch.zeros_like(fake))
    assert torch.isclose(d_loss, want, atol=1e-6)


def test_cyclegan_g_step_reaches_both_generators():
    obj = build_objective(tiny_config("cyclegan-digits"), UNPAIRED)
    loss, _ = obj.g_step(torch.rand(2, 1, 16, 16), torch.rand(2, 1, 16, 16), CTX)
    loss.backward()
    assert grads_complete(obj.g_parameters())


def test_identity_loss_needs_matching_channels():
    with pytest.raises(ConfigError, match="lambda_identity=0"):
        build_objective(tiny_config("cyclegan-digits"), dict(UNPAIRED, target_shape=[3, 16, 16]))
    rgb_b = dict(UNPAIRED, target_shape=[3, 16, 16])
    build_objective(tiny_config("cyclegan-digits", "objective.lambda_identity=0"), rgb_b)


def test_pix2pix_d_judges_pairs_and_g_adds_weighted_l1():
    obj = build_objective(tiny_config("pix2pix-edges"), PAIRED)
    assert obj.discriminator.body[0].in_channels == 1 + 3  # input and output concatenated
    a, b = torch.rand(4, 1, 16, 16), torch.rand(4, 3, 16, 16)
    loss, logs = obj.g_step(a, b, CTX)
    assert torch.isclose(loss, logs["loss_g_adv"] + 100 * logs["loss_g_l1"])
    loss.backward()
    assert grads_complete(obj.g_parameters())
    d_loss, _ = obj.d_step(a, b, CTX)
    d_loss.backward()
    assert grads_complete(obj.d_parameters())


def test_superres_pretrains_on_pixels_then_adds_feature_and_adversarial_terms():
    obj = build_objective(tiny_config("esrgan-photos", "objective.pretrain_steps=5"), SR)
    lr, hr = torch.rand(2, 3, 4, 4), torch.rand(2, 3, 16, 16)
    loss, logs = obj.g_step(lr, hr, CTX)
    assert set(logs) == {"loss_pixel"} and torch.isclose(loss, logs["loss_pixel"])
    d_loss, _ = obj.d_step(lr, hr, CTX)
    d_loss.backward()
    assert d_loss == 0 and all(p.grad is None or not p.grad.any() for p in obj.d_parameters())
    later = StepContext(step=5, d_step=5, progress=0.5)
    loss, logs = obj.g_step(lr, hr, later)
    assert {"loss_pixel", "loss_feature", "loss_g_adv"} <= set(logs)
    loss.backward()
    assert grads_complete(obj.g_parameters())
    assert all(p.grad is None for p in obj._features[0].parameters())  # the feature net stays frozen
    assert not any(k.startswith("_features") for k in obj.state_dict())  # rebuilt from its name, not saved


def test_random_feature_net_is_the_same_everywhere():
    from ganforge.objectives.features import create_feature_net

    x = torch.rand(1, 3, 16, 16)
    assert torch.equal(create_feature_net("random", 3)(x), create_feature_net("random", 3)(x))


@pytest.mark.parametrize("recipe,info,message", [
    ("pix2pix-edges", {"name": "mnist", "kind": "image", "shape": [1, 16, 16], "num_classes": 10},
     "needs paired image data"),
    ("cyclegan-digits", PAIRED, "needs unpaired image data"),
    ("esrgan-photos", PAIRED, "targets larger than inputs"),
])
def test_objectives_refuse_the_wrong_data(recipe, info, message):
    with pytest.raises(ConfigError, match=message):
        build_objective(tiny_config(recipe), info)


def test_unsupported_options_and_contradicting_net_options_fail_at_start():
    with pytest.raises(ConfigError, match="does not support regularizer"):
        build_objective(tiny_config("pix2pix-edges", "regularizer=r1"), PAIRED)
    with pytest.raises(ConfigError, match="does not support metrics=fid"):
        build_objective(tiny_config("pix2pix-edges", "metrics=[fid]"), PAIRED)
    with pytest.raises(ConfigError, match="generator.scale=2 contradicts the data"):
        build_objective(tiny_config("esrgan-photos", "generator.scale=2"), SR)


def test_ragan_compares_with_the_other_side_average():
    ragan = get_loss("ragan")
    log2 = torch.log(torch.tensor(2.0))
    assert torch.isclose(ragan.d_loss(torch.zeros(4), torch.zeros(4)), 2 * log2)
    real, fake = torch.tensor([2.0, 0.0]), torch.tensor([1.0, -1.0])  # means 1 and 0
    want = torch.nn.functional.softplus(-(real - 0.0)).mean() + torch.nn.functional.softplus(fake - 1.0).mean()
    assert torch.isclose(ragan.d_loss(real, fake), want)
    assert ragan.g_needs_real


def test_health_monitor_compares_outputs_with_targets_and_ignores_sign_stats_of_lsgan_and_ragan():
    from ganforge.data import load_dataset

    ds = load_dataset("edges2photo", image_size=16)
    obj = build_objective(tiny_config("pix2pix-edges"), ds.info())
    rng = torch.get_rng_state()
    ref = obj.reference_batch(ds, torch.arange(3))
    assert ref.shape == (3, 3, 16, 16)  # photos (the targets), not edge maps
    assert torch.equal(rng, torch.get_rng_state())  # drawn without touching the training RNG
    assert not get_loss("lsgan").sign_is_verdict and not get_loss("ragan").sign_is_verdict
