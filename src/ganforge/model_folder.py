"""Between a generator net and its model folder: the net's spec (what ``config.json`` says to
build) and the net rebuilt from it, with nothing else (no discriminator, no objective).

A net spec is ``{"name", "role", "options"}`` as recorded by ``create_model`` (options
complete, data-given keywords included), or for the two generators of a CycleGAN run
``{"directions": {"AtoB": spec, "BtoA": spec}}``, or for the mask-aware net of an inpainting or
denoising run ``{"inpainter": {"net": spec, "composite": bool}}``. Table generators also need their column
encoding to decode rows; it travels in the folder's ``data`` entry (see :class:`TableRows`).
"""
from __future__ import annotations

from typing import Any, Dict, Optional

import torch
from torch import nn

from .artifact import jsonable
from .errors import ConfigError
from .nets import create_model
from .nets.registry import CONFIG_ATTR
from .objectives.cyclegan import CycleGenerators
from .objectives.inpaint import Inpainter
from .tabular.conditional import ConditionSampler
from .tabular.sampling import sample_rows
from .tabular.transformer import TableTransformer


def net_spec(net: nn.Module) -> Dict[str, Any]:
    """What rebuilds ``net``: its recorded constructor call, as plain JSON data."""
    directions = getattr(net, "directions", ())
    if len(directions) > 1 and hasattr(net, "direction"):
        return {"directions": {d: net_spec(net.direction(d)) for d in directions}}
    if isinstance(net, Inpainter):
        return {"inpainter": {"net": net_spec(net.net), "composite": net.composite}}
    recorded = getattr(net, CONFIG_ATTR, None)
    if recorded is None:
        raise ConfigError(f"the generator ({type(net).__name__}) was not built by ganforge.nets.create_model, so "
                          "nothing records how to rebuild it; register it (ganforge.nets.register_model) and train "
                          "through the registry to export it")
    return jsonable({"name": recorded["name"], "role": recorded["role"], "options": recorded["options"]},
                    f"generator '{recorded['name']}' option")


def build_net(spec: Dict[str, Any]) -> nn.Module:
    """The net ``spec`` describes, freshly initialised in eval mode; the caller's global RNG is
    left as it was (initialisation draws from a forked one, and the weights are loaded next)."""
    with torch.random.fork_rng(devices=[]):
        if "directions" in spec:
            parts = spec["directions"]
            return CycleGenerators(build_net(parts["AtoB"]), build_net(parts["BtoA"])).eval()
        if "inpainter" in spec:
            part = spec["inpainter"]
            return Inpainter(build_net(part["net"]), composite=bool(part.get("composite", True))).eval()
        try:
            name, role, options = spec["name"], spec.get("role", "generator"), dict(spec["options"])
        except (KeyError, TypeError):
            raise ConfigError(f"config.json's generator entry {str(spec)[:120]} lacks name/options; "
                              "export the model again") from None
        return create_model(name, role, **options).eval()


def load_state(net: nn.Module, tensors: Dict[str, torch.Tensor], where: str) -> None:
    """``tensors`` into ``net`` (strict); a mismatch names the first offending keys."""
    own = net.state_dict()
    missing, unexpected = [k for k in own if k not in tensors], [k for k in tensors if k not in own]
    wrong = [f"{k} {tuple(tensors[k].shape)} vs {tuple(v.shape)}" for k, v in own.items()
             if k in tensors and tensors[k].shape != v.shape]
    problems = [f"{k} missing" for k in missing] + [f"{k} unexpected" for k in unexpected] + wrong
    if problems:
        raise ConfigError(f"{where}: the weights do not fit the net config.json describes "
                          f"({'; '.join(problems[:3])}{'; ...' if len(problems) > 3 else ''}); export the model again")
    net.load_state_dict(tensors, strict=True)


class TableRows:
    """Decodes a table generator's matrix rows into a DataFrame, from the column encoding
    alone (what a table run's objective does when sampling): ``sample(net, z, labels, ...)``."""

    def __init__(self, table: Dict[str, Any]):
        self.transformer = TableTransformer.from_json(table)
        self.conditions = ConditionSampler.for_table(self.transformer)

    def sample(self, net: nn.Module, z: torch.Tensor, labels: Optional[torch.Tensor], batch_size: int = 256,
               seed: int = 0, where: Optional[Dict[str, Any]] = None, **gen_kwargs: Any):
        if gen_kwargs:
            raise ConfigError("table generators have no truncation trick; drop --truncation")
        return sample_rows(self.transformer, self.conditions, net, z, batch_size, seed, where)


def decoder_for(data: Dict[str, Any]) -> Optional[TableRows]:
    """What turns the net's outputs into samples for data described by ``data`` (None: tensors)."""
    if data.get("kind") == "table":
        if "table" not in data:
            raise ConfigError("this table model's config.json lacks the column encoding ('table'); export it again")
        return TableRows(data["table"])
    return None
