"""The terms of one objective: which are on (from ``objective.terms`` and the old flat
spellings), whether they fit the objective, and their sum in each step.

Spellings: ``objective.terms.NAME.OPTION=VALUE`` (``objective.terms.r1.weight=10``,
``objective.terms.lecam={}``; a bare number is the weight, ``false`` removes a term an objective
adds by default). Objectives keep their earlier flat options as shorthands
(``regularizer=r1 reg_weight=10 reg_every=16``, ``lecam_weight=0.3``, ``pl_weight=2``...), declared
in ``term_shorthands``; an entry of ``terms`` wins over a shorthand for the same option.
"""
from __future__ import annotations

import inspect
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

import torch
from torch import nn

from ...errors import ConfigError
from ..base import Logs, StepContext
from .base import LOSS_TERMS, LossTerm, TermInputs

Tensor = torch.Tensor
REGULARIZER = "@regularizer"  # shorthand target: the term named by the objective's ``regularizer`` option
WHY = {"critic": "an input-gradient penalty needs D's logits as a function of its input",
       "d_outputs": "it reads D's outputs on real and generated batches",
       "judge": "it runs D's input pipeline on transformed samples",
       "styles": "it needs a style generator's mapping and synthesis passes (objective=stylegan2)",
       "target": "it compares G's output with a paired target (paired data: objective=pix2pix or superres)"}


def shorthands_of(objective_cls) -> Dict[str, Tuple[str, str]]:
    """Every flat option of ``objective_cls`` (and its parents) that spells a term's option."""
    found: Dict[str, Tuple[str, str]] = {}
    for klass in reversed(inspect.getmro(objective_cls)):
        found.update(klass.__dict__.get("term_shorthands", {}))
    return found


def resolve_terms(objective_cls, values: Mapping[str, Any]) -> Dict[str, Dict[str, Any]]:
    """Enabled terms -> their options, in summing order, from an objective's option ``values``
    (defaults included): shorthands first, then ``values['terms']`` on top. Terms at weight 0 are off."""
    specs: Dict[str, Dict[str, Any]] = {}
    for key, (term, option) in shorthands_of(objective_cls).items():
        if key not in values:
            continue
        if term == REGULARIZER:
            term = values.get("regularizer", "none")
            if term == "none":
                continue
        specs.setdefault(term, {})[option] = values[key]
    for name, given in (values.get("terms") or {}).items():
        LOSS_TERMS.get(name)  # unknown names fail here, listing the terms
        if given is False or given is None:
            specs.pop(name, None)
            continue
        if isinstance(given, str):  # YAML reads 1e-4 as text
            try:
                given = float(given)
            except ValueError:
                pass
        if isinstance(given, (int, float)) and not isinstance(given, bool):
            given = {"weight": float(given)}
        if not isinstance(given, Mapping):
            raise ConfigError(f"objective.terms.{name} must be a mapping of options (objective.terms.{name}.weight=1), "
                              f"a weight or false; got {given!r}")
        base = specs.get(name, {})
        if base.get("weight") == 0:  # a shorthand left it off: the term's own default weight applies
            base = {k: v for k, v in base.items() if k != "weight"}
        specs[name] = {**base, **given}
    on = {}
    for name, options in specs.items():
        typed = LOSS_TERMS.validate(name, options, key=f"objective.terms.{name}")
        if typed.get("weight", _default_weight(name)) != 0:
            on[name] = typed
    return dict(sorted(on.items(), key=lambda item: (LOSS_TERMS.get(item[0]).order, item[0])))


def _default_weight(name: str) -> float:
    return next(i.default for i in LOSS_TERMS.options(name) if i.name == "weight")


def check_terms(objective_cls, objective_name: str, specs: Mapping[str, Dict[str, Any]]) -> None:
    """Refuse, at load time, terms the objective cannot feed and lazy intervals that clash."""
    provides = getattr(objective_cls, "provides", frozenset())
    separate = getattr(objective_cls, "separate_reg_phase", False)
    intervals: Dict[str, Tuple[str, int]] = {}
    for name, options in specs.items():
        term = LOSS_TERMS.get(name)
        missing = sorted(set(term.needs) - set(provides))
        if missing:
            raise ConfigError(f"objective {objective_name} cannot take loss term '{name}': {WHY.get(missing[0], missing[0])}"
                              f", which objective {objective_name} does not provide; remove objective.terms.{name}")
        every = int(options.get("every", _default(name, "every")))
        if term.own_phase and separate and every > 1:
            for side in term.sides:
                other = intervals.setdefault(side, (name, every))
                if other[1] != every:
                    raise ConfigError(f"lazy terms '{other[0]}' (every {other[1]}) and '{name}' (every {every}) share "
                                      f"the {side.upper()} optimizer's correction; give them the same interval")


def _default(name: str, option: str) -> Any:
    return next(i.default for i in LOSS_TERMS.options(name) if i.name == option)


class TermSet(nn.ModuleDict):
    """The enabled terms of one objective, by name, in summing order (a module of the
    objective: buffers are saved with the weights)."""

    def __init__(self, specs: Mapping[str, Dict[str, Any]]):
        super().__init__({name: LOSS_TERMS.create(name, **options) for name, options in specs.items()})

    def bind(self, objective) -> None:
        for term in self.values():
            term.bind(objective)

    def on(self, side: str) -> Iterable[Tuple[str, LossTerm]]:
        return [(n, t) for n, t in self.items() if side in t.sides]

    @staticmethod
    def _count(side: str, ctx: StepContext) -> int:
        return ctx.d_step if side == "d" else ctx.step

    def loss(self, side: str, objective, inputs: TermInputs, logs: Logs, penalties_only: bool = False) -> Optional[Tensor]:
        """Sum of ``side``'s terms due in the main step: weighted, every k-th step times k for a lazy
        term, skipping lazy own-phase terms the objective takes in a reg phase. None when none applied."""
        ctx, total = inputs.ctx, None
        for _, term in self.on(side):
            if penalties_only and not term.penalty:
                continue
            weight, k = term.weight_at(ctx.progress), term.every
            if weight == 0 or (k > 1 and ((term.own_phase and objective.separate_reg_phase) or self._count(side, ctx) % k)):
                continue
            value = term.d_value(objective, inputs, logs) if side == "d" else term.g_value(objective, inputs, logs)
            if value is None:
                continue
            value = weight * value if k == 1 else k * (weight * value)
            total = value if total is None else total + value
        return total

    def due(self, side: str, objective, ctx: StepContext) -> List[LossTerm]:
        """Lazy own-phase terms of ``side`` whose reg step is due now (StyleGAN2's Dreg / Greg)."""
        if not objective.separate_reg_phase:
            return []
        return [t for _, t in self.on(side) if t.own_phase and t.every > 1 and self._count(side, ctx) % t.every == 0]

    def reg_loss(self, side: str, objective, terms: List[LossTerm], inputs: TermInputs, logs: Logs,
                 lazy_gain: bool = True) -> Optional[Tensor]:
        """The reg step's loss: each due term weighted and (``lazy_gain``) times its interval."""
        total = None
        for term in terms:
            weight = term.weight_at(inputs.ctx.progress)
            if weight == 0:
                continue
            value = term.d_value(objective, inputs, logs) if side == "d" else term.g_value(objective, inputs, logs)
            if value is not None:
                value = term.every * (weight * value) if lazy_gain else weight * value
                total = value if total is None else total + value
        return total

    def lazy_intervals(self, objective, progress: float) -> Dict[str, int]:
        """{"d"/"g": k} for networks with an active own-phase lazy term (their Adam gets the correction)."""
        if not objective.separate_reg_phase:
            return {}
        return {side: t.every for _, t in self.items() for side in t.sides
                if t.own_phase and t.every > 1 and t.weight_at(progress) > 0}

    def extra_state(self) -> Dict[str, object]:
        return {name: term.extra_state() for name, term in self.items()}

    def load_extra_state(self, state: Mapping[str, object]) -> None:
        for name, term in self.items():
            if name in state:  # a term new to this run starts fresh
                term.load_extra_state(dict(state[name] or {}))

    def legacy_keys(self, state_dict: Dict[str, Tensor], prefix: str) -> None:
        """Move buffers an objective held before they became terms' (``pl_mean``) to their new keys."""
        for klass in LEGACY_OWNERS:
            for old, new in klass.legacy_buffers.items():
                if prefix + old not in state_dict:
                    continue
                value = state_dict.pop(prefix + old)
                for name, term in self.items():
                    if isinstance(term, klass):
                        state_dict.setdefault(f"{prefix}terms.{name}.{new}", value)


LEGACY_OWNERS: List[type] = []  # term classes whose buffers once lived on an objective
