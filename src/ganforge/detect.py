"""Telling generated images from real ones: train a real-vs-generated detector for a run (or for a
folder of generated images against a folder of real ones) with the classifier two-sample test,
save it, and score image files with a saved detector."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch

from .data import load_dataset
from .data.folder import IMAGE_SUFFIXES
from .data.transforms import fit_square, to_mode
from .data.translation import open_image
from .errors import ConfigError
from .metrics.c2st import C2STResult, classifier_two_sample_test
from .metrics.detector import load_detector, save_detector

if TYPE_CHECKING:
    from .generator import Generator

Tensor = torch.Tensor
REPORT = "detect.json"


def verdict(auc: float) -> str:
    """One line for people on what a held-out ROC AUC means."""
    if auc < 0.55:
        return "the detector cannot tell generated from real (chance level)"
    if auc < 0.75:
        return "generated items are somewhat distinguishable from real ones"
    if auc < 0.95:
        return "most generated items are distinguishable from real ones"
    return "the detector tells generated from real almost always"


def _real_items(gen: "Generator") -> Tensor:
    cfg = gen.cfg
    data = load_dataset(cfg.data, cfg.image_size, **cfg.data_options)
    return data.x if data.x.dim() == 4 else data.get(torch.arange(len(data)))[0]


def detect_run(gen: "Generator", n: int = 2000, seed: int = 0, **options: Any) -> Tuple[C2STResult, Dict[str, Any]]:
    """Classifier two-sample test of ``gen``'s samples (n, drawn from ``seed``) against its run's
    training data. ``options`` go to :func:`classifier_two_sample_test` (width, epochs, ...).
    Returns the result and a JSON-friendly description of what was compared."""
    if gen.kind == "table":
        raise ConfigError("table runs are measured by ganforge eval (fidelity, ML efficacy, privacy); "
                          "detect works on image and vector runs")
    if getattr(gen.net, "input_kind", "latent") == "image":
        raise ConfigError("this run maps images to images; compare its outputs with real images by folder: "
                          "ganforge detect --real DIR --fake DIR --out DIR")
    fake = gen.sample(n, seed=seed)  # conditional runs: the classes cycle, close to the data's balance
    result = classifier_two_sample_test(_real_items(gen), fake, seed=seed, device=gen.device, **options)
    info = {"real": gen.cfg.data, "generated": str(gen.run_dir), "n_generated": n, "seed": seed}
    return result, info


def _folder_items(folder: Path, image_size: int, channels: int) -> Tensor:
    if not Path(folder).is_dir():
        raise ConfigError(f"image folder '{folder}' does not exist")
    return load_dataset(f"folder:{folder}", image_size, channels=channels).x


def detect_folders(real: Union[str, Path], fake: Union[str, Path], image_size: int = 32, channels: int = 3,
                   seed: int = 0, **options: Any) -> Tuple[C2STResult, Dict[str, Any]]:
    """Classifier two-sample test of the images in folder ``fake`` against those in ``real``, both
    resized and center-cropped to ``image_size`` with ``channels`` (1 or 3) channels."""
    if channels not in (1, 3):
        raise ConfigError(f"channels must be 1 or 3, got {channels}")
    result = classifier_two_sample_test(_folder_items(Path(real), image_size, channels),
                                        _folder_items(Path(fake), image_size, channels), seed=seed, **options)
    return result, {"real": str(real), "generated": str(fake), "seed": seed}


def save_result(result: C2STResult, info: Dict[str, Any], out: Union[str, Path]) -> Path:
    """The detector as ``out/config.json`` + ``out/model.safetensors`` (scores and provenance in
    the config), plus ``out/detect.json`` with the scores alone."""
    out = Path(out)
    scores = {**result.metrics(), "n_train": result.n_train, "n_test": result.n_test}
    save_detector(result.detector, out, {"trained_on": info, "heldout": scores})
    tmp = out / f".{REPORT}.tmp"
    tmp.write_text(json.dumps({**info, **scores}, indent=1))
    os.replace(tmp, out / REPORT)
    return out


def image_files(inputs: Sequence[Union[str, Path]]) -> List[Path]:
    """Image files named directly or found (recursively) in folders, in a stable order."""
    files: List[Path] = []
    for item in map(Path, inputs):
        if item.is_dir():
            files += sorted(p for p in item.rglob("*") if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        elif item.is_file():
            files.append(item)
        else:
            raise ConfigError(f"input '{item}' does not exist; pass image files or folders of images")
    if not files:
        raise ConfigError(f"no images found in {', '.join(map(str, inputs))}")
    return files


def score_images(model: Union[str, Path], inputs: Sequence[Union[str, Path]],
                 device: Optional[str] = None) -> List[Tuple[Path, float]]:
    """(file, P(generated)) for every image in ``inputs`` under the saved detector ``model``; each
    image is converted and resized (shorter side, center crop) to what the detector was trained on."""
    detector, config = load_detector(model, device or "cpu")
    shape = config["shape"]
    if len(shape) != 3:
        raise ConfigError(f"detector '{model}' judges vectors of {shape[0]} values, not image files")
    channels, size = int(shape[0]), int(shape[1])
    files = image_files(inputs)
    images = []
    for path in files:
        arr = fit_square(to_mode(open_image(path), channels), size)
        t = torch.from_numpy(np.array(arr))  # a writable copy
        images.append(t[None] if t.dim() == 2 else t.permute(2, 0, 1))
    x = torch.stack(images).float().div(127.5).sub(1.0)
    return list(zip(files, detector.probability(x).tolist()))
