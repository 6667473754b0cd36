"""Speed options: channels-last memory format, torch.compile with a graceful fallback, fused Adam
(with StyleGAN2's correction for lazy regularization)."""
from __future__ import annotations

import warnings
from typing import Iterable

import torch
from torch import nn


def to_channels_last(module: nn.Module) -> nn.Module:
    return module.to(memory_format=torch.channels_last)


def compile_in_place(module: nn.Module, name: str) -> None:
    """``module.compile()`` (state-dict keys unchanged). If compiling fails, at once or at the first
    call (no C++ compiler, unsupported backend...), warn once and run the module eagerly."""
    try:
        module.compile()
    except Exception as err:  # noqa: BLE001  (any failure means: run eagerly)
        warnings.warn(f"torch.compile is unavailable for {name} ({type(err).__name__}: {err}); running uncompiled")
        return
    eager_forward = module._call_impl
    compiled = module._compiled_call_impl

    def guarded(*args, **kwargs):
        try:
            return compiled(*args, **kwargs)
        except Exception as err:  # noqa: BLE001
            warnings.warn(f"torch.compile failed for {name} ({type(err).__name__}: {str(err)[:200]}); "
                          "running uncompiled")
            module._compiled_call_impl = None
            return eager_forward(*args, **kwargs)

    module._compiled_call_impl = guarded


def lazy_ratio(interval: int = 1) -> float:
    """StyleGAN2's mb_ratio k / (k + 1) for a penalty taken every k steps as its own optimizer step
    (stylegan2-ada-pytorch training_loop.py), 1 without lazy regularization."""
    return interval / (interval + 1) if interval and interval > 1 else 1.0


def lazy_betas(betas, ratio: float):
    """Adam betas ** ratio: with k + 1 optimizer steps per k minibatches, the moments keep the same
    time constant in minibatches."""
    return tuple(float(b) ** ratio for b in betas)


def make_adam(params: Iterable[nn.Parameter], lr: float, betas, device: torch.device,
              lazy_interval: int = 1) -> torch.optim.Adam:
    """Adam with the fused kernel on CUDA, the multi-tensor (foreach) one elsewhere; with
    ``lazy_interval`` k > 1, lr * k/(k+1) and betas ** (k/(k+1)) (StyleGAN2's lazy correction)."""
    params = list(params)
    ratio = lazy_ratio(lazy_interval)
    lr, betas = lr * ratio, lazy_betas(betas, ratio)
    if device.type == "cuda":
        return torch.optim.Adam(params, lr=lr, betas=betas, fused=True)
    return torch.optim.Adam(params, lr=lr, betas=betas, foreach=True)
