"""``ganforge sample``: draw samples from a trained run."""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

import click


@click.command()
@click.argument("run", type=click.Path(path_type=Path))
@click.option("-n", "num", type=click.IntRange(min=1), default=64, show_default=True, help="number of samples")
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="a .npy file, a .png file (with --grid), a directory for PNG files, .csv/.parquet for tables, "
                   ".png/.gif (with --grid) or a directory of GIFs for videos, a .wav file or a directory for audio, "
                   "a .txt file for text")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--grid", is_flag=True, help="write one grid image instead of one file per sample")
@click.option("--class", "class_", type=int, default=None, help="class to draw from (conditional models)")
@click.option("--where", "where", multiple=True, metavar="COLUMN=VALUE",
              help="table runs: only rows with this value (repeatable)")
@click.option("--truncation", type=float, default=None,
              help="truncation trick: psi toward the mean w (style models) or the latent threshold (biggan)")
@click.option("--rejection", type=float, default=None, metavar="PERCENTILE",
              help="discriminator rejection sampling (DRS), gamma at this percentile of the scores (paper: 95)")
def sample(run: Path, num: int, out: Path, seed: int, grid: bool, class_: Optional[int], where: Sequence[str],
           truncation: Optional[float], rejection: Optional[float]) -> None:
    """Draw N samples from a trained RUN.

    Example: ganforge sample runs/dcgan-mnist-20260101-120000 -n 64 --grid --out digits.png

    Keep what D likes: ganforge sample runs/ring8-20260101-120000 -n 2500 --rejection 50 --out ring.npy

    Tables: ganforge sample runs/tabular-20260101-120000 -n 1000 --out synth.csv --where island=Dream
    """
    from ..api import load
    from ..sample_io import write_samples
    from ..tabular.sampling import parse_where

    gen = load(run)
    columns = gen.objective.transformer.columns if gen.kind == "table" else ()
    samples = gen.sample(num, seed=seed, labels=class_, where=parse_where(where, columns) or None, truncation=truncation,
                         rejection=rejection, progress=None)
    # conditional grids without --class: one column per class (labels cycle 0..K-1)
    nrow = gen.num_classes if gen.num_classes and class_ is None and num >= gen.num_classes else None
    written = write_samples(samples, out, grid=grid, nrow=nrow, info=gen.info)
    click.echo(f"wrote {written}")
