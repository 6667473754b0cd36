"""Loading trained generators: from a run directory (any checkpoint), a model folder written by
``ganforge export``, or shipped with the package (``pretrained:NAME``); and exporting one as a
model folder (``config.json`` + ``model.safetensors``, see ``ganforge/artifact.py``)."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, Optional, Sequence, Union

from .artifact import is_model_folder
from .errors import ConfigError
from .generator import Generator
from .objectives import Objective, build_objective
from .pretrained import is_pretrained
from .train import checkpoint as ckpt
from .train.devices import pick_device
from .train.rundir import load_run_config, read_data_info, require_checkpoint

_STEP = re.compile(r"^step-(\d+)$")


def resolve_checkpoint(run_dir: Path, checkpoint: Union[str, Path, None]) -> Path:
    """``None``/``"latest"`` -> newest step checkpoint; ``"best"`` -> the best-metric one;
    ``"step-N"`` -> the checkpoint of step N; else a checkpoint directory."""
    if checkpoint in (None, "latest"):
        return require_checkpoint(run_dir)
    step = _STEP.match(str(checkpoint))
    if checkpoint == "best":
        path = run_dir / "checkpoints" / "best"
    elif step and not Path(checkpoint).is_dir():
        path = ckpt.checkpoint_path(run_dir, int(step.group(1)))
    else:
        path = Path(checkpoint)
    if not (path / ckpt.WEIGHTS).is_file():
        kept = ", ".join(p.name for p in ckpt.step_checkpoints(run_dir)) or "none"
        raise ConfigError(f"checkpoint '{checkpoint}' not found in {run_dir}; use latest, best (when the run "
                          f"evaluated metrics), step-N or a checkpoint directory (kept: {kept})")
    return path


def load_generator(source: Union[str, Path], device: str = "cpu",
                   checkpoint: Union[str, Path, None] = None) -> Generator:
    """Load a generator for sampling: a run's (EMA weights when the run kept them), a model
    folder's (``ganforge export``) or a shipped one (``pretrained:mnist``).

    ``checkpoint`` (runs only): ``latest`` (default), ``best``, ``step-N`` or a checkpoint directory.
    """
    if is_pretrained(source) or is_model_folder(source):
        if checkpoint not in (None, "latest"):
            raise ConfigError(f"'{source}' is a model folder with one set of weights; drop --checkpoint")
        return Generator.from_pretrained(source, device=device)
    run_dir = Path(source)
    cfg = load_run_config(run_dir)
    path = resolve_checkpoint(run_dir, checkpoint)
    info = read_data_info(run_dir)
    objective = build_objective(cfg, info)
    if cfg.ema > 0:
        ckpt.read_weights(path, {"G_ema": objective.generator})
    else:
        ckpt.read_weights(path, {"objective": objective})
    dev = pick_device(device)
    num_classes = int(info["num_classes"]) if cfg.objective.get("conditional", False) else 0
    provenance = {"run": str(run_dir), "checkpoint": path.name, "config": cfg.model_dump(mode="json")}
    return Generator(objective.generator.to(dev).eval(), info=info, device=dev, z_dim=cfg.z_dim,
                     num_classes=num_classes, family=cfg.generator.name, name=cfg.name, source=run_dir,
                     weights="ema" if cfg.ema > 0 else "trained", cfg=cfg, objective=objective, checkpoint=path,
                     decoder=objective if type(objective).sample is not Objective.sample else None,
                     provenance=provenance)


def export_generator(source: Union[str, Path], out: Union[str, Path], checkpoint: Union[str, Path, None] = None,
                     formats: Sequence[str] = ("safetensors",), metadata: Optional[Dict[str, Any]] = None) -> Path:
    """Write the generator of ``source`` (a run directory, a model folder or ``pretrained:NAME``)
    to the model folder ``out`` and return it.

    ``checkpoint``: ``latest`` (default), ``best`` or ``step-N`` of a run; the EMA weights when
    the run kept them. ``formats``: ``safetensors`` (always written), ``torchscript``, ``onnx``.
    Image-to-image runs export their generator (both directions for CycleGAN); table runs
    carry their column encoding in ``config.json`` so rows decode from the folder alone.
    ``metadata``: more JSON entries for config.json (measured quality, notes).
    """
    return load_generator(source, checkpoint=checkpoint).save_pretrained(out, formats, metadata)
