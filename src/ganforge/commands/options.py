"""``ganforge options``: every config key of a recipe with its type, default and description."""
from __future__ import annotations

import json
from typing import Any, List, Sequence

import click


def _default(value: Any) -> str:
    if isinstance(value, str):
        return value if value else '""'
    if isinstance(value, dict) and set(value) == {"name"}:
        return str(value["name"])
    try:
        return json.dumps(value if not isinstance(value, tuple) else list(value))
    except TypeError:
        return str(value)


def format_options(rows) -> List[str]:
    """Aligned ``key  type  default  description`` lines for :func:`ganforge.config.describe_config` rows."""
    table = [(r.name, r.type, _default(r.default.model_dump() if hasattr(r.default, "model_dump") else r.default),
              r.description) for r in rows]
    widths = [max(len(row[i]) for row in table + [("key", "type", "default", "")]) for i in range(3)]
    head = ("key", "type", "default", "description")
    return ["  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths)) + "  " + row[3]
            for row in [head] + table]


def recipe_options(recipe: str, overrides: Sequence[str] = ()) -> List[str]:
    from ..config import describe_config, resolve_config

    return format_options(describe_config(resolve_config(recipe, list(overrides))))


@click.command()
@click.argument("args", nargs=-1)
def options(args: Sequence[str]) -> None:
    """List every key RECIPE (default dcgan-mnist) takes, with key=value overrides applied:
    run-wide keys, then the options of its generator, discriminator, objective, augmentation,
    dataset (data_options.*) and health monitor (health.*).

    Example: ganforge options stylegan2-mnist objective=stylegan2
    """
    overrides = list(args)
    recipe = overrides.pop(0) if overrides and "=" not in overrides[0] else None
    for line in recipe_options(recipe, overrides):
        click.echo(line.rstrip())
