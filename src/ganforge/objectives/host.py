"""Objectives that take loss terms: the terms' construction from the config, their load-time
check, the lazy-regularization phases and the terms' checkpoint state, once for every family.

A host declares what its steps hand the terms (``provides``, see ``terms/set.py``), whether a
lazy penalty is its own optimizer step (``separate_reg_phase``) and which of its flat options
spell a term's option (``term_shorthands``); its D and G steps build :class:`TermInputs` and add
``self.terms.loss("d" | "g", ...)``.
"""
from __future__ import annotations

from typing import Any, ClassVar, Dict, FrozenSet, Literal, Optional, Tuple

import torch

from ..errors import ConfigError
from ..options import options_model
from ..schedules import SCHEDULES
from .base import Logs, Objective, StepContext
from .registry import OBJECTIVES
from .terms import TermInputs, TermSet, resolve_terms
from .terms.base import Every, Fraction
from .terms.set import REGULARIZER, check_terms

Tensor = torch.Tensor
REGULARIZERS = ("none", "gp", "r1", "r2", "r1r2")
TermsOption = Optional[Dict[str, Any]]


def option_values(objective_cls, cfg) -> Dict[str, Any]:
    """Every option of ``objective_cls`` as the config sets it, defaults filled in."""
    model = options_model(objective_cls, OBJECTIVES.reserved)
    return dict(model.model_validate(cfg.objective.kwargs()))


class TermHost(Objective):
    """Base of objectives with composable loss terms.

    ``terms``: loss terms by name with their options, such as objective.terms.r1.weight=10 (a number is
    the weight, false removes a default term). The terms: gp, r1, r2, r1r2, lecam, bcr_real,
    bcr_fake, contrastive, drift, aux, ortho, path_length, l1, each with weight, every, schedule,
    decay_start, decay_end and final.
    """

    provides: ClassVar[FrozenSet[str]] = frozenset()
    separate_reg_phase: ClassVar[bool] = False
    term_shorthands: ClassVar[Dict[str, Tuple[str, str]]] = {}
    terms: TermSet

    def __init__(self, cfg, terms: TermsOption = None):
        super().__init__()
        # The terms are read from the config with every subclass's options (as check_config reads
        # them), so the load-time check and the built objective cannot disagree.
        self.terms = TermSet(self.resolved_terms(cfg))
        self._register_load_state_dict_pre_hook(lambda sd, prefix, *_: self.terms.legacy_keys(sd, prefix))

    @classmethod
    def check_config(cls, cfg) -> None:
        """Refuse, at load time, terms this objective cannot feed (with the reason)."""
        values = option_values(cls, cfg)
        start, end = values.get("reg_decay_start", 0.0), values.get("reg_decay_end", 1.0)
        if values.get("reg_schedule", "constant") != "constant" and end <= start:
            raise ConfigError(f"reg_decay_end ({end}) must be after reg_decay_start ({start})")
        specs = cls.resolved_terms(cfg)
        for name, options in specs.items():
            if options.get("schedule", "constant") != "constant" and options.get("decay_end", 1.0) <= options.get("decay_start", 0.0):
                raise ConfigError(f"objective.terms.{name}.decay_end must be after its decay_start")
        check_terms(cls, cfg.objective.name, specs)

    @classmethod
    def resolved_terms(cls, cfg) -> Dict[str, Dict[str, Any]]:
        """The terms ``cfg`` turns on for this objective, with their options."""
        return resolve_terms(cls, option_values(cls, cfg))

    def bind_terms(self) -> None:
        """Checks of the terms against the built nets and data (called once the objective is built)."""
        self.terms.bind(self)

    # -- what the terms see ---------------------------------------------------------------
    def d_inputs(self, real: Tensor, fake: Tensor, labels: Optional[Tensor], ctx: StepContext, **parts: Any) -> TermInputs:
        """The D step's term inputs; ``critic`` defaults to D's logits through :meth:`judge`."""
        parts.setdefault("group", getattr(self, "packing", 1))
        inputs = TermInputs(ctx, real, fake, labels, **parts)
        if inputs.critic is None and hasattr(self, "judge"):
            inputs.critic = lambda x: self.judge(x, labels, ctx).logits
        return inputs

    def plus_terms(self, loss: Tensor, side: str, inputs: TermInputs, logs: Logs, penalties_only: bool = False) -> Tensor:
        """``loss`` plus the weighted terms of ``side`` due in this main step."""
        extra = self.terms.loss(side, self, inputs, logs, penalties_only)
        return loss if extra is None else loss + extra

    # -- lazy regularization --------------------------------------------------------------
    def lazy_intervals(self, progress: float = 0.0) -> Dict[str, int]:
        return self.terms.lazy_intervals(self, progress)

    def reg_fakes(self, real: Tensor, labels: Optional[Tensor]) -> Tensor:
        """Fakes for the D reg phase (no gradient)."""
        with torch.no_grad():
            return self.fake(real.shape[0], labels, real.device)

    def d_reg_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Optional[Tuple[Tensor, Logs]]:
        """StyleGAN2's lazy regularization: every k D steps, the due penalties times k as their own
        optimizer step (stylegan2-ada training_loop.py, phase Dreg)."""
        due = self.terms.due("d", self, ctx)
        if not due:
            return None
        labels = labels if getattr(self, "num_classes", 0) else None
        fake = self.reg_fakes(real, labels) if any(t.needs_fake for t in due) else real
        logs: Logs = {}
        value = self.terms.reg_loss("d", self, due, self.d_inputs(real, fake, labels, ctx), logs)
        return (value, logs) if value is not None and logs else None

    def g_reg_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Optional[Tuple[Tensor, Logs]]:
        """Every k G steps, the due G terms times k (phase Greg: the path length)."""
        due = self.terms.due("g", self, ctx)
        if not due:
            return None
        logs: Logs = {}
        value = self.terms.reg_loss("g", self, due, TermInputs(ctx, real, labels=labels), logs)
        return (value, logs) if value is not None else None

    def penalty(self, real: Tensor, fake: Tensor, labels: Optional[Tensor], ctx: StepContext, logs: Logs) -> Tensor:
        """The weighted input-gradient penalties at clean samples ``real``/``fake`` (N, ...) through
        D's input pipeline, whatever their interval (what one reg step adds before the x k)."""
        penalties = [t for t in self.terms.values() if t.penalty]
        total = self.terms.reg_loss("d", self, penalties, self.d_inputs(real, fake, labels, ctx), logs, lazy_gain=False)
        return real.new_zeros(()) if total is None else total

    # -- state ----------------------------------------------------------------------------
    def extra_state(self) -> Dict[str, object]:
        return {"terms": self.terms.extra_state()}

    def load_extra_state(self, state: Dict[str, object]) -> None:
        if "d_extras" in state and "lecam" in self.terms:  # the layout before terms: LeCam's anchors
            self.terms["lecam"].load_extra_state(dict(state["d_extras"]))
        self.terms.load_extra_state(dict(state.get("terms") or {}))


class PenaltyHost(TermHost):
    """A host whose D takes an input-gradient penalty, with the flat spelling of it.

    ``regularizer``: gradient penalty on D (none, gp, r1, r2, r1r2), taken at the clean samples
    through D's input pipeline. ``reg_weight``: weight of that penalty. ``reg_every``: lazy
    regularization interval in D steps (the penalty becomes its own optimizer step, with
    StyleGAN2's Adam correction). ``reg_schedule``: linear or cosine makes reg_weight fall to
    reg_final x itself between reg_decay_start and reg_decay_end. ``reg_decay_start``/
    ``reg_decay_end``: fractions of the steps where the schedule starts and ends. ``reg_final``:
    the weight at its end, as a fraction (R3GAN: 0.1).
    """

    term_shorthands = {
        "reg_weight": (REGULARIZER, "weight"), "reg_every": (REGULARIZER, "every"),
        "reg_schedule": (REGULARIZER, "schedule"), "reg_decay_start": (REGULARIZER, "decay_start"),
        "reg_decay_end": (REGULARIZER, "decay_end"), "reg_final": (REGULARIZER, "final")}

    def __init__(self, cfg, regularizer: Literal[REGULARIZERS] = "none", reg_weight: float = 10.0,  # type: ignore[valid-type]
                 reg_every: Every = 1, reg_schedule: Literal[SCHEDULES] = "constant",  # type: ignore[valid-type]
                 reg_decay_start: Fraction = 0.0, reg_decay_end: Fraction = 1.0, reg_final: Fraction = 0.0,
                 **options):
        super().__init__(cfg, **options)  # the values reach the terms through the config (see TermHost)
