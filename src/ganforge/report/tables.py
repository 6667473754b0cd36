"""Per-column histograms, real vs synthetic, for table runs whose samples are DataFrames."""
from __future__ import annotations

from typing import List

from markupsafe import Markup

from .figures import PALETTE, figure, legend, themed, to_svg

MAX_CATEGORIES = 12


def column_panel(name: str, fake, real=None, width: int = 300, height: int = 220) -> Markup:
    """One column: overlaid density histograms (numbers) or side-by-side frequencies (categories)."""
    with themed():
        fig = figure(width, height)
        ax = fig.add_subplot()
        fake = fake.dropna()
        real = real.dropna() if real is not None else None
        if fake.dtype.kind in "biuf":
            both = [fake.astype(float)] + ([real.astype(float)] if real is not None else [])
            lo, hi = min(s.min() for s in both), max(s.max() for s in both)
            bins = 24 if hi > lo else 1
            for series, label, color in zip(both, ("synthetic", "real"), PALETTE):
                ax.hist(series, bins=bins, range=(lo, hi) if hi > lo else None, density=True, alpha=0.55,
                        color=color, label=label)
        else:
            fake_freq = fake.astype(str).value_counts(normalize=True)
            real_freq = real.astype(str).value_counts(normalize=True) if real is not None else None
            cats = list(fake_freq.index.union(real_freq.index) if real_freq is not None else fake_freq.index)
            cats = sorted(cats, key=lambda c: -(real_freq if real_freq is not None else fake_freq).get(c, 0.0))
            cats = cats[:MAX_CATEGORIES]
            pos = range(len(cats))
            ax.bar([p - 0.2 for p in pos], [fake_freq.get(c, 0.0) for c in cats], width=0.4, label="synthetic",
                   color=PALETTE[0])
            if real_freq is not None:
                ax.bar([p + 0.2 for p in pos], [real_freq.get(c, 0.0) for c in cats], width=0.4, label="real",
                       color=PALETTE[1])
            ax.set_xticks(list(pos))
            ax.set_xticklabels([c if len(c) <= 10 else c[:9] + "…" for c in cats], rotation=30, ha="right")
            ax.set_ylabel("share")
        ax.set_title(str(name), loc="left")
        legend(ax)
        return to_svg(fig, f"column {name}: synthetic vs real")


def column_panels(synthetic, real=None, max_columns: int = 16) -> List[Markup]:
    """``synthetic``/``real``: pandas DataFrames with the same columns -> one SVG per column."""
    columns = list(synthetic.columns)[:max_columns]
    have = set(real.columns) if real is not None else set()
    return [column_panel(c, synthetic[c], real[c] if c in have else None) for c in columns]

