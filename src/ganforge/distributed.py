"""Distributed data parallel helpers (torchrun). All file and console output goes through rank 0.

Gradients are averaged across ranks with one flattened all-reduce per optimizer step, and
buffers (batch-norm statistics) are broadcast from rank 0 after each step, as DDP does. Doing
the reduction explicitly (as StyleGAN2-ADA does) keeps gradient penalties, several D forwards
per step and double backward working, which the DistributedDataParallel wrapper does not allow.
"""
from __future__ import annotations

import os
from typing import Any, Iterable, List

import torch
import torch.distributed as dist

from .errors import ConfigError


def rank() -> int:
    """This process's rank; after the group is gone, the rank torchrun gave it (files stay rank 0's)."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank()
    return int(os.environ.get("RANK", "0")) if launched_by_torchrun() else 0


def world_size() -> int:
    return dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1


def is_main() -> bool:
    return rank() == 0


def barrier() -> None:
    if world_size() > 1:
        dist.barrier()


def launched_by_torchrun() -> bool:
    return int(os.environ.get("WORLD_SIZE", "1")) > 1 and "LOCAL_RANK" in os.environ


_OWNED = {"group": False}


def setup(device: str) -> None:
    """Join the process group torchrun describes: NCCL on CUDA, Gloo on the CPU."""
    if not launched_by_torchrun() or dist.is_initialized():
        return
    use_cuda = device in ("auto", "cuda") and torch.cuda.is_available()
    if device == "cuda" and not use_cuda:
        raise ConfigError("device=cuda but no CUDA GPU is visible; use device=cpu or device=auto")
    if use_cuda:
        torch.cuda.set_device(int(os.environ["LOCAL_RANK"]))
    dist.init_process_group("nccl" if use_cuda else "gloo")
    _OWNED["group"] = True


def local_device(device: torch.device) -> torch.device:
    """This rank's device: cuda:LOCAL_RANK under torchrun, else ``device`` unchanged."""
    if device.type == "cuda" and world_size() > 1:
        return torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
    return device


def teardown() -> None:
    """Leave the process group if :func:`setup` created it (a caller's own group stays)."""
    if _OWNED["group"] and dist.is_initialized():
        dist.destroy_process_group()
        _OWNED["group"] = False


def ranks_agree(module: torch.nn.Module) -> bool:
    """Whether every rank holds the same parameters (a cheap checksum, compared on all ranks)."""
    if world_size() == 1:
        return True
    with torch.no_grad():
        total = torch.stack([p.double().sum() for p in module.parameters()]).sum().reshape(1)
        lo, hi = total.clone(), total.clone()
        dist.all_reduce(lo, op=dist.ReduceOp.MIN)
        dist.all_reduce(hi, op=dist.ReduceOp.MAX)
    return bool(lo.item() == hi.item())


def average_gradients(params: Iterable[torch.nn.Parameter]) -> None:
    """Mean of every parameter's gradient over ranks (one flattened all-reduce)."""
    if world_size() == 1:
        return
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return
    flat = torch.cat([g.reshape(-1) for g in grads])
    dist.all_reduce(flat)
    flat /= world_size()
    offset = 0
    for g in grads:
        g.copy_(flat[offset:offset + g.numel()].view_as(g))
        offset += g.numel()


def broadcast_buffers(module: torch.nn.Module) -> None:
    """Rank 0's buffers (batch-norm running statistics) to every rank."""
    if world_size() == 1:
        return
    for buf in module.buffers():
        dist.broadcast(buf, src=0)


def any_rank(flag: bool, device: torch.device) -> bool:
    """True on every rank when ``flag`` is true on any rank (stop requests, rollbacks)."""
    if world_size() == 1:
        return flag
    t = torch.tensor([1.0 if flag else 0.0], device=device)
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
    return bool(t.item() > 0)


def all_ranks_sum(values: List[float]) -> List[float]:
    """Element-wise sum of ``values`` over ranks (identity on one process)."""
    if world_size() == 1:
        return values
    device = "cuda" if dist.get_backend() == "nccl" else "cpu"  # NCCL reduces GPU tensors only
    t = torch.tensor(values, dtype=torch.float64, device=device)
    dist.all_reduce(t)
    return t.tolist()


def gather_to_main(obj: Any) -> List[Any]:
    """Every rank's ``obj`` as a list on rank 0 (others get [obj])."""
    if world_size() == 1:
        return [obj]
    out = [None] * world_size() if is_main() else None
    dist.gather_object(obj, out, dst=0)
    return out if is_main() else [obj]


def broadcast_object(obj: Any) -> Any:
    """Rank 0's ``obj`` on every rank."""
    if world_size() == 1:
        return obj
    box = [obj]
    dist.broadcast_object_list(box, src=0)
    return box[0]
