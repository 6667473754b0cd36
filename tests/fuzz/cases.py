"""The fuzz table: bad invocations and corrupt run directories, each of which must end in one
``ganforge: error:`` line on stderr and exit 2, with no traceback and the run untouched.

``{run}`` is a finished 2-D run (ring8), ``{img}`` a finished image run (dcgan-mnist); other
names are files :func:`make_files` puts in the working folder.
"""
from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Callable, Dict, List, Tuple

# (what is wrong, the arguments after ``ganforge``)
BAD_INVOCATIONS: List[Tuple[str, List[str]]] = [
    # config values: types, ranges, names
    ("image size not a power of two", ["train", "image_size=33"]),
    ("image size zero", ["train", "image_size=0"]),
    ("image size negative", ["train", "image_size=-32"]),
    ("width not a number", ["train", "generator.width=abc"]),
    ("width overflowing float", ["train", "generator.width=1e400"]),
    ("depth negative", ["train", "generator.depth=-1"]),
    ("health threshold not a number", ["train", "health.diversity_threshold=abc"]),
    ("unknown health option", ["train", "health.nope=1"]),
    ("lr_d infinite", ["train", "lr_d=inf"]),
    ("lr_g NaN", ["train", "lr_g=nan"]),
    ("lr_d negative", ["train", "lr_d=-1"]),
    ("lr_g not a number", ["train", "lr_g=abc"]),
    ("steps a boolean", ["train", "steps=true"]),
    ("steps a float", ["train", "steps=1.5"]),
    ("steps absurdly large", ["train", "steps=99999999999999999999999999"]),
    ("steps negative", ["train", "steps=-3"]),
    ("batch size zero", ["train", "batch_size=0"]),
    ("batch size not a number", ["train", "batch_size=abc"]),
    ("z_dim zero", ["train", "z_dim=0"]),
    ("n_critic zero", ["train", "n_critic=0"]),
    ("EMA decay above 1", ["train", "ema=2"]),
    ("EMA start negative", ["train", "ema_start=-1"]),
    ("seed not a number", ["train", "seed=abc"]),
    ("betas outside [0, 1)", ["train", "betas=[2,3]"]),
    ("betas of the wrong length", ["train", "betas=[0.5]"]),
    ("label smoothing above 1", ["train", "label_smoothing=1.5"]),
    ("max rollbacks negative", ["train", "max_rollbacks=-1"]),
    ("keep_checkpoints zero", ["train", "keep_checkpoints=0"]),
    ("checkpoint_every zero", ["train", "checkpoint_every=0"]),
    ("log_every zero", ["train", "log_every=0"]),
    ("num_samples zero", ["train", "num_samples=0"]),
    ("eval_every negative", ["train", "eval_every=-1"]),
    ("spectral norm not a boolean", ["train", "discriminator.spectral_norm=maybe"]),
    ("unknown key", ["train", "bogus=1"]),
    ("unknown nested key", ["train", "generator.bogus=1"]),
    ("unknown data option", ["train", "data_options.nope=1"]),
    ("override without '='", ["train", "steps"]),
    ("override without a key", ["train", "=5"]),
    ("unknown recipe", ["train", "nope"]),
    ("unknown loss", ["train", "loss=foo"]),
    ("unknown augmentation", ["train", "augment=nope"]),
    ("unknown dataset", ["train", "data=nope"]),
    ("unknown generator", ["train", "generator=nope"]),
    ("unknown objective", ["train", "objective=nope"]),
    ("unknown regularizer", ["train", "objective.regularizer=nope"]),
    ("unknown lr schedule", ["train", "lr_schedule=nope"]),
    ("unknown device", ["train", "device=tpu"]),
    ("unknown precision", ["train", "amp=fp8"]),
    ("unknown metric", ["train", "metrics=[nope]"]),
    ("unknown extractor", ["train", "extractor=nope"]),
    ("inception asked for without its file", ["train", "metrics=[fid]", "extractor=inception", "steps=1"]),
    ("best metric not among the metrics", ["train", "ring8", "metrics=[modes]", "best_metric=fid"]),
    ("folder without a path", ["train", "data=folder:", "steps=1"]),
    ("folder that does not exist", ["train", "data=folder:/does/not/exist", "steps=1"]),
    ("folder holding no images", ["train", "data=folder:empty", "steps=1"]),
    ("folder that is a symlink loop", ["train", "data=folder:loop", "steps=1"]),
    ("folder holding only a decompression bomb", ["train", "data=folder:bombs", "steps=1"]),
    ("folder holding only a text file named .png", ["train", "data=folder:fake", "steps=1"]),
    ("pixel limit negative", ["train", "data=folder:images", "data_options.max_image_pixels=-1", "steps=1"]),
    ("init_from that does not exist", ["train", "init_from=/does/not/exist", "steps=1"]),
    # recipe files
    ("recipe with a YAML syntax error", ["train", "bad-syntax.yaml"]),
    ("recipe with a !!python tag", ["train", "python-tag.yaml"]),
    ("recipe that is a list", ["train", "list.yaml"]),
    ("recipe with an unknown key", ["train", "unknown-key.yaml"]),
    ("recipe that is not UTF-8", ["train", "not-utf8.yaml"]),
    ("recipe file missing", ["train", "missing.yaml"]),
    # where the run goes
    ("--out under /proc", ["train", "--out", "/proc/x/run", "steps=1"]),
    ("--out under a file", ["train", "--out", "afile/run", "steps=1"]),
    ("--out a run holding checkpoints", ["train", "ring8", "--out", "{run}", "steps=1"]),
    ("--resume a missing folder", ["train", "--resume", "/does/not/exist"]),
    ("--resume a file", ["train", "--resume", "afile"]),
    ("--resume a folder that is no run", ["train", "--resume", "empty"]),
    ("--resume with an unknown override", ["train", "--resume", "{run}", "bogus=1"]),
    ("--nproc zero", ["train", "--nproc", "0"]),
    ("--nproc not a number", ["train", "--nproc", "abc"]),
    # sample
    ("sample a missing run", ["sample", "/does/not/exist", "--out", "x.npy"]),
    ("sample zero", ["sample", "{run}", "-n", "0", "--out", "x.npy"]),
    ("sample a count that is no number", ["sample", "{run}", "-n", "abc", "--out", "x.npy"]),
    ("sample without --out", ["sample", "{run}"]),
    ("sample vectors as PNG", ["sample", "{run}", "--grid", "--out", "x.png"]),
    ("sample into /proc", ["sample", "{run}", "--out", "/proc/x/s.npy"]),
    ("sample an unknown checkpoint", ["sample", "{run}", "--checkpoint", "nope", "--out", "x.npy"]),
    ("sample a step never saved", ["sample", "{run}", "--checkpoint", "step-999", "--out", "x.npy"]),
    ("sample best of a run without metrics", ["sample", "{run}", "--checkpoint", "best", "--out", "x.npy"]),
    ("sample a class from an unconditional run", ["sample", "{run}", "--class", "3", "--out", "x.npy"]),
    ("sample a truncation that is no number", ["sample", "{run}", "--truncation", "abc", "--out", "x.npy"]),
    ("sample --where on a non-table run", ["sample", "{run}", "--where", "a=b", "--out", "x.npy"]),
    ("sample a rejection percentile over 100", ["sample", "{run}", "--rejection", "150", "--out", "x.npy"]),
    ("sample a grid as JPEG", ["sample", "{img}", "--grid", "--out", "x.jpg"]),
    ("sample a negative class", ["sample", "{img}", "--class", "-1", "--out", "x.npy"]),
    # eval
    ("eval a missing run", ["eval", "/does/not/exist"]),
    ("eval an unknown metric", ["eval", "{run}", "--metrics", "nope"]),
    ("eval an unknown extractor on a 2-D run", ["eval", "{run}", "--extractor", "nope"]),
    ("eval one sample", ["eval", "{run}", "-n", "1"]),
    ("eval inception without its file", ["eval", "{img}", "--metrics", "fid", "--extractor", "inception", "-n", "10"]),
    ("eval best of a run without metrics", ["eval", "{run}", "--checkpoint", "best"]),
    # export
    ("export without --out", ["export", "{run}"]),
    ("export into /proc", ["export", "{run}", "--out", "/proc/x/model"]),
    ("export a missing run", ["export", "/does/not/exist", "--out", "model"]),
    ("export an unknown format", ["export", "{run}", "--format", "nope", "--out", "model"]),
    ("export an unknown checkpoint", ["export", "{run}", "--checkpoint", "step-999", "--out", "model"]),
    # image-to-image commands on the wrong kind of run
    ("translate with a 2-D run", ["translate", "{run}", "img.png", "--out", "t"]),
    ("upscale with an image-generation run", ["upscale", "{img}", "img.png", "--out", "u"]),
    ("inpaint with an image-generation run", ["inpaint", "{img}", "img.png", "--mask", "box:1,1,2,2"]),
    ("translate a missing image", ["translate", "{img}", "missing.png", "--out", "t"]),
    ("translate a text file", ["translate", "{img}", "notes.txt", "--out", "t"]),
    # other commands
    ("serve a missing run", ["serve", "/does/not/exist"]),
    ("serve on a port over 65535", ["serve", "{run}", "--port", "70000"]),
    ("options of an unknown recipe", ["options", "nope"]),
    ("options with an unknown key", ["options", "bogus=1"]),
    ("inspect an unknown dataset", ["inspect", "nope"]),
    ("inspect a missing folder", ["inspect", "folder:/does/not/exist"]),
    ("interpolate seeds that are no numbers", ["interpolate", "{img}", "--seeds", "a,b"]),
    ("style-mix a non-style model", ["style-mix", "{img}"]),
    ("report a missing run", ["report", "/does/not/exist"]),
    ("detect with nothing to do", ["detect"]),
    ("detect --real without --fake", ["detect", "--real", "images"]),
    ("augment an unknown table", ["augment", "nope", "--target", "x"]),
    # usage
    ("unknown command", ["frobnicate"]),
    ("unknown option", ["train", "--bogus-flag"]),
    ("missing argument", ["sample"]),
    ("unexpected argument", ["recipes", "extra"]),
    ("unknown top-level option", ["--bogus"]),
]


def make_files(work: Path) -> None:
    """The files and folders the invocations above name, created in the working folder."""
    from PIL import Image

    (work / "bad-syntax.yaml").write_text("steps: [1, 2\nlr_g: 0.1\n")
    (work / "python-tag.yaml").write_text("steps: !!python/object/apply:os.system ['echo pwned']\n")
    (work / "list.yaml").write_text("- steps\n- 2\n")
    (work / "unknown-key.yaml").write_text("bogus: 1\n")
    (work / "not-utf8.yaml").write_bytes(b"steps: \xff\xfe\n")
    (work / "afile").write_text("not a folder\n")
    (work / "notes.txt").write_text("hello\n")
    (work / "empty").mkdir()
    (work / "images").mkdir()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(work / "images" / "red.png")
    Image.new("RGB", (8, 8), (10, 200, 10)).save(work / "img.png")
    (work / "loop").symlink_to("loop")
    (work / "bombs").mkdir()
    write_bomb_header(work / "bombs" / "bomb.png")
    (work / "fake").mkdir()
    (work / "fake" / "photo.png").write_text("not an image\n")


def _chunk(kind: bytes, data: bytes) -> bytes:
    import struct
    import zlib

    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def write_bomb_header(path: Path, side: int = 16000) -> None:
    """A PNG whose header claims side x side pixels in a few dozen bytes (a decompression bomb)."""
    import struct
    import zlib

    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(b"\0" * 64))
                     + _chunk(b"IEND", b""))


# ----------------------------------------------------------------------------- corrupt runs

def _truncate(name: str, keep: float = 0.5) -> Callable[[Path], None]:
    def apply(ckpt: Path) -> None:
        data = (ckpt / name).read_bytes()
        (ckpt / name).write_bytes(data[: int(len(data) * keep)])
    return apply


def _flip_byte(name: str) -> Callable[[Path], None]:
    def apply(ckpt: Path) -> None:
        data = bytearray((ckpt / name).read_bytes())
        data[len(data) // 2] ^= 0xFF
        (ckpt / name).write_bytes(bytes(data))
    return apply


def _replace(name: str, data: bytes) -> Callable[[Path], None]:
    def apply(ckpt: Path) -> None:
        (ckpt / name).write_bytes(data)
    return apply


def _delete(name: str) -> Callable[[Path], None]:
    def apply(ckpt: Path) -> None:
        (ckpt / name).unlink()
    return apply


class _Payload:
    """Unpickling this would run a shell command: ``weights_only`` loading must refuse it."""

    def __reduce__(self):
        return (__import__("os").system, ("echo pwned > pwned.txt",))


def _pickle_payload() -> bytes:
    import io

    import torch

    buf = io.BytesIO()
    torch.save({"step": 1, "payload": _Payload()}, buf)
    return buf.getvalue()


def _unguarded_nan_weights(ckpt: Path) -> None:
    """NaN weights with the manifest removed (no checksum vouches for the file)."""
    from safetensors.torch import load_file, save_file

    tensors = load_file(str(ckpt / "weights.safetensors"))
    first = next(k for k, v in tensors.items() if v.is_floating_point())
    tensors[first] = tensors[first] * float("nan")
    save_file(tensors, str(ckpt / "weights.safetensors"))
    (ckpt / "manifest.json").unlink()


CHECKPOINT_DAMAGE: Dict[str, Callable[[Path], None]] = {
    "weights.safetensors truncated": _truncate("weights.safetensors"),
    "weights.safetensors emptied": _replace("weights.safetensors", b""),
    "weights.safetensors one byte flipped": _flip_byte("weights.safetensors"),
    "weights.safetensors replaced by text": _replace("weights.safetensors", b"not safetensors at all"),
    "weights.safetensors deleted": _delete("weights.safetensors"),
    "weights.safetensors NaN, manifest gone": _unguarded_nan_weights,
    "state.pt truncated": _truncate("state.pt"),
    "state.pt a pickle payload weights_only refuses": _replace("state.pt", _pickle_payload()),
    "state.pt a plain pickle": _replace("state.pt", pickle.dumps({"step": 1})),
    "state.pt deleted": _delete("state.pt"),
    "manifest.json not JSON": _replace("manifest.json", b"{not json"),
    "manifest.json without files": _replace("manifest.json", json.dumps({"format": 1}).encode()),
}

# What is done to the run's own files (not its checkpoints).
RUN_DAMAGE: Dict[str, Callable[[Path], None]] = {
    "config.yaml a YAML syntax error": lambda run: (run / "config.yaml").write_text("steps: [1, 2\n"),
    "config.yaml a !!python tag": lambda run: (run / "config.yaml").write_text(
        "steps: !!python/object/apply:os.system ['echo pwned']\n"),
    "config.yaml an unknown key": lambda run: (run / "config.yaml").write_text(
        (run / "config.yaml").read_text() + "bogus: 1\n"),
    "config.yaml emptied": lambda run: (run / "config.yaml").write_text(""),
    "config.yaml deleted": lambda run: (run / "config.yaml").unlink(),
    "config.yaml a wider generator than the weights": lambda run: (run / "config.yaml").write_text(
        (run / "config.yaml").read_text().replace("width: 16", "width: 24")),
    "data.json not JSON": lambda run: (run / "data.json").write_text("{oops"),
    "data.json a list": lambda run: (run / "data.json").write_text("[1, 2]"),
    "data.json deleted": lambda run: (run / "data.json").unlink(),
    "data.json another data shape": lambda run: (run / "data.json").write_text(
        (run / "data.json").read_text().replace("2", "3", 1)),
    "no checkpoints folder": lambda run: __import__("shutil").rmtree(run / "checkpoints"),
}

# How a corrupt run is used (``{run}`` is the damaged copy; outputs go to the working folder).
USES: Dict[str, List[str]] = {
    "sample": ["sample", "{run}", "-n", "4", "--out", "s.npy"],
    "eval": ["eval", "{run}", "--metrics", "modes", "-n", "50"],
    "export": ["export", "{run}", "--out", "model"],
    "resume": ["train", "--resume", "{run}", "steps=3"],
}


def corrupt_cases() -> List[Tuple[str, str, str]]:
    """(damage, where: "every checkpoint" or "run", use) for the parametrized test."""
    cases = [(damage, "every checkpoint", use) for damage in CHECKPOINT_DAMAGE for use in USES]
    # train --resume rewrites data.json from the data itself: a damaged one is repaired, not refused
    cases += [(damage, "run", use) for damage in RUN_DAMAGE for use in USES
              if not (use == "resume" and damage.startswith("data.json"))]
    return cases


def damage_run(run: Path, damage: str, where: str) -> None:
    if where == "every checkpoint":
        for ckpt in sorted((run / "checkpoints").glob("step-*")):
            CHECKPOINT_DAMAGE[damage](ckpt)
    else:
        RUN_DAMAGE[damage](run)
