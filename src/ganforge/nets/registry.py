"""Generator and discriminator registries: ``create_model("dcgan", role="generator", ...)``.

Every net built here records what built it (``net.ganforge_config``: registry name, role and
every constructor option, defaults included), which is what an exported model folder's
``config.json`` holds, so the net can be rebuilt alone (see ``ganforge/model_folder.py``).
Discriminators always answer with a :class:`DOutput`: a plain tensor of logits is wrapped.
"""
from __future__ import annotations

from typing import Any, Dict, List, Set, Tuple

from torch import nn

from ..errors import ConfigError
from ..registry import Registry
from .base import DOutput
from .contract import as_doutput, check_user_net

# Keywords the objectives pass themselves (from the data), never user options.
GENERATORS = Registry("generator", reserved=("z_dim", "shape", "num_classes"))
DISCRIMINATORS = Registry("discriminator", reserved=("shape", "num_classes", "t_dim"))  # t_dim: Diffusion-GAN
_ROLES = {"generator": GENERATORS, "discriminator": DISCRIMINATORS}
CONFIG_ATTR = "ganforge_config"
# (role, name) of nets that users brought (the Python API, entry points): checked on a test
# batch when built, so a contract mismatch is one line before training, not a crash inside it.
_USER_NETS: Set[Tuple[str, str]] = set()


def register_model(name: str, role: str):
    """Decorator: ``@register_model("dcgan", role="generator")``."""
    return _ROLES[role].register(name)


def mark_user_net(role: str, name: str) -> None:
    """Have ``create_model`` check this net against the contract whenever it builds it."""
    _USER_NETS.add((role, name))


def _wrap_logits(module: nn.Module, inputs: Any, output: Any) -> Any:
    # A forward hook rather than a wrapper module: the net's state-dict keys stay its own.
    return None if isinstance(output, DOutput) else as_doutput(output, type(module).__name__)


def create_model(name: str, role: str, **kwargs) -> nn.Module:
    """Build a registered network.

    Generators take ``z_dim``, ``shape`` (C, H, W) or (D,), ``num_classes``; discriminators take
    ``shape`` and ``num_classes`` (shape already includes PacGAN packing), plus family keywords.
    The net gets ``ganforge_config = {"name", "role", "options"}``, options complete with the
    defaults of every keyword not given.
    """
    if role not in _ROLES:
        raise ValueError(f"role must be one of {sorted(_ROLES)}")
    registry = _ROLES[role]
    net = registry.create(name, **kwargs)
    if not isinstance(net, nn.Module):
        raise ConfigError(f"{role} '{name}' built a {type(net).__name__}, not a torch.nn.Module")
    options: Dict[str, Any] = {k: kwargs[k] for k in registry.reserved if k in kwargs}  # data-given first
    options.update({info.name: info.default for info in registry.options(name)})
    options.update(kwargs)
    net.__dict__[CONFIG_ATTR] = {"name": name, "role": role, "options": options}
    if role == "discriminator" and not getattr(net, "_ganforge_wraps_logits", False):
        net.register_forward_hook(_wrap_logits)
        net.__dict__["_ganforge_wraps_logits"] = True
    if (role, name) in _USER_NETS:
        check_user_net(net, role, name, kwargs)
    return net


def list_models() -> List[Tuple[str, str]]:
    """(role, name) for every registered network."""
    return [(role, name) for role, reg in _ROLES.items() for name in reg.names()]
