"""Per-column histograms, real vs synthetic, for table runs whose samples are DataFrames."""
from __future__ import annotations

from typing import Optional

from .embed import figure_uri, panel_grid


def column_histograms(synthetic, real=None, max_columns: int = 16) -> Optional[str]:
    """``synthetic``/``real``: pandas DataFrames with the same columns -> data URI, or None."""
    columns = list(synthetic.columns)[:max_columns]
    if not columns:
        return None
    fig, axes = panel_grid(len(columns), 3.2, 2.4, dpi=90)
    for ax, name in zip(axes.flat, columns):
        fake = synthetic[name].dropna()
        have_real = real is not None and name in real.columns
        if fake.dtype.kind in "biuf":
            data = [fake.astype(float)] + ([real[name].dropna().astype(float)] if have_real else [])
            labels = ["synthetic"] + (["real"] if have_real else [])
            ax.hist(data, bins=20, density=True, label=labels, alpha=0.7)
        else:
            fake_freq = fake.astype(str).value_counts(normalize=True)
            real_freq = real[name].dropna().astype(str).value_counts(normalize=True) if have_real else None
            cats = list(fake_freq.index.union(real_freq.index) if real_freq is not None else fake_freq.index)[:20]
            pos = range(len(cats))
            ax.bar([p - 0.2 for p in pos], [fake_freq.get(c, 0.0) for c in cats], width=0.4, label="synthetic")
            if real_freq is not None:
                ax.bar([p + 0.2 for p in pos], [real_freq.get(c, 0.0) for c in cats], width=0.4, label="real")
            ax.set_xticks(list(pos))
            ax.set_xticklabels(cats, rotation=45, fontsize=6)
        ax.set_title(str(name), fontsize=9)
        ax.legend(fontsize=6)
    for ax in list(axes.flat)[len(columns):]:
        ax.axis("off")
    return figure_uri(fig)
