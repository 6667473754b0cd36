"""Public Python API mirroring the command line: ``train``, ``load``, ``list_recipes``.

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
from .loading import load_generator, resolve_checkpoint  # noqa: F401  (re-exported)
from .report.html import report_after_training
from .train.run import run_training
from .train.rundir import load_run_config


def train(recipe: Union[str, Path, Dict[str, Any], TrainConfig, None] = None, out: Union[str, Path, None] = None,
          resume: Union[str, Path, None] = None, overrides: Optional[Sequence[str]] = None, **kw: Any) -> Path:
    """Train a GAN and return its run directory.

    ``recipe`` is a shipped recipe name, a YAML path, a dict or a TrainConfig; ``overrides``
    are ``key=value`` strings and keyword arguments are overrides too (``steps=500``).
    ``resume`` continues an existing run exactly from its latest checkpoint. ``data`` may be a
    pandas DataFrame (``train("tabular", data=df)``): it is saved as the run's ``table.csv``.
    When the config says ``report: true`` the run's ``report.html`` is written at the end.
    """
    run_dir = run_training(recipe, out=out, resume=resume, overrides=overrides, **kw)
    if load_run_config(run_dir).report and dist.is_main():
        report_after_training(run_dir)
    return run_dir


def load(run_dir: Union[str, Path], device: str = "cpu", checkpoint: Union[str, Path, None] = None) -> Generator:
    """Load a run's generator (EMA weights when the run kept them) for sampling.

    ``checkpoint``: ``latest`` (default), ``best`` or a checkpoint directory. ``pretrained:NAME``
    loads a generator shipped with the package (``pretrained:mnist``).
    """
    return load_generator(run_dir, device=device, checkpoint=checkpoint)


def list_recipes() -> List[Tuple[str, str]]:
    """(name, description) of every shipped recipe."""
    return _list_recipes()


__all__ = ["Generator", "list_recipes", "load", "train"]
