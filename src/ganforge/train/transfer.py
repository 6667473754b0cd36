"""Transfer learning: start a run from another run's weights (``init_from``); the
discriminator's first blocks can then stay fixed (``freeze_d``, see ``nets/freeze.py``)."""
from __future__ import annotations

from pathlib import Path
from typing import Dict

import torch
from safetensors.torch import load_file
from torch import nn

from ..artifact import is_model_folder, read_weights as read_folder_weights
from ..errors import ConfigError
from ..pretrained import is_pretrained, pretrained_folder
from . import checkpoint as ckpt

Tensor = torch.Tensor


def _section(tensors: Dict[str, Tensor], prefix: str) -> Dict[str, Tensor]:
    return {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}


def _load_checked(module: nn.Module, weights: Dict[str, Tensor], what: str, source: str) -> None:
    own = module.state_dict()
    problems = [f"{k} missing" for k in own if k not in weights]
    problems += [f"{k} {tuple(weights[k].shape)} in the source vs {tuple(v.shape)} here"
                 for k, v in own.items() if k in weights and weights[k].shape != v.shape]
    problems += [f"{k} unexpected" for k in weights if k not in own]
    if problems:
        raise ConfigError(f"init_from={source}: its {what} does not fit this config ({'; '.join(problems[:3])}"
                          f"{'; ...' if len(problems) > 3 else ''}); use the same architecture, widths, "
                          "image_size, channels and conditional setting")
    module.load_state_dict(weights, strict=True)


def init_from(objective: nn.Module, source: str) -> None:
    """Copy G (the EMA weights when the source kept them) and D from ``source`` (a run
    directory, a checkpoint directory, or for G only a model folder or ``pretrained:NAME``).
    Optimizers, step counters and augmentation state start fresh."""
    if is_pretrained(source) or is_model_folder(source):
        folder = pretrained_folder(source) if is_pretrained(source) else Path(source)
        _load_checked(objective.generator, read_folder_weights(folder), "generator", source)
        return
    path = Path(source)
    if not (path / ckpt.WEIGHTS).exists():
        latest = ckpt.latest_checkpoint(path) if path.is_dir() else None
        if latest is None:
            raise ConfigError(f"init_from={source}: no checkpoint there; give a run directory with checkpoints/, "
                              "a checkpoints/step-* directory, a model folder or pretrained:NAME")
        path = latest
    tensors = load_file(str(path / ckpt.WEIGHTS))
    g = _section(tensors, "G_ema.") or _section(tensors, "objective.generator.")
    _load_checked(objective.generator, g, "generator", source)
    d = _section(tensors, "objective.discriminator.")
    if hasattr(objective, "discriminator") and d:
        _load_checked(objective.discriminator, d, "discriminator", source)
