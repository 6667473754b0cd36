"""ganforge: train, watch, evaluate and sample generative adversarial networks.

``import ganforge`` is light: the API below (and torch with it) is imported on first use, so
the command line starts fast. ``ganforge.train``, ``ganforge.load``, ``ganforge.from_pretrained``,
``ganforge.export`` and ``ganforge.Generator`` come from :mod:`ganforge.api`.
"""
from __future__ import annotations

import sys
import types
from importlib import import_module
from typing import TYPE_CHECKING, Any, List

from .errors import ConfigError, DataError, GanforgeError
from .version import __version__

_API = ("train", "load", "from_pretrained", "export", "list_recipes", "Generator")

if TYPE_CHECKING:  # what the lazy attributes are, for type checkers and IDEs
    from .api import Generator, export, from_pretrained, list_recipes, load, train  # noqa: F401


def __getattr__(name: str) -> Any:
    if name in _API:
        api = import_module(".api", __name__)
        globals().update({n: getattr(api, n) for n in _API})  # later lookups skip this function
        return globals()[name]
    raise AttributeError(f"module 'ganforge' has no attribute {name!r}")


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(_API))


class _Package(types.ModuleType):
    """``ganforge.train`` is the function even after the ``ganforge.train`` subpackage is
    imported (an import binds a subpackage to its parent's attribute of the same name)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _API and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__all__ = [*_API, "ConfigError", "DataError", "GanforgeError", "__version__"]
