"""The explorer's HTTP endpoints (Flask). Every bad request gets a 4xx JSON error.

GET /                 the page (inline JS/CSS, no external assets)
GET /api/info         run facts: kind, classes, limits
GET /api/grid         PNG grid: seed, n (1..64), class, truncation (0..2), download=1
GET /api/interpolate  PNG: one sample on the slerp path between seed_a and seed_b at t in [0, 1]
POST /api/translate   image-to-image runs: multipart field ``image`` (and ``direction`` AtoB/BtoA
                      for CycleGAN) -> the model's output as PNG, at any size within the bounds
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Optional, Union

import torch
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..errors import ConfigError
from ..images import make_grid, png_bytes
from ..loading import load_generator
from ..nets.generate import generate
from ..report.embed import figure_uri, pyplot
from .errors import BadRequest
from .latent import seeded_z, slerp, truncate
from .page import PAGE
from .upload import MAX_OUTPUT_PIXELS, MAX_UPLOAD_BYTES, image_models, max_input_pixels, read_upload

MAX_N = 64
MAX_SEED = 2**31 - 1
MAX_BODY = 64 * 1024  # noise runs take no uploads; anything bigger is refused before it is read


def _int(name: str, default: Optional[int], lo: int, hi: int) -> Optional[int]:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"'{name}' must be an integer, got {raw[:40]!r}") from None
    if not lo <= value <= hi:
        raise BadRequest(f"'{name}' must be in {lo}..{hi}, got {value}")
    return value


def _float(name: str, default: float, lo: float, hi: float) -> float:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise BadRequest(f"'{name}' must be a number, got {raw[:40]!r}") from None
    if not math.isfinite(value) or not lo <= value <= hi:
        raise BadRequest(f"'{name}' must be in {lo}..{hi}, got {raw[:40]}")
    return value


def _png(images: torch.Tensor, nrow: Optional[int] = None, pad: int = 2) -> bytes:
    return png_bytes(make_grid(images, nrow, pad))


def _scatter_png(points: torch.Tensor, info: dict) -> bytes:
    import base64

    plt = pyplot()
    fig, ax = plt.subplots(figsize=(4, 4), dpi=80)
    pts = points.numpy()
    ax.scatter(pts[:, 0], pts[:, 1], s=8)
    means = (info.get("modes") or {}).get("means")
    if means:
        m = torch.tensor(means).numpy()
        ax.scatter(m[:, 0], m[:, 1], marker="x", c="red", s=40)
    ax.set_aspect("equal")
    return base64.b64decode(figure_uri(fig).split(",", 1)[1])


def create_app(run: Union[str, Path, Any], max_upload_bytes: int = MAX_UPLOAD_BYTES,
               max_output_pixels: int = MAX_OUTPUT_PIXELS, tile: int = 256, overlap: int = 32) -> Flask:
    """``run``: a run directory or an already loaded :class:`ganforge.generator.Generator`.
    Image-to-image runs take uploads of up to ``max_upload_bytes`` whose output has at most
    ``max_output_pixels``, applied in tiles of ``tile`` input pixels."""
    gen = load_generator(run) if isinstance(run, (str, Path)) else run
    if gen.kind == "vector" and gen.info.get("shape", [0])[0] != 2:
        raise ConfigError("ganforge serve shows images and 2-D points; this run generates "
                          f"{gen.info.get('shape')} vectors (use ganforge sample instead)")
    models = image_models(gen, tile, overlap)
    first = next(iter(models.values()), None)
    run_kind = "noise" if first is None else "superres" if first.scale > 1 else "translation"
    app = Flask("ganforge.serve")
    app.config["MAX_CONTENT_LENGTH"] = max_upload_bytes if models else MAX_BODY
    lock = __import__("threading").Lock()  # one generator, one forward pass at a time

    @app.errorhandler(BadRequest)
    def _bad(err):
        return jsonify(error=str(err)), 400

    @app.errorhandler(HTTPException)
    def _http(err):
        return jsonify(error=err.description or err.name), err.code

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(err):
        limit = app.config["MAX_CONTENT_LENGTH"]
        fix = ("send a smaller image (ganforge serve --max-upload-mb raises the limit)" if models
               else "this run takes no uploads")
        size = f"{limit / 2**20:.3g} MiB" if limit >= 2**20 else f"{limit / 1024:.3g} KiB"
        return jsonify(error=f"the request is larger than {size}; {fix}"), 413

    def _noise_only() -> None:
        if models:
            raise BadRequest("this run translates images rather than drawing them from noise; POST an image "
                             "to /api/translate (multipart field 'image')")

    def _labels(n: int) -> Optional[torch.Tensor]:
        k = gen.num_classes
        cls = _int("class", None, -1, max(k - 1, 0) if k else 10**9)
        if not k:
            if cls is not None and cls >= 0:
                raise BadRequest("this model is unconditional; drop 'class'")
            return None
        if cls is None or cls < 0:
            return torch.arange(n) % k
        return torch.full((n,), cls)

    def _render(z: torch.Tensor, labels: Optional[torch.Tensor], nrow: Optional[int] = None) -> Response:
        with lock:
            out = generate(gen.net, z.to(gen.device), None if labels is None else labels.to(gen.device)).float().cpu()
        data = _png(out, nrow) if out.dim() == 4 else _scatter_png(out, gen.info)
        resp = Response(data, mimetype="image/png")
        if request.args.get("download") == "1":
            resp.headers["Content-Disposition"] = "attachment; filename=ganforge-samples.png"
        return resp

    @app.get("/")
    def index():
        return Response(PAGE, mimetype="text/html")

    @app.get("/api/info")
    def info():
        limits = {}
        if first is not None:
            limits = {"scale": first.scale, "directions": list(models), "max_upload_bytes": max_upload_bytes,
                      "max_input_pixels": max_input_pixels(first, max_output_pixels)}
        return jsonify(kind=gen.kind, run_kind=run_kind, num_classes=gen.num_classes,
                       class_names=gen.info.get("class_names", []), shape=gen.info.get("shape"), z_dim=gen.cfg.z_dim,
                       max_n=MAX_N, max_seed=MAX_SEED, truncation="scales z", name=gen.cfg.name, **limits)

    @app.get("/api/grid")
    def grid():
        _noise_only()
        seed = _int("seed", 0, 0, MAX_SEED)
        n = _int("n", 16, 1, MAX_N)
        psi = _float("truncation", 1.0, 0.0, 2.0)
        labels = _labels(n)
        return _render(truncate(seeded_z(seed, n, gen.cfg.z_dim), psi), labels)

    @app.get("/api/interpolate")
    def interpolate():
        _noise_only()
        a = _int("seed_a", 0, 0, MAX_SEED)
        b = _int("seed_b", 1, 0, MAX_SEED)
        t = _float("t", 0.5, 0.0, 1.0)
        psi = _float("truncation", 1.0, 0.0, 2.0)
        labels = _labels(1)
        z = slerp(seeded_z(a, 1, gen.cfg.z_dim)[0], seeded_z(b, 1, gen.cfg.z_dim)[0], t)[None]
        return _render(truncate(z, psi), labels)

    @app.post("/api/translate")
    def translate():
        if not models:
            raise BadRequest("this run generates images from noise and does not translate images; use /api/grid, "
                             "or serve a pix2pix, CycleGAN or super-resolution run")
        direction = request.form.get("direction") or request.args.get("direction") or "AtoB"
        if direction not in ("AtoB", "BtoA"):
            raise BadRequest(f"'direction' must be AtoB or BtoA, got {direction[:40]!r}")
        if direction not in models:
            raise BadRequest(f"this run translates only {' and '.join(models)}; drop 'direction={direction}'")
        model = models[direction]
        x = read_upload(request.files.get("image"), model, max_output_pixels)
        with lock:
            out = model(x)
        resp = Response(_png(out, 1, pad=0), mimetype="image/png")
        if request.args.get("download") == "1":
            name = "upscaled" if model.scale > 1 else "translated"
            resp.headers["Content-Disposition"] = f"attachment; filename=ganforge-{name}.png"
        return resp

    return app
