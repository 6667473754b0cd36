"""Loss terms: penalties, consistency, auxiliary and weight regularizers that any objective
composes by config (``objective.terms.r1.weight=10``), each with its weight, interval, schedule
and checkpointed state. A new term is a file here that registers itself: no list to edit."""
from ...registry import import_submodules
from .base import LOSS_TERMS, LossTerm, TermInputs
from .set import TermSet, resolve_terms

__all__ = ["LOSS_TERMS", "LossTerm", "TermInputs", "TermSet", "resolve_terms"]

import_submodules(__name__, __path__)
