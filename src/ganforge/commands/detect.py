"""``ganforge detect``: train a real-vs-generated detector (classifier two-sample test) or score images."""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

import click


@click.command()
@click.argument("args", nargs=-1, type=click.Path(path_type=Path))
@click.option("--real", type=click.Path(path_type=Path), default=None, help="folder of real images (with --fake)")
@click.option("--fake", type=click.Path(path_type=Path), default=None, help="folder of generated images (with --real)")
@click.option("--model", type=click.Path(path_type=Path), default=None,
              help="a saved detector folder: score the IMAGE files/folders given as arguments")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="where to save the detector (default RUN/detector; required with --real/--fake)")
@click.option("-n", "num", type=click.IntRange(min=10), default=2000, show_default=True,
              help="generated samples drawn from RUN")
@click.option("--image-size", type=click.IntRange(min=8), default=32, show_default=True,
              help="folders: side images are resized and cropped to")
@click.option("--channels", type=click.Choice(["1", "3"]), default="3", show_default=True,
              help="folders: 1 (grayscale) or 3 (RGB)")
@click.option("--epochs", type=click.IntRange(min=1), default=10, show_default=True,
              help="most passes over the training half (early stopping on a validation fifth)")
@click.option("--width", type=click.IntRange(min=1), default=32, show_default=True, help="detector width")
@click.option("--checkpoint", default="latest", show_default=True, help="RUN: latest, best or a checkpoint directory")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--device", default="cpu", show_default=True, help="cpu, cuda, mps or auto")
def detect(args: Sequence[Path], real: Optional[Path], fake: Optional[Path], model: Optional[Path],
           out: Optional[Path], num: int, image_size: int, channels: str, epochs: int, width: int, checkpoint: str,
           seed: int, device: str) -> None:
    """Tell generated images from real ones.

    Train on a run (its samples against its training data; half held out):
    ganforge detect runs/dcgan-mnist-20260101-120000 -n 2000

    Train on two folders: ganforge detect --real photos/ --fake generated/ --out detector/

    Score images with a saved detector: ganforge detect --model runs/dcgan-mnist-20260101-120000/detector a.png b/
    """
    from ..errors import ConfigError

    if model is not None:
        if not args:
            raise ConfigError("--model scores images: pass image files or folders after it")
        from ..detect import score_images

        scores = score_images(model, args, device)
        width_ = max(len(str(path)) for path, _ in scores)
        click.echo(f"{'image'.ljust(width_)}  p_generated  verdict")
        for path, p in scores:
            click.echo(f"{str(path).ljust(width_)}  {p:11.4f}  {'generated' if p > 0.5 else 'real'}")
        return
    options = {"epochs": epochs, "width": width}
    if real is not None or fake is not None:
        if real is None or fake is None or args:
            raise ConfigError("folders are compared as --real DIR --fake DIR (no RUN argument)")
        if out is None:
            raise ConfigError("pass --out DIR for the detector trained on the two folders")
        from ..detect import detect_folders

        result, info = detect_folders(real, fake, image_size, int(channels), seed, **options)
    else:
        if len(args) != 1:
            raise ConfigError("pass one RUN directory, or --real DIR --fake DIR, or --model DIR IMAGE...")
        from ..api import load
        from ..detect import detect_run

        gen = load(args[0], device=device, checkpoint=checkpoint)
        result, info = detect_run(gen, num, seed, **options)
        out = out or args[0] / "detector"
    from ..detect import save_result, verdict

    save_result(result, info, out)
    for key, value in result.metrics().items():
        click.echo(f"{key.ljust(14)}  {value:.4g}")
    click.echo(f"{'held out'.ljust(14)}  {result.n_test} of {result.n_train + result.n_test} items")
    click.echo(f"AUC {result.auc:.3f}: {verdict(result.auc)}")
    click.echo(f"wrote {out}")
