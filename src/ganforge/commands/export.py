"""``ganforge export``: write a run's generator as a self-describing model folder."""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

import click


@click.command(short_help="Write a run's generator as a model folder (config.json + model.safetensors).")
@click.argument("run", type=click.Path(path_type=Path))
@click.option("--out", required=True, type=click.Path(path_type=Path), help="the model folder to write")
@click.option("--checkpoint", default="latest", show_default=True, help="latest, best or step-N")
@click.option("--format", "formats", multiple=True, type=click.Choice(["safetensors", "torchscript", "onnx"]),
              help="add a portable copy (repeatable); config.json + model.safetensors are always written")
def export(run: Path, out: Path, checkpoint: str, formats: Sequence[str]) -> None:
    """Export RUN's generator (EMA weights when kept) to the folder --out: config.json (what
    the net is, its options, the data's shape and classes) and model.safetensors, loadable
    with ganforge.from_pretrained(OUT) and by sample, serve, interpolate, translate, upscale.

    \b
      ganforge export runs/dcgan-mnist-20260101-120000 --out mnist-gen
      ganforge export runs/dcgan-mnist-20260101-120000 --checkpoint best --format onnx --out mnist-onnx
    """
    from ..artifact import read_config
    from ..loading import export_generator

    folder = export_generator(run, out, checkpoint=checkpoint, formats=formats)
    files = sorted(p.name for p in folder.iterdir())
    click.echo(f"wrote {folder} ({', '.join(files)})")
    config = read_config(folder)
    if config["input"] == "image":
        use = f"ganforge {'upscale' if config['data'].get('scale', 1) > 1 else 'translate'} {folder} INPUT --out DIR"
    elif config["kind"] == "table":
        use = f"ganforge sample {folder} -n 1000 --out synth.csv"
    else:
        use = f"ganforge sample {folder} -n 64 --grid --out samples.png"
    click.echo(f"  use it: ganforge.from_pretrained({str(folder)!r}), or {use}")
