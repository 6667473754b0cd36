"""What may go into a checkpoint: every weight, buffer, optimizer moment (``exp_avg``,
``exp_avg_sq``), EMA weight and augmentation value finite; and, when a run cannot get there,
which learning rates to lower."""
from __future__ import annotations

import math
from typing import Any, Dict, Iterable, List, Mapping

import torch

# Parts of the trainer state that must be finite for a checkpoint to be worth resuming: the
# optimizers' moments and the objective's own state (augmentation strength, path-length mean,
# image pools) and the rollback learning-rate scale. RNG, data position, health history and
# best-metric bookkeeping may hold NaN legitimately (a NaN loss in the monitor's history).
FINITE_STATE = ("opt_g", "opt_d", "objective", "lr_scale")
# Values that are NaN until first measured (ADA's r_t before its first update), not diverged.
UNMEASURED = frozenset({"r_t"})
SHOWN = 4  # names listed in a message before "..."


def _tensor_ok(value: torch.Tensor) -> bool:
    if not (value.is_floating_point() or value.is_complex()):
        return True
    return bool(torch.isfinite(value).all())


def nonfinite_tensors(tensors: Mapping[str, torch.Tensor]) -> List[str]:
    """Names of the floating-point tensors holding NaN or inf."""
    return [name for name, value in tensors.items() if not _tensor_ok(value)]


def nonfinite_values(value: Any, path: str) -> List[str]:
    """Dotted paths of the NaN/inf tensors and numbers inside nested dicts, lists and tuples."""
    if isinstance(value, torch.Tensor):
        return [] if _tensor_ok(value) else [path]
    if isinstance(value, float) and not isinstance(value, bool):
        leaf = path.rsplit(".", 1)[-1]
        return [] if math.isfinite(value) or (math.isnan(value) and leaf in UNMEASURED) else [path]
    if isinstance(value, Mapping):
        return [p for k, v in value.items() for p in nonfinite_values(v, f"{path}.{k}")]
    if isinstance(value, (list, tuple)):
        return [p for i, v in enumerate(value) for p in nonfinite_values(v, f"{path}.{i}")]
    return []


def nonfinite_state(state: Mapping[str, Any], keys: Iterable[str] = FINITE_STATE) -> List[str]:
    return [p for key in keys if key in state for p in nonfinite_values(state[key], key)]


def summarize(names: List[str]) -> str:
    return ", ".join(names[:SHOWN]) + (f" and {len(names) - SHOWN} more" if len(names) > SHOWN else "")


def diverged_networks(objective: torch.nn.Module, optimizers: Dict[str, torch.optim.Optimizer]) -> List[str]:
    """``"g"``/``"d"`` for each network whose parameters or optimizer moments are not finite."""
    params = {"g": list(objective.g_parameters()), "d": list(objective.d_parameters())}
    bad = []
    for side in ("g", "d"):
        opt_state = optimizers[side].state_dict()["state"]
        if (any(not _tensor_ok(p.detach()) for p in params[side])
                or nonfinite_values(opt_state, "state")):
            bad.append(side)
    return bad


def lower_lr_advice(cfg, sides: List[str], scale: float) -> str:
    """``lower lr_d=1e+06 (and lr_g=...)``: the learning rates of the diverged networks (both
    when the weights stayed finite but the losses ran away)."""
    sides = sides or ["g", "d"]
    rates = " and ".join(f"lr_{s}={getattr(cfg, 'lr_' + s):g}" for s in sides)
    now = f", already x{scale:g} after rollbacks" if scale != 1.0 else ""
    return f"lower {rates}{now} (Adam GANs usually train with 1e-4 to 3e-3)"
