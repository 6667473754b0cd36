"""The contract every generator and discriminator keeps, and its check for users' own nets.

Generator: built with ``z_dim``, ``shape`` and ``num_classes`` keywords (plus its own options);
``forward(z, y=None)`` maps latents z (N, z_dim) and, when ``num_classes > 0``, class ids y (N,)
to samples (N, *shape): images in [-1, 1] (end with tanh) or vectors. Optional attributes:
``supports_truncation = True`` when ``forward`` takes ``truncation=psi``.

Discriminator: built with ``shape`` and ``num_classes``; ``forward(x, y=None)`` returns a
:class:`DOutput` (``logits`` (N,) realness scores, optional ``features`` (N, F) and
``class_logits`` (N, K)) or just the logits as a tensor (N,), (N, 1) or a per-patch map
(N, ...), which is wrapped into a DOutput.
"""
from __future__ import annotations

from typing import Any, Dict

import torch
from torch import nn

from ..errors import ConfigError
from .base import DOutput

CONTRACT_DOC = "docs/custom-networks.md"


def as_doutput(output: Any, name: str) -> DOutput:
    """A discriminator's answer as a DOutput: tensors (N,), (N, 1) -> logits (N,); larger maps
    (N, ...) -> per-patch logits (N, P). Anything else is a one-line ConfigError."""
    if isinstance(output, DOutput):
        return output
    if isinstance(output, torch.Tensor) and output.dim() >= 1:
        logits = output if output.dim() == 1 else output.reshape(output.shape[0], -1)
        if logits.dim() == 2 and logits.shape[1] == 1:
            logits = logits[:, 0]
        return DOutput(logits=logits)
    got = f"a tensor of shape {tuple(output.shape)}" if isinstance(output, torch.Tensor) else type(output).__name__
    raise ConfigError(f"discriminator {name} returned {got}; return realness logits as a tensor (N,) or "
                      f"ganforge.nets.DOutput(logits=..., features=...) (see {CONTRACT_DOC})")


def _test_labels(num_classes: int) -> Any:
    return torch.zeros(2, dtype=torch.long) if num_classes else None


@torch.no_grad()
def check_user_net(net: nn.Module, role: str, name: str, kwargs: Dict[str, Any]) -> None:
    """Run a user's net once on a batch of 2 (eval mode, its own RNG, mode restored) and check
    what it returns against the contract; a mismatch is a one-line ConfigError naming the fix."""
    shape, k = tuple(int(s) for s in kwargs.get("shape", ())), int(kwargs.get("num_classes", 0) or 0)
    if role == "generator" and "z_dim" not in kwargs:
        return  # image-to-image generators take images; their objectives check the data
    try:
        param = next(net.parameters())
        device, dtype = param.device, param.dtype
    except StopIteration:
        device, dtype = torch.device("cpu"), torch.float32
    rng = torch.Generator().manual_seed(0)
    y = _test_labels(k)
    y = None if y is None else y.to(device)
    was_training = net.training
    net.eval()
    try:
        if role == "generator":
            z = torch.randn(2, int(kwargs["z_dim"]), generator=rng).to(device, dtype)
            what = f"z {tuple(z.shape)}" + (", y (2,)" if k else "")
            out = _call(net, name, role, what, z, y)
            if not isinstance(out, torch.Tensor) or tuple(out.shape) != (2,) + shape:
                got = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
                raise ConfigError(f"generator {name} returned {got} for {what}; it must return (N, "
                                  f"{', '.join(map(str, shape))}), the data's shape (see {CONTRACT_DOC})")
        else:
            x = torch.randn((2,) + shape, generator=rng).to(device, dtype)
            what = f"x {tuple(x.shape)}" + (", y (2,)" if k else "")
            out = as_doutput(_call(net, name, role, what, x, y), name)
            if out.logits.shape[0] != 2:
                raise ConfigError(f"discriminator {name} returned logits of shape {tuple(out.logits.shape)} for "
                                  f"{what}; the first dimension must be the batch (see {CONTRACT_DOC})")
    finally:
        net.train(was_training)


def _call(net: nn.Module, name: str, role: str, what: str, *args: Any) -> Any:
    try:
        return net(*args)
    except ConfigError:
        raise
    except Exception as err:  # noqa: BLE001 - any failure of a user's forward, explained in one line
        detail = " ".join(str(err).split())[:200]
        raise ConfigError(f"{role} {name} failed on a test batch ({what}): {type(err).__name__}: {detail} "
                          f"(see {CONTRACT_DOC})") from err
