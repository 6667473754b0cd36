"""The explorer for video, audio and text runs: the same seeds as ``ganforge sample`` and the
report, shown the way each kind is read (a Flask app of its own; ``create_app`` hands these
runs here).

GET /              the page (inline CSS and JS)
GET /api/info      run facts: name, step, checkpoint, kind, limits
GET /api/grid      video: the clips of ``seed`` (n 1..64) as one looping animated PNG;
                   audio: their spectrograms as a PNG grid; scale (1..16), download=1
GET /api/clip      clip ``index`` of ``seed`` alone: video as an animated PNG, audio as a WAV file
GET /api/clips     audio: JSON, per clip of ``seed`` what the ``notes`` metric hears (notes data)
GET /api/strings   text: JSON, the strings of ``seed`` (n 1..512), each tagged "real" (a dictionary
                   word never trained on), "seen" (a training word) or "" (no word)
"""
from __future__ import annotations

import threading
from typing import Any, Optional

import torch
from flask import Flask, Response, jsonify, request

from ..data import load_dataset
from ..data.text import decode
from ..images import make_grid, png_bytes
from ..media.audio import spectrogram_images, wav_bytes
from ..media.video import DEFAULT_FPS, animation_bytes, grid_frames
from ..report.kinds.audio import heard
from ..report.kinds.text import tagged
from .errors import BadRequest, json_errors
from .explore import describe
from .page import media_page
from .params import int_arg

MEDIA_KINDS = ("video", "audio", "text")
MAX_N = 64
MAX_STRINGS = 512
MAX_SEED = 2**31 - 1
MAX_SCALE = 16


def _scaled(frame, scale: int):
    return frame.repeat(scale, axis=0).repeat(scale, axis=1) if scale > 1 else frame


def create_media_app(gen: Any) -> Flask:
    """``gen``: a loaded video, audio or text generator."""
    kind = gen.kind
    lock = threading.Lock()  # one generator, one forward pass at a time
    facts = describe(gen)
    fps = float(gen.info.get("fps") or DEFAULT_FPS)
    rate = int(gen.info.get("sample_rate") or 16000)
    words: dict = {}  # text runs: the training list and dictionary, loaded on the first request
    app = Flask("ganforge.serve.media")
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024  # no uploads

    json_errors(app)

    def draw(n_max: int) -> torch.Tensor:
        seed, n = int_arg("seed", 0, 0, MAX_SEED), int_arg("n", 16 if kind != "text" else 64, 1, n_max)
        with lock:
            return gen.sample(n, seed=seed).float().cpu()

    def one() -> torch.Tensor:
        seed, i = int_arg("seed", 0, 0, MAX_SEED), int_arg("index", 0, 0, MAX_N - 1)
        with lock:
            return gen.sample(i + 1, seed=seed)[i:].float().cpu()

    def only(*kinds: str) -> None:
        if kind not in kinds:
            raise BadRequest(f"this run generates {kind}; {request.path} serves {' and '.join(kinds)} runs")

    def picture(data: bytes, name: str, mime: str = "image/png", ext: str = "png") -> Response:
        resp = Response(data, mimetype=mime)
        if request.args.get("download") == "1":
            resp.headers["Content-Disposition"] = f"attachment; filename={name}.{ext}"
        return resp

    def info_json():
        return dict(kind=kind, run_kind=kind, shape=gen.info.get("shape"), data=gen.info.get("name"), max_n=MAX_N,
                    max_strings=MAX_STRINGS, max_seed=MAX_SEED, max_scale=MAX_SCALE, fps=fps, sample_rate=rate,
                    labelled=bool(gen.info.get("notes")), num_classes=0, **facts)

    @app.get("/")
    def index():
        return Response(media_page(info_json()), mimetype="text/html")

    @app.get("/api/info")
    def info():
        return jsonify(info_json())

    @app.get("/api/grid")
    def grid():
        only("video", "audio")
        x, scale = draw(MAX_N), int_arg("scale", 1, 1, MAX_SCALE)
        seed = int_arg("seed", 0, 0, MAX_SEED)
        if kind == "video":
            frames = [_scaled(f, scale) for f in grid_frames(x)]
            return picture(animation_bytes(frames, fps), f"ganforge-seed{seed}")
        return picture(png_bytes(_scaled(make_grid(spectrogram_images(x), 4), scale)), f"ganforge-seed{seed}")

    @app.get("/api/clip")
    def clip():
        only("video", "audio")
        x, seed = one(), int_arg("seed", 0, 0, MAX_SEED)
        name = f"ganforge-seed{seed}-{int_arg('index', 0, 0, MAX_N - 1)}"
        if kind == "video":
            scale = int_arg("scale", 1, 1, MAX_SCALE)
            return picture(animation_bytes([_scaled(f, scale) for f in grid_frames(x, 1, 0)], fps), name)
        return picture(wav_bytes(x.reshape(-1).numpy(), rate), name, "audio/wav", "wav")

    @app.get("/api/clips")
    def clips():
        only("audio")
        x = draw(MAX_N)
        labels: Optional[list] = heard(x, gen.info)
        return jsonify(clips=len(x), seconds=x.shape[-1] / rate, labels=labels)

    @app.get("/api/strings")
    def strings():
        only("text")
        x = draw(MAX_STRINGS)
        if "train" not in words:
            try:
                cfg = gen.cfg
                ctx = load_dataset(cfg.data, cfg.image_size, **cfg.data_options).metric_context()
                words.update(train=ctx["train_words"], dictionary=ctx["dictionary"], error=None)
            except Exception as err:  # noqa: BLE001 - a moved word list: show the strings untagged, say why
                words.update(train=frozenset(), dictionary=frozenset(),
                             error=f"the training words '{gen.cfg.data}' cannot be loaded here ({err})")
        items = tagged(decode(x, tuple(gen.info.get("vocab") or ())), words["train"], words["dictionary"])
        return jsonify(strings=items, tags_note=words["error"])

    return app
