"""Short runs of the restoration recipes reach what benchmarks/restoration.py measured (slow).

The full recipes (2,000 steps) are measured in docs/restoration.md; 800 steps already clear these
bars on the held-out faces with fixed masks and noise."""
import pytest
import torch

import ganforge
from ganforge.data import load_dataset
from ganforge.translate.inpaint import InpaintModel
from ganforge.translate.restore import heldout_cases, restoration_scores

SHORT = ["steps=800", "progress=false", "report=false"]


def scores(run, kind, per_image=4):
    model = InpaintModel(run)
    faces = load_dataset("faces", 32, split="test")
    clean, inputs, masks = heldout_cases(faces.get(torch.arange(len(faces)))[0], kind, per_image, model.noise_sigma)
    return {row["method"]: row for row in restoration_scores(model, clean, inputs, masks, model.noise_sigma)}


@pytest.mark.slow
def test_inpaint_faces_fills_heldout_holes(tmp_path):
    run = ganforge.train("inpaint-faces", out=tmp_path / "run", overrides=SHORT)
    box, free = scores(run, "box"), scores(run, "freeform")
    assert box["model"]["hole_psnr"] > box["biharmonic (scikit-image)"]["hole_psnr"]
    assert free["model"]["hole_psnr"] > free["mean fill"]["hole_psnr"] + 4.0


@pytest.mark.slow
def test_denoise_faces_beats_classical_denoisers(tmp_path):
    run = ganforge.train("denoise-faces", out=tmp_path / "run", overrides=SHORT)
    rows = scores(run, "none", per_image=2)
    assert rows["model"]["psnr"] > rows["noisy input"]["psnr"] + 4.0
    assert rows["model"]["psnr"] > rows["non-local means"]["psnr"]
