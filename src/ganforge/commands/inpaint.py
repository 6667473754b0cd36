"""``ganforge inpaint``: fill the holes of an image (or denoise it) with a trained restoration run."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import click

from .upscale import apply_options


@click.command()
@click.argument("run", type=click.Path(path_type=Path))
@click.argument("image", type=click.Path(path_type=Path))
@click.option("--mask", default=None,
              help="an image (white = fill, any transparency counts as keep), box:LEFT,TOP,WIDTH,HEIGHT, or "
                   "random[:SEED] (a mask like the training ones); optional for denoising runs")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="PNG file for the result (default: IMAGE's name + -restored.png, here)")
@click.option("--save-masked", type=click.Path(path_type=Path), default=None,
              help="also write the input with its holes painted white to this PNG file")
@apply_options
def inpaint(run: Path, image: Path, mask: Optional[str], out: Optional[Path], save_masked: Optional[Path], tile: int,
            overlap: int, device: str) -> None:
    """Restore IMAGE with a trained inpainting or denoising RUN.

    Example: ganforge inpaint runs/inpaint-faces-20260101-120000 face.png --mask mask.png --out filled.png

    Without a mask file: --mask box:8,10,16,12 (left, top, width, height) or --mask random:3
    """
    from ..errors import ConfigError
    from ..translate.inpaint import InpaintModel, inpaint_file

    if not image.is_file():
        raise ConfigError(f"image '{image}' does not exist")
    model = InpaintModel(run, device=device, tile=tile, overlap=overlap)
    out = out or Path(f"{image.stem}-restored.png")
    inpaint_file(model, image, mask, out, save_masked)
    click.echo(f"wrote {out}" + (f" and {save_masked}" if save_masked else ""))
