"""The run-kind registry and what a kind's function receives."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

from ...data import load_dataset


@dataclass
class KindInput:
    """A loaded generator and its run; ``dataset`` (the training data) loads on first use."""

    gen: Any
    run: Path
    examples: int = 6  # image-to-image runs: input / output / target rows
    _dataset: Any = field(default=None, repr=False)

    @property
    def cfg(self):
        return self.gen.cfg

    @property
    def dataset(self):
        if self._dataset is None:
            cfg = self.cfg
            self._dataset = load_dataset(cfg.data, cfg.image_size, **cfg.data_options)
        return self._dataset


@dataclass
class KindSpec:
    """``when(gen)`` picks the kind (the first registered match wins); ``build(KindInput)`` returns
    the variables of ``templates/kinds/<name>.html.j2``; ``title`` heads its section;
    ``memorization``: the report adds the nearest-training-item check for its samples."""

    name: str
    title: str
    when: Callable[[Any], bool]
    build: Callable[[KindInput], Dict[str, Any]]
    memorization: bool = False

    @property
    def template(self) -> str:
        return f"kinds/{self.name}.html.j2"


KIND_SPECS: List[KindSpec] = []


def register_kind(name: str, title: str, when: Callable[[Any], bool], memorization: bool = False):
    """Decorator registering ``build`` as the run kind ``name``."""
    def deco(build: Callable[[KindInput], Dict[str, Any]]):
        if any(s.name == name for s in KIND_SPECS):
            raise ValueError(f"run kind '{name}' is registered twice")
        KIND_SPECS.append(KindSpec(name, title, when, build, memorization))
        return build

    return deco


def find_kind(gen) -> Optional[KindSpec]:
    """The kind of a loaded generator, or None when no kind knows it."""
    return next((s for s in KIND_SPECS if s.when(gen)), None)


def input_kind(gen) -> str:
    """"image" for image-to-image generators, "latent" for generators that draw from noise."""
    return getattr(gen.net, "input_kind", "latent")
