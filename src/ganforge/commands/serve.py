"""``ganforge serve``: a local web page to explore a trained run's generator."""
from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("run", type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="address to bind (the default is reachable from this machine only)")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--checkpoint", default="latest", show_default=True, help="latest, best or a checkpoint directory")
@click.option("--device", default="cpu", show_default=True, help="cpu, cuda, mps or auto")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True,
              help="request threads of the web server (the generator runs one request at a time)")
@click.option("--max-upload-mb", type=click.IntRange(1, 1024), default=8, show_default=True,
              help="largest image upload accepted by image-to-image runs, in MiB")
def serve(run: Path, host: str, port: int, checkpoint: str, device: str, threads: int, max_upload_mb: int) -> None:
    """Serve an explorer page for RUN (a run directory or pretrained:mnist): seeds, classes, the
    family's own truncation, interpolation, nearest training items, PNG downloads; for pix2pix,
    CycleGAN and super-resolution runs, an upload form that translates images; for inpainting
    runs, a canvas to paint the holes of an image and see them filled (denoising runs: add noise,
    remove it); for video, audio and text runs, animated clips, audio players with spectrograms,
    or lists of generated words.

    Example: ganforge serve runs/dcgan-mnist-20260101-120000 --port 8000
    """
    from ..errors import ConfigError

    try:
        import waitress

        from ..serve import create_app
    except ImportError as err:
        raise ConfigError(f"ganforge serve needs Flask and waitress ({err}); install them with: "
                          "pip install 'ganforge[serve]'") from None
    from ..api import load

    gen = load(run, device=device, checkpoint=None if checkpoint == "latest" else checkpoint)
    app = create_app(gen, max_upload_bytes=max_upload_mb * 2**20)
    server = waitress.create_server(app, host=host, port=port, threads=threads, ident="ganforge")
    click.echo(f"serving {run} on http://{host}:{server.effective_port}/ (Ctrl-C to stop)")
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
