"""The model folder on disk: ``config.json`` + ``model.safetensors`` (the diffusers convention).

``config.json`` says what the generator is (family, every constructor option, data shape,
classes, latent size, truncation support, the ganforge version that wrote it) and
``model.safetensors`` holds its weights under the net's own state-dict keys. Portable copies
(TorchScript, ONNX) may sit next to them. This module only reads and writes the files;
building a net from them is ``ganforge.model_folder`` and sampling it ``ganforge.generator``.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any, Callable, Dict, Sequence, Tuple, Union

import torch
from safetensors.torch import load_file, save_file

from .errors import ConfigError
from .version import __version__

CONFIG_FILE, WEIGHTS_FILE = "config.json", "model.safetensors"
FORMAT, FORMAT_VERSION = "ganforge.generator", 1
RUN_CONFIG = "config.yaml"  # what a run directory holds instead (ganforge.train.rundir.CONFIG)

PathLike = Union[str, Path]
# Writes extra files into the folder being built and returns their entries for config["files"].
FileWriter = Callable[[Path], Dict[str, Any]]


def is_model_folder(path: PathLike) -> bool:
    """A directory holding ``config.json`` and no run ``config.yaml``."""
    path = Path(path)
    return (path / CONFIG_FILE).is_file() and not (path / RUN_CONFIG).exists()


def read_config(folder: PathLike) -> Dict[str, Any]:
    """``folder/config.json`` checked to be a ganforge generator this version can read."""
    path = Path(folder) / CONFIG_FILE
    try:
        config = json.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"'{folder}' is not a model folder (no {CONFIG_FILE}); pass a folder written by "
                          "ganforge export, a run directory or pretrained:NAME") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ConfigError(f"{path}: not readable as JSON ({err}); export the model again") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT:
        raise ConfigError(f"{path} does not describe a ganforge generator (format '{FORMAT}'); "
                          "pass a folder written by ganforge export")
    version = config.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ConfigError(f"{path} has format version {version} (written by ganforge "
                          f"{config.get('ganforge_version', '?')}); this ganforge {__version__} reads up to "
                          f"{FORMAT_VERSION}: upgrade ganforge")
    return config


def read_weights(folder: PathLike) -> Dict[str, torch.Tensor]:
    """``folder/model.safetensors`` as a state dict (CPU tensors)."""
    path = Path(folder) / WEIGHTS_FILE
    if not path.is_file():
        raise ConfigError(f"'{folder}' has no {WEIGHTS_FILE}; export the model again with ganforge export")
    return load_file(str(path))


def read_model_folder(folder: PathLike) -> Tuple[Dict[str, Any], Dict[str, torch.Tensor]]:
    """(config, state dict) of a model folder."""
    return read_config(folder), read_weights(folder)


def write_model_folder(out: PathLike, config: Dict[str, Any], tensors: Dict[str, torch.Tensor],
                       writers: Sequence[FileWriter] = ()) -> Path:
    """Write ``out/config.json`` + ``out/model.safetensors`` (+ what ``writers`` add) atomically:
    the folder is built under a temporary name and renamed into place, so readers see the old
    folder or the new one. An existing ``out`` must be a model folder (it is replaced) or empty."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not is_model_folder(out))):
        raise ConfigError(f"--out '{out}' exists and is not a model folder; choose a new or empty folder")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".tmp-{out.name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        plain = {k: v.detach().cpu().contiguous().clone() for k, v in tensors.items()}
        save_file(plain, str(tmp / WEIGHTS_FILE), metadata={"format": "pt", "ganforge": __version__})
        files: Dict[str, Any] = {"weights": WEIGHTS_FILE}
        for writer in writers:
            files.update(writer(tmp))
        full = {"format": FORMAT, "format_version": FORMAT_VERSION, "ganforge_version": __version__,
                **config, "files": files}
        (tmp / CONFIG_FILE).write_text(json.dumps(full, indent=2) + "\n")
        for path in tmp.iterdir():
            os.chmod(path, 0o644)  # shipped package data must be world-readable
        old = out.parent / f".old-{out.name}-{os.getpid()}"
        if out.exists():
            os.replace(out, old)
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def jsonable(value: Any, where: str) -> Any:
    """``value`` as plain JSON data (tuples become lists); anything else is a ConfigError naming
    ``where``, since config.json must rebuild the net without pickles."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [jsonable(v, where) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: jsonable(v, f"{where}.{k}") for k, v in value.items()}
    raise ConfigError(f"{where} is a {type(value).__name__}, which config.json cannot hold; give the net "
                      "plain options (numbers, strings, lists) to export it")
