"""Public Python API mirroring the command line: ``train``, ``load``, ``from_pretrained``,
``export``, ``list_recipes``.

The Python face of the package: it composes the lower floors (training, the end-of-training
report, loading) and nothing inside the package imports it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from . import distributed as dist
from .config import TrainConfig
from .config import list_recipes as _list_recipes
from .data.dataset import Dataset  # noqa: F401  (re-exported type for users)
from .generator import Generator
from .loading import export_generator, load_generator, resolve_checkpoint  # noqa: F401  (re-exported)
from .nets import register_module
from .report.html import report_after_training
from .train.run import run_training
from .train.rundir import load_run_config
from .train.timing import PhaseTimer


def train(recipe: Union[str, Path, Dict[str, Any], TrainConfig, None] = None, out: Union[str, Path, None] = None,
          resume: Union[str, Path, None] = None, overrides: Optional[Sequence[str]] = None,
          generator: Any = None, discriminator: Any = None, **kw: Any) -> Path:
    """Train a GAN and return its run directory.

    ``recipe`` is a shipped recipe name, a YAML path, a dict or a TrainConfig; ``overrides``
    are ``key=value`` strings and keyword arguments are overrides too (``steps=500``).
    ``resume`` continues an existing run exactly from its latest checkpoint. ``data`` may be a
    pandas DataFrame (``train("tabular", data=df)``): it is saved as the run's ``table.csv``.
    When the config says ``report: true`` the run's ``report.html`` is written at the end.

    ``generator`` / ``discriminator``: a registered name (``"resnet"``), or your own
    ``nn.Module`` subclass or instance (see docs/custom-networks.md for the contract). A class
    is built with ``z_dim``/``shape``/``num_classes`` and its options from overrides
    (``generator.hidden=128``); an instance is copied. The recipe's options of the net it
    replaces are dropped.
    """
    nets = []
    for role, value in (("generator", generator), ("discriminator", discriminator)):
        if value is not None:
            name = value if isinstance(value, str) else register_module(value, role)
            nets.append(f"{role}='{name}'")
    timer = PhaseTimer()  # where the time goes: timing.json, printed by `ganforge train`
    run_dir = run_training(recipe, out=out, resume=resume, overrides=nets + list(overrides or []), timer=timer, **kw)
    if dist.is_main():
        timer.write(run_dir)  # before the report, so the report can show it
        cfg = load_run_config(run_dir)
        if cfg.report:
            with timer("report"):
                report_after_training(run_dir, load_generator, progress=cfg.progress)
            timer.write(run_dir)
    return run_dir


def load(run_dir: Union[str, Path], device: str = "cpu", checkpoint: Union[str, Path, None] = None) -> Generator:
    """Load a run's generator (EMA weights when the run kept them) for sampling.

    ``checkpoint``: ``latest`` (default), ``best``, ``step-N`` or a checkpoint directory. A model
    folder (``ganforge export``) or ``pretrained:NAME`` (``pretrained:mnist``) loads as
    :func:`from_pretrained` does.
    """
    return load_generator(run_dir, device=device, checkpoint=checkpoint)


def from_pretrained(path: Union[str, Path], device: str = "cpu") -> Generator:
    """The generator of a model folder (``ganforge export``) or ``pretrained:NAME``, built alone:
    no discriminator, no objective. ``from_pretrained(folder).sample(n, seed=s)`` equals the
    exported run's ``load(run).sample(n, seed=s)``."""
    return Generator.from_pretrained(path, device=device)


def export(run: Union[str, Path], out: Union[str, Path], checkpoint: Union[str, Path, None] = None,
           formats: Sequence[str] = ("safetensors",), metadata: Optional[Dict[str, Any]] = None) -> Path:
    """Write ``run``'s generator to the model folder ``out`` (``config.json`` +
    ``model.safetensors``; ``formats`` may add ``torchscript`` and ``onnx``; ``metadata`` more
    JSON entries for config.json); returns ``out``. ``checkpoint``: latest, best or step-N."""
    return export_generator(run, out, checkpoint=checkpoint, formats=formats, metadata=metadata)


def list_recipes() -> List[Tuple[str, str]]:
    """(name, description) of every shipped recipe."""
    return _list_recipes()


__all__ = ["Generator", "export", "from_pretrained", "list_recipes", "load", "train"]
