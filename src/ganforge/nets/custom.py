"""Users' own networks: ``nn.Module`` classes or instances given to ``ganforge.train``, and
nets that installed packages register through the ``ganforge.nets`` entry-point group.

A class trains under the name ``module:QualName`` (or the name it was registered under) and
is built like any family, with ``z_dim``/``shape``/``num_classes`` plus its own options
(``generator.hidden=128``). An instance trains as a copy of itself (every build deep-copies it,
so G and its EMA, or a rebuilt G at load time, never share weights). Either way the net is run
once on a test batch when built, so a contract mismatch is a one-line error before training.
"""
from __future__ import annotations

import copy
import inspect
from importlib.metadata import entry_points
from typing import Any, Optional

from torch import nn

from ..console import note
from ..errors import ConfigError
from .registry import _ROLES, mark_user_net

ENTRY_POINT_GROUP = "ganforge.nets"


class ModuleCopies:
    """Registry factory for a user's module instance: every call returns a fresh deep copy.
    It takes the keywords objectives pass and no options of its own."""

    def __init__(self, module: nn.Module):
        self.module = module
        self.__doc__ = type(module).__doc__ or f"an instance of {type(module).__qualname__}"

    def __call__(self, **fixed: Any) -> nn.Module:
        # ``fixed``: z_dim, shape, num_classes from the objective; the instance already has its sizes
        return copy.deepcopy(self.module)


def module_name(obj: Any) -> str:
    """``module:QualName`` of a class, or of an instance's class."""
    klass = obj if inspect.isclass(obj) else type(obj)
    return f"{klass.__module__}:{klass.__qualname__}"


def registered_name(registry, obj: Any) -> Optional[str]:
    for name in registry.names():
        if registry.get(name) is obj:
            return name
    return None


def register_module(obj: Any, role: str) -> str:
    """Register a user's ``nn.Module`` subclass or instance as a ``role`` net; returns its name."""
    registry = _ROLES[role]
    if inspect.isclass(obj) and issubclass(obj, nn.Module):
        name = registered_name(registry, obj)
        if name is None:
            name = module_name(obj)
            registry.register(name, replace=True)(obj)
    elif isinstance(obj, nn.Module):
        name = module_name(obj)
        registry.register(name, replace=True)(ModuleCopies(obj))
    else:
        raise ConfigError(f"{role}= takes a registered name, an nn.Module subclass or an nn.Module instance; "
                          f"got {type(obj).__name__}")
    mark_user_net(role, name)
    return name


def load_entry_points() -> None:
    """Import every ``ganforge.nets`` entry point (a module whose ``@register_model`` decorators
    register nets, or any object in one). The nets it adds are checked like API nets. A plugin
    that fails to import is reported in one line and skipped, so it cannot break ganforge."""
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        before = {role: set(reg.names()) for role, reg in _ROLES.items()}
        try:
            ep.load()
        except Exception as err:  # noqa: BLE001 - a third-party plugin may fail in any way
            detail = " ".join(str(err).split())[:200]
            note(f"nets plugin '{ep.name}' ({ep.value}) did not load: {type(err).__name__}: {detail}; "
                 "its nets are unavailable")
            continue
        for role, reg in _ROLES.items():
            for name in set(reg.names()) - before[role]:
                mark_user_net(role, name)
