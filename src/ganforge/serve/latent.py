"""Latents for the explorer: seeded draws and spherical interpolation."""
from __future__ import annotations

import torch


def seeded_z(seed: int, n: int, z_dim: int) -> torch.Tensor:
    """The same latents ``Generator.sample(n, seed)`` draws: n x z_dim. Row i does not depend on
    n (the draws are sequential), so sample i of a grid can be redrawn alone."""
    return torch.randn(n, z_dim, generator=torch.Generator().manual_seed(seed))


def slerp(a: torch.Tensor, b: torch.Tensor, t: float) -> torch.Tensor:
    """Spherical interpolation between two latent vectors (D,) at t in [0, 1]."""
    a_n, b_n = a / a.norm(), b / b.norm()
    omega = torch.arccos((a_n * b_n).sum().clamp(-1.0, 1.0))
    if float(omega) < 1e-6:
        return (1 - t) * a + t * b
    so = torch.sin(omega)
    return (torch.sin((1 - t) * omega) / so) * a + (torch.sin(t * omega) / so) * b
