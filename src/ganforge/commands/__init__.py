"""One module per CLI command; each defines a click command named after its module."""
from __future__ import annotations

import importlib

import click

# Order here is the order in ``ganforge --help``.
COMMAND_MODULES = ("train", "sample", "eval", "doctor", "export", "detect", "translate", "upscale", "inpaint", "report",
                   "serve", "inspect", "augment", "interpolate", "style_mix", "recipes", "options")


def register_commands(group: click.Group) -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        # ``eval`` is a builtin, so that module names its command ``eval_``.
        group.add_command(getattr(module, name, None) or getattr(module, name + "_"))
