"""``words``: English words as character sequences, from the word lists that ship with the
``english-words`` package (GCIDE or Webster's 2nd; nothing downloads), installed by the
``text`` extra (``pip install 'ganforge[text]'``).

A word of at most ``max_len`` lowercase letters becomes ``max_len`` character ids, padded with
the end symbol (id 0, shown as "."): "cat" -> c a t . . . . . for max_len 8. Samples are one-hot
(N, max_len, 27) floats, the form a discriminator reads and a relaxed generator writes.
A fixed ``holdout`` share of the words (drawn from ``seed``) is kept out of training, so the
metrics can tell a generator that invents real words it never saw from one that copies.
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import ClassVar, Dict, FrozenSet, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F

from ..errors import ConfigError, DataError
from ..extras import require
from .dataset import Dataset
from .registry import DATASETS

Tensor = torch.Tensor
END = "."
LETTERS = string.ascii_lowercase
SOURCES = ("gcide", "web2")


def letters_vocab() -> Tuple[str, ...]:
    """The end symbol (id 0) then a..z."""
    return (END,) + tuple(LETTERS)


def encode(words: Sequence[str], vocab: Sequence[str], max_len: int) -> np.ndarray:
    """Words -> uint8 ids (N, max_len), padded with the end symbol."""
    index = {c: i for i, c in enumerate(vocab)}
    out = np.zeros((len(words), max_len), np.uint8)
    for row, word in enumerate(words):
        out[row, :len(word)] = [index[c] for c in word]
    return out


def decode(samples: Tensor, vocab: Sequence[str]) -> List[str]:
    """(N, L) ids or (N, L, V) one-hots/probabilities (arg-max per position) -> strings, each
    read up to its first end symbol."""
    ids = samples.argmax(-1) if samples.dim() == 3 else samples
    out = []
    for row in ids.long().cpu().tolist():
        end = row.index(0) if 0 in row else len(row)
        out.append("".join(vocab[i] for i in row[:end]))
    return out


@lru_cache(maxsize=4)
def word_list(source: str) -> FrozenSet[str]:
    """Every word of an english-words list ('gcide' or 'web2') made of the letters a-z alone
    (its 'alpha' lists still hold a few words with digits)."""
    english_words = require("english_words", "text", "data=words")
    letters = set(LETTERS)
    return frozenset(w for w in english_words.get_english_words_set([source], lower=True, alpha=True) if set(w) <= letters)


@dataclass
class TextDataset(Dataset):
    """Character ids ``x`` (uint8 N x L); samples are one-hot (L, V) floats.
    ``vocab`` lists the symbols (id 0: end); ``dictionary`` holds every real word, also the
    held-out ones and those too long to train on (for the metrics)."""

    vocab: Tuple[str, ...] = ()
    dictionary: FrozenSet[str] = frozenset()
    heldout: Tuple[str, ...] = ()
    default_extractor: ClassVar[str] = "raw"

    @property
    def kind(self) -> str:
        return "text"

    @property
    def shape(self) -> Tuple[int, ...]:
        return (int(self.x.shape[1]), len(self.vocab))

    def get(self, index: Tensor) -> Tuple[Tensor, Optional[Tensor]]:
        """Rows ``index`` -> (one-hot (n, L, V) float32, None)."""
        return F.one_hot(self.x[index].long(), len(self.vocab)).float(), None

    def words(self) -> List[str]:
        return decode(self.x, self.vocab)

    def metric_context(self) -> Dict[str, object]:
        return {"vocab": self.vocab, "train_words": frozenset(self.words()), "dictionary": self.dictionary,
                "heldout": frozenset(self.heldout)}

    def info(self) -> Dict[str, object]:
        return {**super().info(), "vocab": list(self.vocab), "max_len": int(self.x.shape[1])}


def text_dataset(name: str, words: Sequence[str], dictionary: FrozenSet[str], max_len: int, holdout: float,
                 seed: int) -> TextDataset:
    """Split ``words`` into training and held-out words and encode the training ones."""
    if not 0 <= holdout < 1:
        raise ConfigError(f"data_options.holdout must be in [0, 1), got {holdout}")
    words = sorted(set(words))
    order = np.random.default_rng(seed).permutation(len(words))
    cut = int(round(holdout * len(words)))
    heldout = tuple(sorted(words[i] for i in order[:cut]))
    train = [words[i] for i in sorted(order[cut:])]
    if not train:
        raise DataError(f"'{name}' has no training words left after holding out {holdout:.0%}")
    return TextDataset(name, torch.from_numpy(encode(train, letters_vocab(), max_len)), vocab=letters_vocab(),
                       dictionary=dictionary, heldout=heldout)


@DATASETS.register("words")
def words(arg: str = "", image_size: int = 32, source: str = "gcide", min_len: int = 3, max_len: int = 8,
          holdout: float = 0.1, seed: int = 0) -> TextDataset:
    """English words from the english-words package.

    Args:
        source: gcide (the GNU Collaborative International Dictionary, 114k words) or web2
            (Webster's 2nd International, 234k).
        min_len: shortest word kept, in letters.
        max_len: longest word kept; also the sequence length.
        holdout: share of the kept words left out of training (drawn from ``seed``).
        seed: draws the held-out words.
    """
    if source not in SOURCES:
        raise ConfigError(f"data_options.source must be one of {', '.join(SOURCES)}, got '{source}'")
    if not 1 <= min_len <= max_len <= 32:
        raise ConfigError(f"need 1 <= data_options.min_len <= data_options.max_len <= 32, got {min_len} and {max_len}")
    dictionary = word_list(source)
    kept = [w for w in dictionary if min_len <= len(w) <= max_len]
    return text_dataset(f"words-{source}", kept, dictionary, max_len, holdout, seed)


@DATASETS.register("wordlist")
def wordlist(arg: str = "", image_size: int = 32, max_len: int = 12, holdout: float = 0.1,
             seed: int = 0) -> TextDataset:
    """Your own list: ``data=wordlist:PATH``, a UTF-8 text file with one lowercase a-z string per
    line (names, words); blank lines are ignored.

    Args:
        max_len: longest string kept; longer lines stop the run with their line number.
        holdout: share of the strings left out of training (drawn from ``seed``).
        seed: draws the held-out strings.
    """
    if not arg:
        raise ConfigError("data=wordlist needs a path: data=wordlist:PATH (one string per line)")
    path = Path(arg).expanduser()
    if not path.is_file():
        raise DataError(f"word list '{path}' does not exist; pass data=wordlist:PATH with a text file")
    lines = [line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines()]
    for number, line in enumerate(lines, 1):
        if line and (len(line) > max_len or not set(line) <= set(LETTERS)):
            raise DataError(f"{path}:{number}: '{line[:40]}' is not 1..{max_len} letters a-z; fix the line or "
                            "raise data_options.max_len")
    kept = [line for line in lines if line]
    return text_dataset(f"wordlist-{path.stem}", kept, frozenset(kept), max_len, holdout, seed)
