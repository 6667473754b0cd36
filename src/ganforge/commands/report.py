"""``ganforge report``: write a run's self-contained ``report.html``."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import click


@click.command()
@click.argument("run", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="where to write the page (default: RUN/report.html)")
@click.option("--memorization", type=click.IntRange(min=0, max=64), default=6, show_default=True,
              help="generated samples to match against their nearest training items (0: skip)")
@click.option("--examples", type=click.IntRange(min=1, max=64), default=6, show_default=True,
              help="image-to-image runs: input / output / target examples to show")
def report(run: Path, out: Optional[Path], memorization: int, examples: int) -> None:
    """Write one self-contained HTML page (opens offline) describing RUN.

    Example: ganforge report runs/dcgan-mnist-20260101-120000
    """
    from ..api import load
    from ..report.html import report_for_run

    click.echo(f"wrote {report_for_run(run, load, out=out, memorization=memorization, examples=examples)}")
