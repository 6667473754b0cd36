"""Text runs: generated strings (seed 0) marked as real words, real words the generator never
saw, or copies of training words, with the ``words`` scores of a larger draw."""
from __future__ import annotations

from typing import Any, Dict, List

from markupsafe import Markup, escape

from ...data.text import decode
from ...metrics.text import word_stats
from .base import KindInput, register_kind

SCORED = 1000  # strings behind the headline shares
SHOWN = 64
SUMMARY_SHOWN = 24
REAL = 32


def tagged(strings: List[str], train, dictionary) -> List[Dict[str, str]]:
    """{"text", "tag"}: tag "real" (a dictionary word not in training), "seen" (a training word)
    or "" (not a word)."""
    return [{"text": s or "(empty)", "tag": "seen" if s in train else "real" if s in dictionary else ""}
            for s in strings]


def word_list_html(items: List[Dict[str, str]], caption: str) -> Markup:
    """A figure-ready block: the strings in columns and a caption (for the summary card)."""
    rows = "".join(f'<li class="{i["tag"]}">{escape(i["text"])}</li>' for i in items)
    return Markup(f'<ul class="words" aria-label="{escape(caption)}">{rows}</ul><figcaption>{escape(caption)}'
                  "</figcaption>")


@register_kind("text", "Strings", lambda gen: gen.kind == "text")
def text(inp: KindInput) -> Dict[str, Any]:
    gen = inp.gen
    ctx = inp.dataset.metric_context()
    vocab, train, dictionary = ctx["vocab"], ctx["train_words"], ctx["dictionary"]
    strings = decode(gen.sample(SCORED, seed=0), vocab)
    stats = word_stats(strings, train, dictionary)
    shown = tagged(strings[:SHOWN], train, dictionary)
    training = sorted(train)
    step = max(len(training) // REAL, 1)
    real = [{"text": w, "tag": "seen"} for w in training[::step][:REAL]]
    headline = [("real words", f"{stats['real_words']:.0%}"), ("real, never seen", f"{stats['novel_real_words']:.0%}"),
                ("unique", f"{stats['unique']:.0%}")]
    return {"generated": [word_list_html(shown[:SUMMARY_SHOWN], "generated (seed 0); bold: real words never seen")],
            "real": [word_list_html(real[:SUMMARY_SHOWN], "training words")], "shown": shown, "training": real,
            "stats": stats, "scored": SCORED, "headline": headline,
            "headline_title": f"share of {SCORED:,} strings",
            "note": f"{SUMMARY_SHOWN} of {SCORED:,} generated strings (seed 0)"}
