"""Generator and discriminator registries: ``create_model("dcgan", role="generator", ...)``."""
from __future__ import annotations

from typing import List, Tuple

from torch import nn

from ..registry import Registry

# Keywords the objectives pass themselves (from the data), never user options.
GENERATORS = Registry("generator", reserved=("z_dim", "shape", "num_classes"))
DISCRIMINATORS = Registry("discriminator", reserved=("shape", "num_classes"))
_ROLES = {"generator": GENERATORS, "discriminator": DISCRIMINATORS}


def register_model(name: str, role: str):
    """Decorator: ``@register_model("dcgan", role="generator")``."""
    return _ROLES[role].register(name)


def create_model(name: str, role: str, **kwargs) -> nn.Module:
    """Build a registered network.

    Generators take ``z_dim``, ``shape`` (C, H, W) or (D,), ``num_classes``; discriminators take
    ``shape`` and ``num_classes`` (shape already includes PacGAN packing), plus family keywords.
    """
    if role not in _ROLES:
        raise ValueError(f"role must be one of {sorted(_ROLES)}")
    return _ROLES[role].create(name, **kwargs)


def list_models() -> List[Tuple[str, str]]:
    """(role, name) for every registered network."""
    return [(role, name) for role, reg in _ROLES.items() for name in reg.names()]
