"""Generators that ship inside the package: ``ganforge.load("pretrained:mnist")``.

Each is ``weights/pretrained_NAME.safetensors`` (generator weights) next to
``weights/pretrained_NAME.json`` (``{"config": <train config>, "data_info": {...}}``). This
module only reads and writes those files; building a :class:`ganforge.generator.Generator`
from them is ``ganforge.loading.load_pretrained`` (see ``scripts/train_pretrained_mnist.py``).
"""
from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import Any, Dict, List, Tuple, Union

import torch
from safetensors.torch import load_file, save_file

from .errors import ConfigError

PREFIX = "pretrained:"


def weights_dir() -> Path:
    return Path(str(resources.files("ganforge") / "weights"))


def available() -> List[str]:
    return sorted(p.stem[len("pretrained_"):] for p in weights_dir().glob("pretrained_*.json"))


def is_pretrained(spec) -> bool:
    return str(spec).startswith(PREFIX)


def read_pretrained(spec: str) -> Tuple[Dict[str, Any], Dict[str, torch.Tensor]]:
    """``pretrained:NAME`` -> (metadata ``{"config": ..., "data_info": ...}``, generator state dict)."""
    name = spec[len(PREFIX):]
    meta_path = weights_dir() / f"pretrained_{name}.json"
    if not meta_path.exists():
        raise ConfigError(f"unknown pretrained model '{name}'; choose one of: {', '.join(available()) or 'none shipped'}")
    return json.loads(meta_path.read_text()), load_file(str(meta_path.with_suffix(".safetensors")))


def write_pretrained(tensors: Dict[str, torch.Tensor], meta: Dict[str, Any], name: str,
                     out_dir: Union[str, Path, None] = None) -> Path:
    """Write ``pretrained_NAME.safetensors`` and its json atomically; returns the weights path."""
    out_dir = Path(out_dir) if out_dir is not None else weights_dir()
    target = out_dir / f"pretrained_{name}.safetensors"
    tmp = target.with_name(target.name + ".tmp")
    save_file({k: v.detach().cpu().contiguous().clone() for k, v in tensors.items()}, str(tmp))
    os.chmod(tmp, 0o644)  # package data must be world-readable
    os.replace(tmp, target)
    meta_tmp = target.with_suffix(".json.tmp")
    meta_tmp.write_text(json.dumps(meta, indent=1, default=str))
    os.replace(meta_tmp, target.with_suffix(".json"))
    return target


__all__ = ["PREFIX", "available", "is_pretrained", "read_pretrained", "write_pretrained", "weights_dir"]
