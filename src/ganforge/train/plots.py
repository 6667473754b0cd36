"""Loss-curve plot from ``metrics.jsonl``."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List

from .runlog import read_metrics

PANELS = (("losses", ("loss_d", "loss_g")), ("D(real) / D(fake)", ("d_real", "d_fake")),
          ("gradient norms", ("grad_norm_d", "grad_norm_g")))


def save_loss_curves(metrics_path: Path, out: Path) -> bool:
    """Plot losses, D outputs and gradient norms against step; False when nothing is logged yet."""
    rows = [r for r in read_metrics(metrics_path) if "loss_d" in r]
    if not rows:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(PANELS), figsize=(4 * len(PANELS), 3), dpi=100)
    for ax, (title, keys) in zip(axes, PANELS):
        for key in keys:
            series: Dict[str, List[float]] = {"x": [], "y": []}
            for r in rows:
                if isinstance(r.get(key), (int, float)):
                    series["x"].append(r["step"])
                    series["y"].append(r[key])
            ax.plot(series["x"], series["y"], label=key, linewidth=1)
        ax.set_title(title)
        ax.set_xlabel("step")
        ax.legend(fontsize=7)
    fig.tight_layout()
    tmp = Path(str(out) + ".tmp")
    fig.savefig(tmp, format="png")
    plt.close(fig)
    tmp.replace(out)
    return True
