"""Text metrics on generated strings (samples (N, L, V) one-hot, decoded up to the end symbol).

* ``words``: ``real_words``, the share of generated strings that are dictionary words (the
  data's whole word list, any length); ``novel``, the share not in the training list;
  ``novel_real_words``, the share that are real words the generator never saw (held-out words,
  or dictionary words outside the training lengths): invention rather than copying;
  ``unique``, distinct strings over strings generated (diversity; 1/N for a collapsed G).
* ``ngrams``: Jensen-Shannon divergence in bits between the character n-gram distributions of
  the generated strings and of the training words, n = 1..4 (``js_1`` .. ``js_4``; 0 = same
  distribution, 1 = disjoint), as monitored by Gulrajani et al. (2017).
  Reference: github.com/igul222/improved_wgan_training, language_helpers.py (NgramLanguageModel.js_with);
  n-grams are counted within each string, without the padding.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Any, Dict, FrozenSet, Iterable

import numpy as np

from ..data.text import decode
from ..errors import ConfigError
from .specs import MetricInputs, register_metric

NGRAM_ORDERS = (1, 2, 3, 4)


def ngram_counts(strings: Iterable[str], n: int) -> Counter:
    """Counts of the character n-grams inside each string."""
    return Counter(s[i:i + n] for s in strings for i in range(len(s) - n + 1))


def js_divergence(p: Counter, q: Counter) -> float:
    """Jensen-Shannon divergence (bits) between two count tables; 1.0 when either is empty."""
    tp, tq = sum(p.values()), sum(q.values())
    if not tp or not tq:
        return 1.0
    keys = list(set(p) | set(q))
    a = np.array([p.get(k, 0) for k in keys], np.float64) / tp
    b = np.array([q.get(k, 0) for k in keys], np.float64) / tq
    m = (a + b) / 2

    def kl(x: np.ndarray) -> float:
        nz = x > 0
        return float(np.sum(x[nz] * np.log2(x[nz] / m[nz])))

    return 0.5 * (kl(a) + kl(b))


@lru_cache(maxsize=8)
def _real_counts(words: FrozenSet[str], n: int) -> Counter:
    return ngram_counts(words, n)


def word_stats(strings, train: FrozenSet[str], dictionary: FrozenSet[str]) -> Dict[str, float]:
    """``real_words``, ``novel``, ``novel_real_words`` and ``unique`` of generated strings."""
    strings = list(strings)
    n = max(len(strings), 1)
    real = [s in dictionary for s in strings]
    novel = [s not in train for s in strings]
    return {"real_words": sum(real) / n, "novel": sum(novel) / n,
            "novel_real_words": sum(r and v for r, v in zip(real, novel)) / n,
            "unique": len(set(strings)) / n}


def ngram_stats(strings, train: FrozenSet[str]) -> Dict[str, float]:
    """``js_1`` .. ``js_4`` of generated strings against the training words."""
    return {f"js_{n}": js_divergence(ngram_counts(strings, n), _real_counts(frozenset(train), n)) for n in NGRAM_ORDERS}


def _context(opt: Dict[str, Any], name: str) -> Dict[str, Any]:
    ctx = opt.get("context") or {}
    if "train_words" not in ctx:
        raise ConfigError(f"metric '{name}' needs text data (data=words or data=wordlist:PATH)")
    return ctx


def _decoder(name: str):
    def collector(opt: Dict[str, Any], device):
        vocab = _context(opt, name)["vocab"]
        return lambda x: np.asarray(decode(x, vocab), dtype=object)

    return collector


@register_metric("words", ["real_words", "novel", "novel_real_words", "unique"],
                 "share of real, novel and novel real words; distinct share", _decoder("words"),
                 {"real_words": "max", "novel_real_words": "max", "unique": "max"})
def _words(inp: MetricInputs, opt: Dict[str, Any]) -> Dict[str, float]:
    ctx = _context(opt, "words")
    return word_stats(inp.collected["words"], ctx["train_words"], ctx["dictionary"])


@register_metric("ngrams", [f"js_{n}" for n in NGRAM_ORDERS],
                 "Jensen-Shannon divergence of character n-grams (n=1..4) to the training words",
                 _decoder("ngrams"), {f"js_{n}": "min" for n in NGRAM_ORDERS})
def _ngrams(inp: MetricInputs, opt: Dict[str, Any]) -> Dict[str, float]:
    return ngram_stats(inp.collected["ngrams"], _context(opt, "ngrams")["train_words"])
