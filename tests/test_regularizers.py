"""Gradient penalties on constructed critics with known input gradients."""
import pytest
import torch

from ganforge.regularizers import gradient_penalty, r1_penalty, r2_penalty


def linear_critic(w):
    return lambda x: (x.flatten(1) * w).sum(1)


def test_r1_of_linear_critic_is_half_squared_weight_norm():
    w = torch.tensor([3.0, 4.0])
    x = torch.randn(16, 2)
    assert torch.isclose(r1_penalty(linear_critic(w), x), torch.tensor(12.5))
    assert torch.isclose(r2_penalty(linear_critic(w), x), torch.tensor(12.5))


def test_gp_is_zero_for_unit_gradient_and_positive_otherwise():
    real, fake = torch.randn(8, 2), torch.randn(8, 2)
    assert gradient_penalty(linear_critic(torch.tensor([0.6, 0.8])), real, fake) < 1e-10
    assert torch.isclose(gradient_penalty(linear_critic(torch.tensor([3.0, 4.0])), real, fake), torch.tensor(16.0))


def test_penalties_are_differentiable_wrt_critic_parameters():
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    critic = linear_critic(w)
    r1_penalty(critic, torch.randn(4, 2)).backward()
    assert torch.allclose(w.grad, torch.tensor([3.0, 4.0]))  # d/dw 0.5 |w|^2


def test_linear_penalty_schedule_falls_to_zero_between_its_fractions():
    from ganforge.config import resolve_config
    from ganforge.data import load_dataset
    from ganforge.objectives import build_objective
    from ganforge.objectives.gan import reg_factor

    def objective(*overrides):  # the schedule's options live in the objective
        cfg = resolve_config("ring8", list(overrides))
        return build_objective(cfg, load_dataset(cfg.data).info())

    obj = objective("reg_schedule=linear", "reg_decay_start=0.2", "reg_decay_end=0.6")
    assert [reg_factor(obj, p) for p in (0.0, 0.2, 0.4, 0.6, 1.0)] == pytest.approx([1, 1, 0.5, 0, 0])
    assert reg_factor(objective(), 0.9) == 1.0
