"""Uploads for image-to-image runs: the run's models per direction, and reading an uploaded
image with bounds on its bytes (Flask's MAX_CONTENT_LENGTH) and pixels (checked from the header,
before the image is decoded)."""
from __future__ import annotations

import io
import math
from typing import Dict, Optional

import torch
from PIL import Image
from werkzeug.datastructures import FileStorage

from ..translate.apply import ImageModel, image_tensor
from .errors import BadRequest

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
# Bounds the output, so a x4 model takes at most 1024 x 1024 inputs and a same-size one 4096 x 4096.
MAX_OUTPUT_PIXELS = 4096 * 4096
FIELD = "image"


def image_models(gen, tile: int = 256, overlap: int = 32) -> Dict[str, ImageModel]:
    """{direction: model} for an image-to-image run (AtoB, plus BtoA for CycleGAN); {} for a
    run that generates from noise."""
    if getattr(gen.net, "input_kind", "latent") != "image":
        return {}
    return {d: ImageModel(gen, d, tile=tile, overlap=overlap) for d in getattr(gen.net, "directions", ("AtoB",))}


def max_input_pixels(model: ImageModel, max_output_pixels: int) -> int:
    return max_output_pixels // model.scale ** 2


def read_upload(file: Optional[FileStorage], model: ImageModel, max_output_pixels: int) -> torch.Tensor:
    """The uploaded image as (1, C, H, W) in [-1, 1] with the model's input channels; a
    :class:`BadRequest` naming the problem and the fix otherwise."""
    limit = max_input_pixels(model, max_output_pixels)
    bound = f" so its x{model.scale} output stays within {max_output_pixels / 1e6:.3g} megapixels" * (model.scale > 1)
    img = open_upload(file, limit, bound)
    try:
        return image_tensor(img, model.in_channels)
    except Exception as err:  # noqa: BLE001 - odd modes fail while converting
        raise BadRequest(f"cannot decode the image ({str(err)[:80]}); upload a complete PNG or JPEG file") from None


def open_upload(file: Optional[FileStorage], limit: int, bound: str = "", field: str = FIELD) -> Image.Image:
    """The decoded image of the multipart ``field`` with at most ``limit`` pixels (checked from the
    header, before decoding); a :class:`BadRequest` naming the problem and the fix otherwise."""
    if file is None:
        raise BadRequest(f"no image uploaded; send the file in the multipart field '{field}' "
                         f"(curl -F {field}=@photo.png ...)")
    data = file.read()
    if not data:
        raise BadRequest("the uploaded file is empty; choose an image file")
    side = math.isqrt(limit)
    too_big = f"this run takes at most {limit / 1e6:.3g} megapixels ({side}x{side}){bound}; resize or crop the image"
    try:
        img = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError:
        raise BadRequest(f"the image has far too many pixels; {too_big}") from None
    except Exception:  # noqa: BLE001 - whatever Pillow cannot identify is not an image
        raise BadRequest(f"'{(file.filename or 'upload')[:60]}' is not an image Pillow can read; "
                         "upload a PNG, JPEG, WebP, BMP or TIFF file") from None
    w, h = img.size
    if w * h > limit:
        raise BadRequest(f"the image is {w}x{h} ({w * h / 1e6:.3g} megapixels); {too_big}")
    try:
        img.load()
    except Exception as err:  # noqa: BLE001 - truncated or corrupt files fail while decoding
        raise BadRequest(f"cannot decode the image ({str(err)[:80]}); upload a complete PNG or JPEG file") from None
    return img
