"""Input / output / target examples of image-to-image runs (pix2pix, CycleGAN, super-resolution)
for the report, scored with PSNR/SSIM where a ground truth exists. Examples come from the
dataset's held-out split (``split=test``) when it has one, else from the training data."""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Tuple

import torch
import torch.nn.functional as F

from ..data import DATASETS, Dataset, load_dataset
from ..data.superres import bicubic_upscale
from ..objectives import OBJECTIVES
from ..objectives.i2i import TranslationObjective
from ..translate.apply import ImageModel
from ..translate.quality import SSIM_WINDOW, cycle_error, psnr, quantize, ssim

Tensor = torch.Tensor


@dataclass
class Panel:
    """One captioned image (C, H, W) in [-1, 1], with its scores against the target when known."""

    label: str
    image: Tensor
    psnr: Optional[float] = None
    ssim: Optional[float] = None
    cycle_error: Optional[float] = None


def is_translation_run(cfg) -> bool:
    """True for runs of an image-to-image objective: their generator maps images, not noise."""

    factory = OBJECTIVES.get(cfg.objective.name)
    return isinstance(factory, type) and issubclass(factory, TranslationObjective)


def example_data(cfg) -> Tuple[Dataset, str]:
    """(dataset, "held-out" or "training"): the test split when the run's data has one."""
    options = dict(cfg.data_options)
    accepted = {o.name for o in DATASETS.options(cfg.data.partition(":")[0])}
    if "split" in accepted and options.get("split", "train") != "test":
        return load_dataset(cfg.data, cfg.image_size, **{**options, "split": "test"}), "held-out"
    return load_dataset(cfg.data, cfg.image_size, **options), "training"


def _scored(label: str, out: Tensor, target: Optional[Tensor]) -> List[Panel]:
    """One panel per image of ``out``, scored as saved (8-bit) against ``target`` when given."""
    out = quantize(out)
    if target is None:
        return [Panel(label, o) for o in out]
    p = psnr(out, target).tolist()
    s = ssim(out, target).tolist() if min(out.shape[-2:]) >= SSIM_WINDOW else [None] * len(out)
    return [Panel(label, o, pi, si) for o, pi, si in zip(out, p, s)]


def _plain(label: str, images: Tensor) -> List[Panel]:
    return [Panel(label, x) for x in images]


def _rows(*columns: List[Panel]) -> List[List[Panel]]:
    return [list(row) for row in zip(*columns)]


def translation_examples(gen, dataset: Dataset, n: int = 6) -> List[List[Panel]]:
    """Rows of panels for ``n`` examples: input | output | target (pix2pix); input | bicubic |
    output | target (super-resolution, the input shown with nearest up-scaling); for CycleGAN
    A | A->B | A->B->A (| true B) and B | B->A | B->A->B (| true A), n/2 of each, the target
    column only when the data has ground-truth pairs."""

    directions = getattr(gen.net, "directions", ("AtoB",))
    paired = dataset.info().get("task") == "paired"
    if len(directions) > 1:
        ab, ba = ImageModel(gen, "AtoB"), ImageModel(gen, "BtoA")
        a, b = dataset.fixed_batch(max(1, (n + 1) // 2))
        rows: List[List[Panel]] = []
        for src, there, back, truth, name in ((a, ab, ba, b, "A->B"), (b, ba, ab, a, "B->A")):
            out = there(src)
            cycle_panels = _plain(f"{name}->{name[0]}", back(out))
            for panel, err in zip(cycle_panels, cycle_error(there, back, src).tolist()):
                panel.cycle_error = err
            columns = [_plain(name[0], src), _scored(name, out, truth if paired else None), cycle_panels]
            rows += _rows(*columns, *([_plain(f"true {name[-1]}", truth)] if paired else []))
        return rows
    model = ImageModel(gen)
    inputs, targets = dataset.fixed_batch(n)
    outputs = model(inputs)
    if model.scale == 1:
        return _rows(_plain("input", inputs), _scored("output", outputs, targets), _plain("target", targets))
    shown = F.interpolate(inputs, scale_factor=model.scale, mode="nearest")  # LR pixels as blocks
    return _rows(_plain(f"input (nearest x{model.scale})", shown),
                 _scored("bicubic", bicubic_upscale(inputs, model.scale), targets),
                 _scored("output", outputs, targets), _plain("target", targets))
