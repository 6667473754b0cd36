"""One small name -> factory registry shared by data, nets, losses, augments, metrics and objectives.

Each registry knows its entries' typed options (``options.py`` derives them from the factory's
signature) and the keywords its callers supply themselves (``reserved``), so
``create(name, **kw)`` checks a user's options, values and types included, before it builds.

Registries also form a catalog by kind, which is how ``config.py`` (on a floor below the
component packages) validates names and options without importing those packages: a lookup
of a kind nobody has registered yet imports the package that registers it (``LOCATIONS``), the
same way ``import ganforge`` would.
"""
from __future__ import annotations

import difflib
import importlib
import pkgutil
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence

from .errors import ConfigError, GanforgeError
from .options import OptionInfo, describe_options, validate_options

# Which package registers each kind (imported on the first lookup of that kind).
LOCATIONS: Dict[str, str] = {
    "dataset": "ganforge.data", "generator": "ganforge.nets", "discriminator": "ganforge.nets",
    "augmentation": "ganforge.augment", "loss": "ganforge.losses", "metric": "ganforge.metrics",
    "best_metric": "ganforge.metrics", "feature extractor": "ganforge.metrics", "objective": "ganforge.objectives",
    "feature net": "ganforge.objectives", "loss term": "ganforge.objectives", "option group": "ganforge.train.health",
}
_CATALOG: Dict[str, "Registry"] = {}


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``; did you mean 'x'?`` for the closest choice, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


class Registry:
    """Maps names to factories: ``@reg.register("name")``, ``reg.create("name", **kw)``.

    ``reserved``: keywords the caller passes itself (``shape``, ``z_dim``...), never user options.
    """

    def __init__(self, kind: str, reserved: Sequence[str] = ()):
        if kind in _CATALOG:
            raise ValueError(f"a registry of kind '{kind}' already exists")
        self.kind, self.reserved = kind, tuple(reserved)
        self._entries: Dict[str, Callable[..., Any]] = {}
        _CATALOG[kind] = self

    def register(self, name: str, replace: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator adding ``name``; ``replace=True`` lets a later entry take the name over (a
        user's module passed again through the Python API), otherwise a second one is an error."""
        def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
            if name in self._entries and not replace and self._entries[name] is not fn:
                raise ValueError(f"{self.kind} '{name}' is registered twice")
            self._entries[name] = fn
            return fn

        return deco

    def get(self, name: str) -> Callable[..., Any]:
        if name not in self._entries:
            raise ConfigError(f"unknown {self.kind} {name!r}; choose one of: {', '.join(self.names())}"
                              f"{did_you_mean(str(name), self.names())}")
        return self._entries[name]

    def options(self, name: str) -> List[OptionInfo]:
        """Every option of entry ``name``: key, type, default and one-line description."""
        return describe_options(self.get(name), self.reserved)

    def validate(self, name: str, options: Dict[str, Any], key: Optional[str] = None) -> Dict[str, Any]:
        """``options`` checked against entry ``name`` (names, types, values); returns them typed.
        Errors name the option as ``key.option`` when ``key`` (its place in the config) is given."""
        return validate_options(self.get(name), options, self.reserved, f"{self.kind} '{name}'", key)

    def create(self, name: str, **kwargs: Any) -> Any:
        """Build entry ``name``: reserved keywords pass through, the rest are validated first. A
        constructor's ValueError about its options becomes a one-line ConfigError."""
        factory = self.get(name)
        given = {k: v for k, v in kwargs.items() if k not in self.reserved}
        fixed = {k: v for k, v in kwargs.items() if k in self.reserved}
        options = validate_options(factory, given, self.reserved, f"{self.kind} '{name}'")
        try:
            return factory(**fixed, **options)
        except GanforgeError:
            raise
        except ValueError as err:
            raise ConfigError(f"{self.kind} '{name}' cannot be built: {err}") from err
        except (MemoryError, RuntimeError) as err:
            if isinstance(err, MemoryError) or "alloc" in str(err):
                raise ConfigError(f"{self.kind} '{name}' needs more memory than this machine has; "
                                  f"use smaller sizes ({_summary(given)})") from err
            raise

    def names(self) -> List[str]:
        return sorted(self._entries)

    def __contains__(self, name: str) -> bool:
        return name in self._entries


def _summary(options: Dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in options.items()) or "its defaults"


def import_submodules(package: str, path: Iterable[str]) -> None:
    """Import every module of a component package, so that a new family file registers its
    entries without an edit anywhere else (call from the package's ``__init__``)."""
    for module in pkgutil.iter_modules(list(path)):
        importlib.import_module(f"{package}.{module.name}")


def lookup(kind: str) -> Registry:
    """The registry of ``kind``, importing the package that fills it when nobody has yet."""
    if kind in LOCATIONS:  # cheap once imported: a lookup in sys.modules
        importlib.import_module(LOCATIONS[kind])
    if kind not in _CATALOG:
        raise KeyError(f"no registry of kind '{kind}'")
    return _CATALOG[kind]


# Fixed parts of a run whose options the config checks like a component's (``health``).
OPTION_GROUPS = Registry("option group")
