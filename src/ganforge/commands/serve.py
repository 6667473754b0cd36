"""``ganforge serve``: a local web page to explore a trained run's generator."""
from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("run", type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="address to bind (the default is reachable from this machine only)")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--max-upload-mb", type=click.IntRange(1, 1024), default=8, show_default=True,
              help="largest image upload accepted by image-to-image runs, in MiB")
def serve(run: Path, host: str, port: int, max_upload_mb: int) -> None:
    """Serve an explorer page for RUN: seeds, classes, truncation, interpolation, PNG download;
    for pix2pix, CycleGAN and super-resolution runs, an upload form that translates images.

    Example: ganforge serve runs/dcgan-mnist-20260101-120000 --port 8000
    """
    from ..errors import ConfigError

    try:
        from ..serve import create_app
    except ImportError as err:
        raise ConfigError(f"ganforge serve needs Flask ({err}); install it with: pip install 'ganforge[serve]'") from None
    app = create_app(run, max_upload_bytes=max_upload_mb * 2**20)
    click.echo(f"serving {run} on http://{host}:{port}/ (Ctrl-C to stop)")
    app.run(host=host, port=port, debug=False, use_reloader=False, threaded=True)
