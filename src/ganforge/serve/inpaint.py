"""Inpainting and denoising runs in the explorer: take an image (an upload or a held-out example),
draw the holes on it, and see it restored.

POST /api/inpaint          multipart ``image`` and ``mask`` (white or opaque strokes = fill, the
                           image's size; optional for denoising runs) -> the restored image as PNG
POST /api/inpaint/noise    multipart ``image``, ``seed`` -> the image with the run's training noise
GET  /api/inpaint/mask     width, height, seed -> a mask like the training ones: PNG, white holes
                           on a transparent background
GET  /api/inpaint/example  index -> held-out image ``index`` of the run's data as PNG
"""
from __future__ import annotations

import threading
from typing import Any, Dict, Optional

import numpy as np
import torch
from flask import Flask, Response, request

from ..data.masks import draw_masks
from ..errors import ConfigError, DataError
from ..images import png_bytes
from ..objectives.inpaint import corrupt
from ..report.translation import example_data
from ..translate.inpaint import InpaintModel, mask_from_image
from ..translate.quality import quantize
from .errors import BadRequest
from .params import int_arg, png
from .upload import open_upload, read_upload

MAX_SEED = 2**31 - 1
MAX_MASK_SIDE = 4096


def restoration_model(gen: Any, tile: int = 256, overlap: int = 32) -> Optional[InpaintModel]:
    """The run's :class:`InpaintModel` when it restores images (holes or noise), else None."""
    return InpaintModel(gen, tile=tile, overlap=overlap) if getattr(gen.net, "needs_mask", False) else None


class Examples:
    """Held-out images of the run's data (its training data when there is no test split), loaded on
    first use; ``count`` is 0 when the data cannot be loaded here (a model folder whose folder data
    lives elsewhere), and ``problem`` then says why."""

    def __init__(self, gen: Any):
        self.gen, self._images, self.problem, self.source = gen, None, "", ""
        self._lock = threading.Lock()

    def images(self) -> torch.Tensor:
        with self._lock:
            if self._images is None:
                try:
                    dataset, self.source = example_data(self.gen.cfg)
                    self._images = dataset.get(torch.arange(len(dataset)))[0]
                except (ConfigError, DataError, OSError) as err:
                    self._images, self.problem = torch.empty(0), str(err)
            return self._images


def restore_info(model: InpaintModel, examples: Examples, max_upload_bytes: int, max_output_pixels: int) -> Dict:
    """What the page needs to know about a restoration run (merged into /api/info)."""
    return {"scale": 1, "directions": [], "max_upload_bytes": max_upload_bytes, "max_input_pixels": max_output_pixels,
            "mask_kind": model.mask_kind, "noise_sigma": model.noise_sigma, "fills_holes": model.noise_sigma == 0,
            "examples": len(examples.images()), "examples_source": examples.source,
            "examples_problem": examples.problem}


def _mask(file, size) -> torch.Tensor:
    w, h = size
    img = open_upload(file, w * h, field="mask")
    if img.size != size:
        raise BadRequest(f"the mask is {img.size[0]}x{img.size[1]} but the image is {w}x{h}; draw the mask at the "
                         "image's size")
    return mask_from_image(img)


def add_restore_routes(app: Flask, model: InpaintModel, examples: Examples, lock: threading.Lock,
                       max_output_pixels: int) -> None:
    """Register the restoration endpoints (see the module docstring) on ``app``."""

    def _png(images: torch.Tensor, name: str) -> Response:
        resp = Response(png(images, 1, pad=0), mimetype="image/png")
        if request.args.get("download") == "1":
            resp.headers["Content-Disposition"] = f"attachment; filename=ganforge-{name}.png"
        return resp

    @app.post("/api/inpaint")
    def inpaint():
        x = read_upload(request.files.get("image"), model, max_output_pixels)
        upload = request.files.get("mask")
        if upload is None and model.noise_sigma == 0:
            raise BadRequest("this run fills holes: draw them on the image, or send a mask image (white = fill) "
                             "in the multipart field 'mask'")
        mask = _mask(upload, (x.shape[-1], x.shape[-2])) if upload is not None else None
        with lock:
            out = model(x, mask)
        return _png(out, "restored")

    @app.post("/api/inpaint/noise")
    def noise():
        if model.noise_sigma == 0:
            raise BadRequest("this run fills holes rather than removing noise; draw holes and POST to /api/inpaint")
        x = read_upload(request.files.get("image"), model, max_output_pixels)
        seed = int(request.form.get("seed") or 0) % (MAX_SEED + 1)
        noisy = corrupt(x, "none", model.noise_sigma, torch.Generator().manual_seed(seed))[0][:, :-1]
        return _png(quantize(noisy), "noisy")

    @app.get("/api/inpaint/mask")
    def mask():
        w, h = int_arg("width", 64, 8, MAX_MASK_SIDE), int_arg("height", 64, 8, MAX_MASK_SIDE)
        seed = int_arg("seed", 0, 0, MAX_SEED)
        kind = model.mask_kind if model.mask_kind != "none" else "both"
        holes = draw_masks(kind, 1, h, w, torch.Generator().manual_seed(seed))[0, 0].numpy()
        rgba = np.zeros((h, w, 4), np.uint8)
        rgba[holes > 0.5] = 255
        return Response(png_bytes(rgba), mimetype="image/png")

    @app.get("/api/inpaint/example")
    def example():
        images = examples.images()
        if not len(images):
            raise BadRequest(f"no example images here ({examples.problem or 'the data is empty'}); upload an image")
        i = int_arg("index", 0, 0, len(images) - 1)
        return _png(images[i:i + 1], f"example-{i}")
