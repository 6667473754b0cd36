"""2-D and other vector runs: a scatter over the true modes, or per-dimension statistics."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import torch

from ..figures import figure, themed, to_svg
from ..numbers import sig
from .base import KindInput, register_kind

POINTS = 2000


def scatter(points: torch.Tensor, means: Optional[List[List[float]]], title: str, limits=None, size: int = 300):
    """Inline SVG scatter of N x 2 points (``size`` CSS pixels square), the mixture's means marked
    when known; returns (svg, (x limits, y limits)) so a second plot can share the axes."""
    with themed():
        fig = figure(size, size)
        ax = fig.add_subplot()
        pts = points.numpy()
        ax.scatter(pts[:, 0], pts[:, 1], s=4, alpha=0.45, linewidths=0, label="points", rasterized=len(pts) > 500)
        if means:
            m = torch.tensor(means).numpy()
            ax.scatter(m[:, 0], m[:, 1], marker="x", s=60, c="#d64e72", linewidths=1.8, label="true modes")
        if limits is not None:
            ax.set_xlim(*limits[0])
            ax.set_ylim(*limits[1])
        ax.set_aspect("equal")
        ax.set_title(title, loc="left")
        ax.legend(loc="upper right")
        return to_svg(fig, title), (ax.get_xlim(), ax.get_ylim())


@register_kind("points", "Samples", lambda gen: gen.kind == "vector", memorization=True)
def points(inp: KindInput) -> Dict[str, Any]:
    gen = inp.gen
    fake = gen.sample(POINTS, seed=0)
    means = (gen.info.get("modes") or {}).get("means")
    if fake.shape[1] != 2:
        stats = [(i, sig(c.mean()), sig(c.std())) for i, c in enumerate(fake.T[:32])]
        return {"generated": [], "real": [], "stats": stats, "dims": fake.shape[1]}
    real = inp.dataset.get(torch.randperm(len(inp.dataset), generator=torch.Generator().manual_seed(0))[:POINTS])[0]
    titles = f"generated ({POINTS:,} points, seed 0)", f"training data ({len(real):,} points)"
    real_svg, limits = scatter(real.float(), means, titles[1])
    fake_svg, _ = scatter(fake, means, titles[0], limits)
    large = [scatter(fake, means, titles[0], limits, 460)[0], scatter(real.float(), means, titles[1], limits, 460)[0]]
    return {"generated": [fake_svg], "real": [real_svg], "large": large, "stats": [], "dims": 2}
