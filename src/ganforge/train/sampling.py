"""The fixed latent batch drawn at every sample step, and writing its picture."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import torch

from ..images import save_grid, save_scatter
from ..media import media_writer
from ..nets.generate import generate
from .hooks import Record
from .plots import save_loss_curves
from .rundir import METRICS


@dataclass
class FixedBatch:
    """Latents (and labels cycling through the classes) drawn once from the run's seed, outside
    the training RNG stream, so sample grids are comparable across steps and resumes."""

    z: torch.Tensor
    labels: Optional[torch.Tensor]
    nrow: Optional[int]

    @classmethod
    def create(cls, cfg, dataset, objective, device) -> "FixedBatch":
        g = torch.Generator().manual_seed(cfg.seed + 12_345)
        n = cfg.num_samples
        z = torch.randn(n, cfg.z_dim, generator=g)
        inputs = objective.sample_inputs(dataset, n)  # source images for image-to-image objectives
        z = (z if inputs is None else inputs).to(device)
        k = getattr(objective, "num_classes", 0)
        labels = (torch.arange(n) % k).to(device) if k else None
        return cls(z, labels, k if k and k <= 16 else None)


def save_samples(view) -> None:
    """Write ``samples/step-00001000.png`` (the step in eight digits) from the EMA generator of a
    run (a TrainingView) and refresh the loss curves."""
    fixed, step, dataset, run_dir = view.fixed, view.step, view.dataset, view.run_dir
    out, nrow = view.objective.sample_panel(fixed.z, generate(view.sampler, fixed.z, fixed.labels))
    path = run_dir / "samples" / f"step-{step:08d}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = media_writer(dataset.kind)
    if writer is not None:  # videos, audio, text: an animated grid, spectrograms + WAV, a word list
        writer.panel(out.float().cpu(), path.with_suffix(""), dataset.info())
    elif out.dim() == 4:
        save_grid(out, path, nrow or fixed.nrow)
    elif out.shape[1] == 2:
        modes = dataset.modes
        save_scatter(out, path, modes[0] if modes else None, title=f"step {step}")
    if path.exists():
        view.request(Record(image=path, tag="samples"))
    if view.cfg.plots:  # plots=false: no loss-curve figure (matplotlib alone costs 1-2 CPU s)
        save_loss_curves(run_dir / METRICS, run_dir / "loss_curves.png")
