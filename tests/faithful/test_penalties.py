"""Gradient penalties as the papers and authors' code define them: WGAN-GP on a non-linear critic,
R1/R2 at the clean input differentiated through the augmentation, packing, and lazy
regularization as its own Adam step with StyleGAN2's correction."""
import pytest
import torch

from ganforge.augment.base import Augmenter
from ganforge.config import resolve_config
from ganforge.nets import DOutput
from ganforge.objectives import build_objective
from ganforge.objectives.base import StepContext
from ganforge.regularizers import gradient_penalty, r1_penalty

CTX = StepContext(step=0, d_step=0, progress=0.0)


def test_wgan_gp_of_a_non_linear_critic_matches_the_equation():
    # Gulrajani et al. 2017, Eq. (3): lambda * E[(||grad D(x_hat)|| - 1)^2], x_hat = a x + (1 - a) x~.
    # D(x) = sum(sin(x)) has grad cos(x), so the expected value is computed without autograd.
    real, fake = torch.randn(6, 3), torch.randn(6, 3)
    alpha = torch.rand(6, generator=torch.Generator().manual_seed(3))[:, None]
    x_hat = alpha * real + (1 - alpha) * fake
    expected = ((torch.cos(x_hat).norm(dim=1) - 1) ** 2).mean()
    value = gradient_penalty(lambda x: torch.sin(x).sum(1), real, fake, torch.Generator().manual_seed(3))
    assert value.item() == pytest.approx(expected.item(), rel=1e-6)


def test_wgan_gp_with_packing_takes_one_norm_per_pack():
    real, fake = torch.randn(6, 3), torch.randn(6, 3)
    critic = lambda x: torch.sin(x.reshape(3, 6)).sum(1)  # noqa: E731 - D sees packs of 2 samples
    alpha = torch.rand(3, generator=torch.Generator().manual_seed(4)).repeat_interleave(2)[:, None]
    x_hat = (alpha * real + (1 - alpha) * fake).reshape(3, 6)
    expected = ((torch.cos(x_hat).norm(dim=1) - 1) ** 2).mean()
    value = gradient_penalty(critic, real, fake, torch.Generator().manual_seed(4), group=2)
    assert value.item() == pytest.approx(expected.item(), rel=1e-6)


class Quadratic(torch.nn.Module):
    """D(x) = 0.5 ||x||^2 per D input, so grad D(x) = x."""

    def forward(self, x, y=None, t=None):
        return DOutput(logits=0.5 * x.flatten(1).square().sum(1), features=x.flatten(1))


class Double(Augmenter):
    def apply(self, x, generator=None):
        return 2 * x


def ring_objective(*overrides, augment=Double):
    cfg = resolve_config("ring8", ["regularizer=r1", "reg_weight=1", *overrides])
    obj = build_objective(cfg, {"shape": [2], "num_classes": 0, "name": "ring8", "kind": "vector"})
    obj.discriminator = Quadratic()
    if augment is not None:
        obj.augment = augment()
    return obj


def test_r1_is_taken_on_the_clean_input_through_the_augmentation():
    # stylegan2-ada training/loss.py: r1_grads = grad(D(augment(real_img_tmp)), real_img_tmp), the
    # clean image. With T(x) = 2x and D = 0.5||.||^2: grad_x D(T(x)) = 2 * T(x) = 4x, so
    # R1 = 0.5 E||4x||^2 = 8 E||x||^2 (the gradient at the augmented input would give 2 E||x||^2).
    obj = ring_objective()
    x = torch.randn(8, 2)
    logs = {}
    value = obj.penalty(x, x, None, CTX, logs)
    assert value.item() == pytest.approx(8 * x.square().sum(1).mean().item(), rel=1e-6)
    assert "reg_r1" in logs


def test_r1_with_packing_is_per_d_input():
    # Two samples per D input: the pack's squared gradient norm is the sum of its members'.
    obj = ring_objective("packing=2", "batch_size=64")
    x = torch.randn(8, 2)
    value = obj.penalty(x, x, None, CTX, {})
    # grad_x of D(T(pack)) = 4 * pack: 0.5 * mean over the 4 packs of 16 ||pack||^2
    assert value.item() == pytest.approx(0.5 * 16 * x.square().sum().item() / 4, rel=1e-6)


def test_r1_flows_through_the_diffusion_chain():
    # Diffusion-GAN diffusion-stylegan2/training/loss.py: R1 on real_img_tmp before run_D (which
    # diffuses): with sigma = 0, y = sqrt(abar_t) x and grad_x D(y) = abar_t x.
    obj = ring_objective("augment.name=diffusion", "augment.sigma=0", "augment.t_min=50", "augment.t_max=50",
                         augment=None)
    x = torch.randn(64, 2)
    torch.manual_seed(0)
    value = obj.penalty(x, x, None, CTX, {})
    abar = obj.augment.alpha_bars()[obj.augment.last_t].float()
    expected = 0.5 * (abar[:, None] * x).square().sum(1).mean()
    assert value.item() == pytest.approx(expected.item(), rel=1e-5)
    assert (obj.augment.last_t == 0).any() and (obj.augment.last_t > 0).any()


TINY = ["image_size=16", "batch_size=8", "generator.width=8", "discriminator.width=8", "log_every=1",
        "progress=false", "metrics=[]", "monitor=false", "report=false", "num_samples=8"]


def test_lazy_regularization_uses_the_adam_correction_and_its_own_step(tmp_path):
    # stylegan2-ada training/training_loop.py: mb_ratio = k / (k + 1); lr * mb_ratio,
    # betas ** mb_ratio; the reg phase is an extra optimizer step every k minibatches, gain k.
    from ganforge.train.trainer import Trainer

    cfg = resolve_config("stylegan2-mnist", TINY + ["reg_every=4", "objective.pl_every=2", "steps=8"])
    trainer = Trainer(cfg, tmp_path)
    d_ratio, g_ratio = 4 / 5, 2 / 3
    d_group, g_group = trainer.opt_d.param_groups[0], trainer.opt_g.param_groups[0]
    assert d_group["lr"] == pytest.approx(cfg.lr_d * d_ratio) and g_group["lr"] == pytest.approx(cfg.lr_g * g_ratio)
    assert d_group["betas"] == pytest.approx((0.0, 0.99 ** d_ratio))
    assert g_group["betas"] == pytest.approx((0.0, 0.99 ** g_ratio))
    logs = {}
    for _ in range(8):
        logs.update(trainer.train_step(want_logs=True))
        trainer.step += 1
    assert "reg_r1" in logs and "reg_pl" in logs
    d_param = next(iter(trainer.opt_d.state.values()))
    g_param = trainer.opt_g.state[next(iter(trainer.objective.g_parameters()))]
    assert int(d_param["step"]) == 8 + 2  # 8 main steps + reg steps at D steps 0 and 4
    assert int(g_param["step"]) == 8 + 4  # 8 main steps + path-length steps at 0, 2, 4, 6
    assert trainer.opt_d.param_groups[0]["lr"] == pytest.approx(cfg.lr_d * d_ratio)  # kept by the lr schedule


def test_no_correction_without_lazy_regularization(tmp_path):
    from ganforge.train.trainer import Trainer

    trainer = Trainer(resolve_config("r3gan-mnist", TINY + ["steps=1"]), tmp_path)  # reg_every 1
    group = trainer.opt_d.param_groups[0]
    assert group["lr"] == pytest.approx(2e-4) and group["betas"] == (0.0, 0.9)
    assert trainer.objective.lazy_intervals() == {}


def test_r1_penalty_keeps_its_plain_definition():
    w = torch.tensor([3.0, 4.0])
    assert r1_penalty(lambda x: (x * w).sum(1), torch.randn(5, 2)).item() == pytest.approx(12.5)


def test_the_correction_ends_when_a_reg_schedule_fades_the_penalty_out(tmp_path):
    from ganforge.train.trainer import Trainer

    cfg = resolve_config("grid25-best", ["steps=10", "progress=false", "metrics=[]", "report=false"])
    trainer = Trainer(cfg, tmp_path)  # R1 every 4 D steps, faded out between 10% and 30%
    for step, ratio in ((0, 4 / 5), (2, 4 / 5), (3, 1.0), (9, 1.0)):
        trainer.step = step
        trainer._set_learning_rates()
        group = trainer.opt_d.param_groups[0]
        assert group["betas"] == pytest.approx(tuple(b ** ratio for b in cfg.betas)), step
