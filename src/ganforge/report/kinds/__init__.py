"""Run kinds of the report: what a run generates decides its "samples" section and the pictures
of its summary card. Each kind is one function registered with :func:`register_kind` plus one
template ``templates/kinds/NAME.html.j2``; every module of this package is imported, so a new
kind is a new file here and a new template, nothing else.

The function takes a :class:`KindInput` and returns the template's variables, among them
``generated`` (the summary's pictures of what the run makes: :class:`~ganforge.report.pictures.Picture`
or inline SVG) and ``real`` (the matching real data, or an empty list).
"""
from __future__ import annotations

import importlib
import pkgutil

from .base import KIND_SPECS, KindInput, KindSpec, find_kind, register_kind

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["KIND_SPECS", "KindInput", "KindSpec", "find_kind", "register_kind"]
