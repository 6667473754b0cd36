"""``ganforge doctor``: diagnose a run's health from its directory."""
from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("run", type=click.Path(path_type=Path))
def doctor(run: Path) -> None:
    """Diagnose RUN (finished, interrupted or in progress): health flags over time, best and last
    metric, whether D overfit and when, what to change, and the command that applies it.

    Example: ganforge doctor runs/dcgan-mnist-20261123-101500
    """
    from ..train.diagnosis import diagnose, format_diagnosis

    click.echo(format_diagnosis(diagnose(run)))
