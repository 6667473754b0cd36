"""Matplotlib figures as inline SVG that follows the page's light or dark theme.

Figures are drawn at the size they are shown (1 SVG unit = 1 CSS pixel), so a 12-point font
reads as 12 px on screen. Text, axes and grid are drawn in sentinel colours that are swapped for
the page's CSS variables (``--fg``, ``--muted``, ``--grid``, ``--bg``), so the same figure is
legible on a white and a dark background; series use a palette of mid tones that read on both.
"""
from __future__ import annotations

import io
import itertools
import re
from contextlib import contextmanager
from typing import Iterator, Sequence

from markupsafe import Markup

from .embed import pyplot

# Mid-tone series colours, distinguishable on white and on near-black.
PALETTE = ("#4e79d6", "#e8803a", "#3fae72", "#d64e72", "#8f6bd6", "#c9a227", "#39a8b8", "#9c8a6e")
MARKER_BELOW = 40  # series with fewer points get markers, so a short run's curves are visible
FONT = 12  # px on screen; ticks and legends one smaller, titles one larger

_SENTINELS = {"#0a0a0b": "var(--fg)", "#0a0a0c": "var(--muted)", "#0a0a0d": "var(--grid)", "#0a0a0e": "var(--bg)"}
_FG, _MUTED, _GRID, _BG = _SENTINELS
_ids = itertools.count()


def _rc() -> dict:
    return {"svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": FONT, "axes.titlesize": FONT + 1,
            "axes.labelsize": FONT, "xtick.labelsize": FONT - 1, "ytick.labelsize": FONT - 1,
            "legend.fontsize": FONT - 1, "legend.title_fontsize": FONT - 1, "text.color": _FG,
            "axes.labelcolor": _FG, "axes.titlecolor": _FG, "xtick.color": _MUTED, "ytick.color": _MUTED,
            "xtick.labelcolor": _FG, "ytick.labelcolor": _FG, "axes.edgecolor": _MUTED, "grid.color": _GRID,
            "axes.grid": True, "grid.linewidth": 0.8, "axes.facecolor": "none", "figure.facecolor": "none",
            "savefig.facecolor": "none", "legend.facecolor": _BG, "legend.edgecolor": _GRID,
            "legend.framealpha": 0.85, "axes.spines.top": False, "axes.spines.right": False,
            "axes.prop_cycle": pyplot().cycler(color=PALETTE), "lines.linewidth": 1.6, "figure.dpi": 72,
            "savefig.dpi": 72}


@contextmanager
def themed() -> Iterator[object]:
    """A matplotlib style context for report figures; yields ``matplotlib.pyplot``."""
    plt = pyplot()
    with plt.rc_context(_rc()):
        plt.rcParams["svg.hashsalt"] = f"gf{next(_ids)}"  # ids unique across the figures of one page
        yield plt


def figure(width_px: float, height_px: float):
    """A new figure of ``width_px`` x ``height_px`` CSS pixels (call inside :func:`themed`)."""
    return pyplot().figure(figsize=(width_px / 72, height_px / 72))


def to_svg(fig, label: str) -> Markup:
    """Close ``fig`` and return it as an inline ``<svg>`` element (theme colours, no metadata)."""
    plt = pyplot()
    buf = io.StringIO()
    fig.tight_layout()
    fig.savefig(buf, format="svg")
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'width="([\d.]+)pt" height="([\d.]+)pt"',
                 lambda m: f'width="{float(m[1]):.0f}" height="{float(m[2]):.0f}" role="img"', svg, count=1)
    svg = svg.replace("<svg ", f'<svg aria-label="{_attr(label)}" class="chart" ', 1)
    for sentinel, var in _SENTINELS.items():
        svg = svg.replace(sentinel, var)
    svg = svg.replace("'DejaVu Sans'", "'DejaVu Sans', Verdana, sans-serif")
    return Markup(svg)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def line_style(n_points: int) -> dict:
    """Matplotlib keywords for a series of ``n_points``: markers when there are few."""
    return {"marker": "o", "markersize": 4.5} if n_points < MARKER_BELOW else {}


def legend(ax, handles: Sequence = ()) -> None:
    if handles or ax.get_legend_handles_labels()[0]:
        ax.legend(loc="best", handlelength=1.6, borderaxespad=0.4)
