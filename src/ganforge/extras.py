"""Optional dependencies: features that need a package the default install leaves out say so in
one line, with the extra that brings it (``pip install 'ganforge[tables]'``)."""
from __future__ import annotations

from importlib import import_module
from types import ModuleType

from .errors import ConfigError

def install_hint(extra: str) -> str:
    return f"pip install 'ganforge[{extra}]'"


def require(module: str, extra: str, feature: str) -> ModuleType:
    """``import module``, or a one-line ConfigError: ``FEATURE needs MODULE; pip install 'ganforge[EXTRA]'``."""
    try:
        return import_module(module)
    except ImportError as err:
        if err.name is not None and err.name.split(".")[0] != module.split(".")[0]:
            raise  # the package is there but broken inside: its own error says more
        raise ConfigError(f"{feature} needs {module.split('.')[0]}, which is not installed; {install_hint(extra)}") from None
