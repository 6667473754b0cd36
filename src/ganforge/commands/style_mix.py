"""``ganforge style-mix``: the StyleGAN style-mixing grid for a style generator."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import click

from .interpolate import parse_seeds


@click.command(name="style-mix")
@click.argument("run", type=click.Path(path_type=Path))
@click.option("--rows", default="1,2,3", show_default=True, help="seeds whose coarse styles each row takes")
@click.option("--cols", default="4,5,6,7", show_default=True, help="seeds whose fine styles each column takes")
@click.option("--cutoff", type=int, default=None, help="first style layer taken from the column seed (default half)")
@click.option("--truncation", type=float, default=None, help="truncation psi toward the mean w")
@click.option("--out", type=click.Path(path_type=Path), default=Path("style-mix.png"), show_default=True)
def style_mix(run: Path, rows: str, cols: str, cutoff: Optional[int], truncation: Optional[float], out: Path) -> None:
    """Write the classic style-mixing grid: column seeds on top, row seeds on the left.

    Example: ganforge style-mix runs/stylegan2-mnist-... --rows 1,2,3 --cols 4,5,6,7 --out mix.png
    """
    from ..api import load
    from ..images import make_grid, save_png
    from ..latent import style_mix_grid

    gen = load(run)
    col_seeds = parse_seeds(cols)
    cells = style_mix_grid(gen, parse_seeds(rows), col_seeds, cutoff, truncation)
    out.parent.mkdir(parents=True, exist_ok=True)
    save_png(make_grid(cells, len(col_seeds) + 1), out)
    click.echo(f"wrote {out}")
