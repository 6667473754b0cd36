"""Atomic, checked checkpoints: ``checkpoints/step-00000500/{weights.safetensors, state.pt, manifest.json}``.

Weights of every named module go to one safetensors file (keys ``NAME.param``); optimizer,
RNG, data-position and trainer state go to ``state.pt``, read back with
``torch.load(weights_only=True)``; ``manifest.json`` holds each file's size and SHA-256.

* Only a good state is written: every weight, buffer, EMA weight, optimizer moment and
  augmentation value must be finite (:mod:`.finite`), else :class:`NonFiniteState`.
* A checkpoint directory is written under a temporary name and renamed into place, so a crash,
  a full disk or a second Ctrl-C at any moment leaves the old one or the new one, never half
  and never the temporary folder.
* :func:`checkpoint_problem` tells an intact checkpoint from a truncated, edited or missing
  file; :func:`newest_intact` is what resume, rollback and loading start from.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import torch
from safetensors import SafetensorError
from safetensors.torch import load as load_safetensors
from safetensors.torch import save as dump_safetensors
from torch import nn

from ..errors import GanforgeError, RunError
from ..files import fsync_dir, named
from .finite import FINITE_STATE, nonfinite_state, nonfinite_tensors, summarize

WEIGHTS, STATE, MANIFEST = "weights.safetensors", "state.pt", "manifest.json"
FORMAT = 1
_STEP_DIR = re.compile(r"^step-(\d+)$")
_TEMPORARY = (".tmp-", ".old-")
STATE_KEYS = ("step", "d_steps", "opt_g", "opt_d", "data", "rng")  # what a resume cannot do without


class NonFiniteState(GanforgeError):
    """The state holds NaN/inf; nothing was written. ``parts`` names them."""

    def __init__(self, target: Path, parts: List[str]):
        super().__init__(f"not saving {target.name}: {summarize(parts)} not finite")
        self.parts = parts


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _serialize_state(state: Dict[str, Any]) -> bytes:
    # In memory first: a full disk then fails as a plain OSError in our own write (torch's zip
    # writer reports it as an opaque RuntimeError from inline_container.cc).
    buf = io.BytesIO()
    torch.save(state, buf)
    return buf.getvalue()


def write_checkpoint(target: Path, modules: Dict[str, nn.Module], state: Dict[str, Any]) -> Path:
    """Write ``modules``' weights and ``state`` to directory ``target`` atomically.

    Raises :class:`NonFiniteState` (writing nothing) when any weight or any value of
    ``state[FINITE_STATE]`` is NaN/inf, and ``OSError`` naming the file on a write failure
    (the previous checkpoint at ``target`` is then untouched)."""
    tensors = {f"{name}.{key}": value.detach().cpu().contiguous().clone()
               for name, module in modules.items() for key, value in module.state_dict().items()}
    bad = nonfinite_tensors(tensors) + nonfinite_state(state, FINITE_STATE)
    if bad:
        raise NonFiniteState(target, bad)
    files = {WEIGHTS: dump_safetensors(tensors), STATE: _serialize_state(state)}
    manifest = {"format": FORMAT, "step": int(state.get("step", -1)),
                "files": {name: {"size": len(data), "sha256": _sha256(data)} for name, data in files.items()}}
    files[MANIFEST] = json.dumps(manifest, indent=1).encode()
    parent = target.parent
    tmp, old = parent / f".tmp-{target.name}-{os.getpid()}", parent / f".old-{target.name}-{os.getpid()}"
    moved = False
    try:
        parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        for name, data in files.items():
            try:
                _write_file(tmp / name, data)
            except OSError as err:
                raise named(err, target / name) from None
        fsync_dir(tmp)
        if target.exists():
            os.replace(target, old)
            moved = True
        os.replace(tmp, target)
        moved = False
        fsync_dir(parent)
    except BaseException:  # a full disk, or a second Ctrl-C: put things back as they were
        if moved and not target.exists():
            os.replace(old, target)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return target


# ----------------------------------------------------------------------------- checking

def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    line = text[0] if text else type(err).__name__
    return line if len(line) <= 120 else line[:117] + "..."


def _where(ckpt: Path, name: str) -> str:
    return f"{ckpt.parent.name}/{ckpt.name}/{name}" if ckpt.parent.name == "checkpoints" else str(ckpt / name)


def _read_manifest(ckpt: Path) -> Optional[Dict[str, Any]]:
    """The manifest, None for checkpoints written before manifests existed; RunError if damaged."""
    path = ckpt / MANIFEST
    if not path.exists():
        return None
    try:
        manifest = json.loads(path.read_text())
        files = manifest["files"]
        return {"files": {name: (int(files[name]["size"]), str(files[name]["sha256"])) for name in (WEIGHTS, STATE)}}
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise RunError(f"{_where(ckpt, MANIFEST)} is damaged ({_first_line(err)})") from None


def _read_bytes(ckpt: Path, name: str, manifest: Optional[Dict[str, Any]]) -> bytes:
    path = ckpt / name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise RunError(f"{_where(ckpt, name)} is missing") from None
    except OSError as err:
        raise RunError(f"{_where(ckpt, name)} cannot be read ({err.strerror})") from None
    if manifest is not None:
        size, digest = manifest["files"][name]
        if len(data) != size:
            raise RunError(f"{_where(ckpt, name)} is truncated ({len(data):,} of {size:,} bytes)")
        if _sha256(data) != digest:
            raise RunError(f"{_where(ckpt, name)} was changed after it was written (checksum mismatch)")
    return data


def _parse_weights(ckpt: Path, data: bytes, checked: bool) -> Dict[str, torch.Tensor]:
    try:
        tensors = load_safetensors(data)
    except (SafetensorError, ValueError, OSError) as err:
        raise RunError(f"{_where(ckpt, WEIGHTS)} is not a readable safetensors file ({_first_line(err)})") from None
    if not checked:  # no manifest vouches for it: a checkpoint with NaN weights is no checkpoint
        bad = nonfinite_tensors(tensors)
        if bad:
            raise RunError(f"{_where(ckpt, WEIGHTS)} holds NaN/inf weights ({summarize(bad)})")
    return tensors


def _parse_state(ckpt: Path, data: bytes, checked: bool) -> Dict[str, Any]:
    try:
        state = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError, TypeError, AttributeError, KeyError,
            IndexError, zipfile.BadZipFile, OSError) as err:
        raise RunError(f"{_where(ckpt, STATE)} cannot be loaded safely ({_first_line(err)})") from None
    if not isinstance(state, dict) or any(k not in state for k in STATE_KEYS):
        missing = [k for k in STATE_KEYS if not isinstance(state, dict) or k not in state]
        raise RunError(f"{_where(ckpt, STATE)} is not a ganforge training state (no {', '.join(missing)})")
    if not checked:
        bad = nonfinite_state(state)
        if bad:
            raise RunError(f"{_where(ckpt, STATE)} holds NaN/inf values ({summarize(bad)})")
    return state


def checkpoint_problem(ckpt: Path) -> Optional[str]:
    """Why checkpoint directory ``ckpt`` cannot be used (one line naming the file), or None."""
    try:
        manifest = _read_manifest(ckpt)
        _parse_weights(ckpt, _read_bytes(ckpt, WEIGHTS, manifest), manifest is not None)
        _parse_state(ckpt, _read_bytes(ckpt, STATE, manifest), manifest is not None)
    except RunError as err:
        return str(err)
    return None


def newest_intact(run_dir: Path) -> Tuple[Optional[Path], List[str]]:
    """(the newest step checkpoint that passes :func:`checkpoint_problem` or None, the problems
    of the newer ones skipped on the way, newest first)."""
    problems: List[str] = []
    for path in reversed(step_checkpoints(run_dir)):
        problem = checkpoint_problem(path)
        if problem is None:
            return path, problems
        problems.append(problem)
    return None, problems


# ----------------------------------------------------------------------------- reading

def read_tensors(ckpt: Path) -> Dict[str, torch.Tensor]:
    """Every tensor of ``ckpt/weights.safetensors``, checked (RunError naming the file)."""
    ckpt = Path(ckpt)
    manifest = _read_manifest(ckpt)
    return _parse_weights(ckpt, _read_bytes(ckpt, WEIGHTS, manifest), manifest is not None)


def read_weights(ckpt: Path, modules: Dict[str, nn.Module]) -> None:
    """Load weights for every module named in ``modules`` (strict); a file that does not fit
    the modules (edited config.yaml or data.json, another run's file) is a RunError."""
    ckpt = Path(ckpt)
    tensors = read_tensors(ckpt)
    for name, module in modules.items():
        prefix = name + "."
        own = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
        try:
            module.load_state_dict(own, strict=True)
        except (RuntimeError, ValueError) as err:
            detail = " ".join(str(err).split())
            detail = detail if len(detail) <= 160 else detail[:157] + "..."
            raise RunError(f"{_where(ckpt, WEIGHTS)} does not fit the run's config.yaml and data.json "
                           f"({detail})") from None


def read_state(ckpt: Path) -> Dict[str, Any]:
    ckpt = Path(ckpt)
    manifest = _read_manifest(ckpt)
    return _parse_state(ckpt, _read_bytes(ckpt, STATE, manifest), manifest is not None)


# ----------------------------------------------------------------------------- the folder

def step_checkpoints(run_dir: Path) -> List[Path]:
    """Step checkpoint directories, oldest first (complete ones: temporaries never match)."""
    folder = Path(run_dir) / "checkpoints"
    if not folder.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in folder.iterdir() if (m := _STEP_DIR.match(p.name)) and p.is_dir()]
    return [p for _, p in sorted(found)]


def latest_checkpoint(run_dir: Path) -> Optional[Path]:
    """The newest step checkpoint directory, intact or not (see :func:`newest_intact`)."""
    ckpts = step_checkpoints(run_dir)
    return ckpts[-1] if ckpts else None


def checkpoint_path(run_dir: Path, step: int) -> Path:
    return Path(run_dir) / "checkpoints" / f"step-{step:08d}"


def step_name(ckpt: Optional[Path]) -> str:
    """``step-10`` for ``.../step-00000010`` (what messages call a checkpoint)."""
    m = _STEP_DIR.match(ckpt.name) if ckpt is not None else None
    return f"step-{int(m.group(1))}" if m else (ckpt.name if ckpt is not None else "none")


def prune_checkpoints(run_dir: Path, keep: int) -> None:
    """Delete all but the newest ``keep`` step checkpoints and other processes' stale temporaries."""
    for path in step_checkpoints(run_dir)[:-keep]:
        shutil.rmtree(path, ignore_errors=True)
    folder = Path(run_dir) / "checkpoints"
    for stale in folder.glob(".*-*") if folder.is_dir() else []:
        if stale.name.startswith(_TEMPORARY) and not stale.name.endswith(f"-{os.getpid()}"):
            shutil.rmtree(stale, ignore_errors=True)
