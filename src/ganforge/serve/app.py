"""The explorer's HTTP endpoints (a Flask app, served by waitress). Every bad request gets a 4xx
JSON ``{"error": ...}`` naming the problem.

GET /                 the page (inline CSS and JS, nothing fetched from elsewhere)
GET /api/info         run facts: name, step, checkpoint, kind, classes, truncation, limits
GET /api/grid         PNG grid: seed, n (1..64), class, truncation, scale (1..16), download=1
GET /api/sample       PNG of sample ``index`` of the grid of ``seed`` (same parameters)
GET /api/interpolate  PNG: one sample on the path from seed_a to seed_b at t in [0, 1]
GET /api/neighbours   JSON: the nearest training items of sample ``index`` of ``seed`` (k 1..8)
POST /api/translate   image-to-image runs: multipart field ``image`` (and ``direction`` AtoB/BtoA
                      for CycleGAN) -> the model's output as PNG, at any size within the bounds
/api/inpaint...       inpainting and denoising runs: see :mod:`.inpaint`
"""
from __future__ import annotations

import threading
from typing import Any, Optional

import torch
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from ..errors import ConfigError
from ..report.embed import png_uri
from .errors import BadRequest, json_errors
from .explore import Explorer, describe
from .inpaint import Examples, add_restore_routes, restoration_model, restore_info
from .media import MEDIA_KINDS, create_media_app
from .page import page
from .params import float_arg, int_arg, png, scatter_png
from .truncation import check_value
from .upload import MAX_OUTPUT_PIXELS, MAX_UPLOAD_BYTES, image_models, max_input_pixels, read_upload

MAX_N = 64
MAX_SEED = 2**31 - 1
MAX_SCALE = 16
MAX_BODY = 64 * 1024  # noise runs take no uploads; anything bigger is refused before it is read


def _counts(k: int) -> dict:
    """Grid sizes offered: squares, and whole rows of classes for conditional runs."""
    counts = {1, 4, 9, 16, 25, 36, 49, 64}
    if 0 < k <= 16:
        counts |= {m * k for m in (1, 2, 4, 6) if m * k <= MAX_N}
    default = 4 * k if 0 < k <= 16 and 4 * k <= MAX_N else 16
    return {"counts": sorted(counts), "default_count": default}


def create_app(gen: Any, max_upload_bytes: int = MAX_UPLOAD_BYTES, max_output_pixels: int = MAX_OUTPUT_PIXELS,
               tile: int = 256, overlap: int = 32) -> Flask:
    """``gen``: a loaded generator (``ganforge.load(run)``). Image-to-image runs take uploads of up
    to ``max_upload_bytes`` whose output has at most ``max_output_pixels``, applied in tiles of
    ``tile`` input pixels."""
    if gen.kind == "vector" and gen.info.get("shape", [0])[0] != 2:
        raise ConfigError("ganforge serve shows images and 2-D points; this run generates "
                          f"{gen.info.get('shape')} vectors (use ganforge sample instead)")
    if gen.kind in MEDIA_KINDS:
        return create_media_app(gen)
    if gen.kind not in ("image", "vector"):
        raise ConfigError(f"ganforge serve shows images, 2-D points, video, audio and text; this run generates "
                          f"{gen.kind} samples (use ganforge sample, or ganforge report for its page)")
    restorer = restoration_model(gen, tile, overlap)
    models = image_models(gen, tile, overlap) if restorer is None else {}
    first = next(iter(models.values()), None)
    run_kind = "restore" if restorer else "noise" if first is None else "superres" if first.scale > 1 else "translation"
    explorer = Explorer(gen) if first is None and restorer is None else None
    examples = Examples(gen) if restorer is not None else None
    facts = describe(gen)
    translate_lock = threading.Lock()  # one generator, one forward pass at a time
    app = Flask("ganforge.serve")
    takes_uploads = bool(models) or restorer is not None
    # a restoration request carries the image and its mask
    app.config["MAX_CONTENT_LENGTH"] = (2 if restorer else 1) * max_upload_bytes if takes_uploads else MAX_BODY

    json_errors(app)

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(err):
        limit = app.config["MAX_CONTENT_LENGTH"]
        fix = ("send a smaller image (ganforge serve --max-upload-mb raises the limit)" if takes_uploads
               else "this run takes no uploads")
        size = f"{limit / 2**20:.3g} MiB" if limit >= 2**20 else f"{limit / 1024:.3g} KiB"
        return jsonify(error=f"the request is larger than {size}; {fix}"), 413

    def _noise() -> Explorer:
        if explorer is None:
            endpoint = "/api/inpaint (multipart fields 'image' and 'mask')" if restorer else \
                "/api/translate (multipart field 'image')"
            raise BadRequest(f"this run {'restores' if restorer else 'translates'} images rather than drawing them "
                             f"from noise; POST an image to {endpoint}")
        return explorer

    def _class() -> Optional[int]:
        k = gen.num_classes
        cls = int_arg("class", None, -1, max(k - 1, 0) if k else 10**9)
        if not k and cls is not None and cls >= 0:
            raise BadRequest("this model is unconditional; drop 'class'")
        return None if cls is None or cls < 0 else cls

    def _truncation(ex: Explorer) -> Optional[float]:
        raw = request.args.get("truncation")
        if raw in (None, "", "off"):
            return None
        try:
            return check_value(ex.truncation, float_arg("truncation", 1.0, -1e9, 1e9))
        except ValueError as err:
            raise BadRequest(str(err)) from None

    def _image(images: torch.Tensor, name: str, nrow: Optional[int] = None) -> Response:
        """PNG response: a grid (``nrow`` columns), one image without padding, or a 2-D scatter."""
        scale = int_arg("scale", 1, 1, MAX_SCALE)
        pad = 0 if len(images) == 1 else 2
        data = png(images, nrow, scale, pad) if images.dim() == 4 else scatter_png(images, gen.info)
        resp = Response(data, mimetype="image/png")
        if nrow is not None:
            resp.headers["X-Grid-Columns"] = str(nrow)
        if request.args.get("download") == "1":
            resp.headers["Content-Disposition"] = f"attachment; filename={name}.png"
        return resp

    @app.get("/")
    def index():
        return Response(page(info_json()), mimetype="text/html")

    def info_json():
        limits = {}
        if restorer is not None:
            limits = restore_info(restorer, examples, max_upload_bytes, max_output_pixels)
        elif first is not None:
            limits = {"scale": first.scale, "directions": list(models), "max_upload_bytes": max_upload_bytes,
                      "max_input_pixels": max_input_pixels(first, max_output_pixels)}
        trunc = explorer.truncation.as_json() if explorer is not None else None
        return dict(kind=gen.kind, run_kind=run_kind, num_classes=gen.num_classes,
                    class_names=[str(c) for c in gen.info.get("class_names", [])], shape=gen.info.get("shape"),
                    z_dim=gen.z_dim, max_n=MAX_N, max_seed=MAX_SEED, max_scale=MAX_SCALE, truncation=trunc,
                    neighbours=run_kind == "noise" and gen.kind == "image", data=gen.info.get("name"), **facts,
                    **_counts(gen.num_classes), **limits)

    @app.get("/api/info")
    def info():
        return jsonify(info_json())

    @app.get("/api/grid")
    def grid():
        ex = _noise()
        seed, n = int_arg("seed", 0, 0, MAX_SEED), int_arg("n", 16, 1, MAX_N)
        cls, psi = _class(), _truncation(ex)
        return _image(ex.grid(seed, n, cls, psi), f"ganforge-seed{seed}", ex.nrow(n, cls))

    @app.get("/api/sample")
    def sample():
        ex = _noise()
        seed, i = int_arg("seed", 0, 0, MAX_SEED), int_arg("index", 0, 0, MAX_N - 1)
        return _image(ex.one(seed, i, _class(), _truncation(ex)), f"ganforge-seed{seed}-{i}", 1)

    @app.get("/api/interpolate")
    def interpolate():
        ex = _noise()
        a, b = int_arg("seed_a", 0, 0, MAX_SEED), int_arg("seed_b", 1, 0, MAX_SEED)
        t = float_arg("t", 0.5, 0.0, 1.0)
        return _image(ex.interpolate(a, b, t, _class(), _truncation(ex)), f"ganforge-{a}-to-{b}-t{t:g}")

    @app.get("/api/neighbours")
    def neighbours():
        ex = _noise()
        if gen.kind != "image":
            raise BadRequest("nearest training items are shown for image runs; 2-D runs show all points at once")
        seed, i, k = int_arg("seed", 0, 0, MAX_SEED), int_arg("index", 0, 0, MAX_N - 1), int_arg("k", 4, 1, 8)
        x = ex.one(seed, i, _class(), _truncation(ex))
        try:
            nb = ex.neighbours(x, k)
        except LookupError as err:
            return jsonify(error=str(err)), 409
        ratio = nb.ratios()[0]
        return jsonify(extractor=nb.extractor, reference_size=nb.reference_size, typical=nb.typical,
                       distances=nb.distances[0].tolist(), ratio=ratio,
                       images=[png_uri(png(item[None], 1, pad=0)) for item in nb.items[0]])

    if restorer is not None:
        add_restore_routes(app, restorer, examples, translate_lock, max_output_pixels)

    @app.post("/api/translate")
    def translate():
        if restorer is not None:
            raise BadRequest("this run restores images; POST the image and its mask to /api/inpaint")
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
        with translate_lock:
            out = model(x)
        resp = Response(png(out, 1, pad=0), mimetype="image/png")
        if request.args.get("download") == "1":
            name = "upscaled" if model.scale > 1 else "translated"
            resp.headers["Content-Disposition"] = f"attachment; filename=ganforge-{name}.png"
        return resp

    return app
