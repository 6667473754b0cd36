"""``ganforge doctor``: diagnose a run's health from its directory."""
from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("run", type=click.Path(path_type=Path))
@click.argument("thresholds", nargs=-1)
@click.option("--recheck", is_flag=True,
              help="recompute the flags from the logged statistics with today's checks (and THRESHOLDS)")
def doctor(run: Path, thresholds, recheck: bool) -> None:
    """Diagnose RUN (finished, interrupted or in progress): health flags over time, best and last
    metric, whether D overfit and when, what to change, and the command that applies it.
    THRESHOLDS (with --recheck) are health options as key=value, e.g. overfit_threshold=0.6.

    Example: ganforge doctor runs/dcgan-mnist-20261123-101500
    """
    from ..config import parse_override
    from ..errors import ConfigError
    from ..train.diagnosis import diagnose, format_diagnosis
    from ..train.health import HealthConfig

    if thresholds and not recheck:
        raise ConfigError("health thresholds re-check a run's statistics; add --recheck")
    options = {}
    for item in thresholds:
        key, value = parse_override(item)
        options[".".join(key).removeprefix("health.")] = value
    HealthConfig.from_dict(options)  # unknown or bad thresholds: one line, exit 2
    click.echo(format_diagnosis(diagnose(run, recheck_with=options if recheck else None)))
