"""Loading trained generators: from a run directory (any checkpoint) or shipped with the
package (``pretrained:NAME``), and exporting a run's generator as a shipped one."""
from __future__ import annotations

from pathlib import Path
from typing import Union

from .config import build_config
from .errors import ConfigError
from .generator import Generator
from .objectives import build_objective
from .pretrained import is_pretrained, read_pretrained, weights_dir, write_pretrained
from .train import checkpoint as ckpt
from .train.devices import pick_device
from .train.rundir import load_run_config, read_data_info, require_checkpoint


def resolve_checkpoint(run_dir: Path, checkpoint: Union[str, Path, None]) -> Path:
    """``None``/``"latest"`` -> newest step checkpoint; ``"best"`` -> the best-metric one; else a path."""
    if checkpoint in (None, "latest"):
        return require_checkpoint(run_dir)
    path = run_dir / "checkpoints" / "best" if checkpoint == "best" else Path(checkpoint)
    if not path.is_dir():
        raise ConfigError(f"checkpoint '{checkpoint}' not found in {run_dir}; use latest, best (when the run "
                          "evaluated metrics) or a checkpoints/step-* directory")
    return path


def load_generator(run_dir: Union[str, Path], device: str = "cpu",
                   checkpoint: Union[str, Path, None] = None) -> Generator:
    """Load a run's generator (EMA weights when the run kept them) for sampling.

    ``checkpoint``: ``latest`` (default), ``best`` or a checkpoint directory. ``pretrained:NAME``
    loads a generator shipped with the package (``pretrained:mnist``).
    """
    if is_pretrained(run_dir):
        return load_pretrained(str(run_dir), device)
    run_dir = Path(run_dir)
    cfg = load_run_config(run_dir)
    path = resolve_checkpoint(run_dir, checkpoint)
    info = read_data_info(run_dir)
    objective = build_objective(cfg, info)
    if cfg.ema > 0:
        ckpt.read_weights(path, {"G_ema": objective.generator})
    else:
        ckpt.read_weights(path, {"objective": objective})
    dev = pick_device(device)
    return Generator(run_dir, objective.generator.to(dev).eval(), cfg, info, dev, objective, checkpoint=path)


def load_pretrained(spec: str, device: str = "cpu") -> Generator:
    """``pretrained:NAME`` -> :class:`Generator` (float32, eval mode, no discriminator)."""
    meta, tensors = read_pretrained(spec)
    cfg, info = build_config(meta["config"]), meta["data_info"]
    net = build_objective(cfg, info).generator
    net.load_state_dict(tensors, strict=True)
    dev = pick_device(device)
    return Generator(weights_dir(), net.to(dev).eval(), cfg, info, dev)


def export_pretrained(run_dir, name: str, out_dir=None) -> Path:
    """Copy a run's (EMA) generator into ``weights/pretrained_NAME.*`` atomically."""
    gen = load_generator(run_dir)
    meta = {"config": gen.cfg.model_dump(mode="json"), "data_info": gen.info}
    return write_pretrained(gen.net.state_dict(), meta, name, out_dir)
