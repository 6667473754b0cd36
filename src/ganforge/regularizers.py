"""Gradient penalties on the discriminator: WGAN-GP, R1 (on real data), R2 (on fakes).

Each takes a callable ``critic(x) -> logits (N / group,)`` and data tensors, and returns a scalar
(not yet multiplied by the user's weight). They build graphs with ``create_graph=True`` so the
penalty itself is differentiated in the D step.

The critic is D's whole input pipeline applied to *clean* samples (augmentation, diffusion
noise, packing, then D), so the gradient is taken with respect to the un-augmented image and
flows back through DiffAugment / ADA / the diffusion chain, as stylegan2-ada's loss.py
(``real_img_tmp`` -> ``run_D``), DiffAugment and Diffusion-GAN do. With PacGAN packing one D
input holds ``group`` consecutive samples: the penalty is per D input, so the squared gradient
norms of a pack's members add up (and WGAN-GP takes the norm over the whole pack).
"""
from __future__ import annotations

from typing import Callable, Optional

import torch

Tensor = torch.Tensor
Critic = Callable[[Tensor], Tensor]


def input_gradient(critic: Critic, x: Tensor) -> Tensor:
    """d(sum critic(x)) / dx with a graph for double backward; same shape as ``x``."""
    x = x.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x).sum(), x, create_graph=True)
    return grad


def _per_input(grad: Tensor, group: int) -> Tensor:
    """(N, ...) gradients -> (N / group, group * features): one row per D input."""
    if grad.shape[0] % group:
        raise ValueError(f"{grad.shape[0]} samples do not split into packs of {group}")
    return grad.reshape(grad.shape[0] // group, -1)


def gradient_penalty(critic: Critic, real: Tensor, fake: Tensor, generator: Optional[torch.Generator] = None,
                     target: float = 1.0, group: int = 1) -> Tensor:
    """WGAN-GP (Gulrajani et al. 2017): E[(||grad D(x_hat)|| - target)^2] at x_hat = a real + (1 - a) fake,
    a ~ U(0, 1) per D input (per pack)."""
    packs = real.shape[0] // group
    alpha = torch.rand((packs,), generator=generator, device="cpu").to(real.device, real.dtype)
    alpha = alpha.repeat_interleave(group).reshape((-1,) + (1,) * (real.dim() - 1))
    x_hat = alpha * real.detach() + (1 - alpha) * fake.detach()
    norms = _per_input(input_gradient(critic, x_hat), group).norm(2, dim=1)
    return ((norms - target) ** 2).mean()


def r1_penalty(critic: Critic, real: Tensor, group: int = 1) -> Tensor:
    """R1 (Mescheder et al. 2018): 0.5 * E[||grad D(x_real)||^2] over D inputs."""
    return 0.5 * _per_input(input_gradient(critic, real), group).pow(2).sum(dim=1).mean()


def r2_penalty(critic: Critic, fake: Tensor, group: int = 1) -> Tensor:
    """R2: the same penalty on generated samples."""
    return r1_penalty(critic, fake, group)


def drift_penalty(real_logits: Tensor) -> Tensor:
    """PGGAN's drift term E[D(x_real)^2] (loss.py ``EpsilonPenalty``), weighted by eps_drift = 0.001,
    which keeps a Wasserstein critic's output from drifting far from zero."""
    return real_logits.float().square().mean()


def lecam_penalty(real_logits: Tensor, fake_logits: Tensor, anchor_real: float, anchor_fake: float,
                  two_sided: bool = False) -> Tensor:
    """LeCam regularization (Tseng et al. 2021) against EMA anchors a_R, a_F of D's mean outputs.

    Authors' code (google/lecam-gan, biggan_cifar/losses.py ``lecam_reg``): one-sided,
    E[relu(D(x) - a_F)^2] + E[relu(a_R - D(G(z)))^2]. ``two_sided``: the paper's Eq. (3),
    E[(D(x) - a_F)^2] + E[(D(G(z)) - a_R)^2].
    """
    r, f = real_logits.float(), fake_logits.float()
    if two_sided:
        return (r - anchor_fake).square().mean() + (f - anchor_real).square().mean()
    return torch.relu(r - anchor_fake).square().mean() + torch.relu(anchor_real - f).square().mean()
