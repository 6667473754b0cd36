"""``audio:PATH`` (and ``folder:PATH`` holding sound files): your own recordings.

Every WAV/FLAC/OGG/AIFF file under PATH (class subfolders become labels, as for images) is read
with soundfile, mixed down to mono, resampled to ``sample_rate`` (polyphase, scipy) and cut into
consecutive slices of ``length`` samples, the last one zero-padded, as WaveGAN's loader does
with ``--data_pad_end``; ``first_slice`` keeps only each file's first slice. Decoded clips are
cached under $GANFORGE_CACHE, so later runs never decode again. Unreadable files are skipped and
counted.
"""
from __future__ import annotations

import hashlib
import sys
from fractions import Fraction
from pathlib import Path
from typing import List, Tuple

import numpy as np
import torch

from ..cache import cached_arrays
from ..errors import ConfigError, DataError
from .audio import AudioDataset
from .scan import scan_labelled
from .registry import DATASETS

AUDIO_SUFFIXES = {".wav", ".flac", ".ogg", ".aiff", ".aif", ".mp3"}


def _sounds_in(folder: Path) -> List[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES)


def holds_audio(root: Path) -> bool:
    """Whether ``root`` (or one of its subfolders) holds sound files: ``folder:`` then reads them as audio."""
    return root.is_dir() and (bool(_sounds_in(root)) or any(d.is_dir() and _sounds_in(d) for d in root.iterdir()))


def scan_sounds(root: Path) -> Tuple[List[Path], List[int], Tuple[str, ...]]:
    """Sound files and labels; subfolders holding sound files are classes (sorted by name)."""
    if not root.is_dir():
        raise DataError(f"audio folder '{root}' does not exist; pass data=audio:PATH with a folder of WAV files")
    files, labels, classes = scan_labelled(root, _sounds_in)
    if not files:
        raise DataError(f"audio folder '{root}' holds no sound files ({', '.join(sorted(AUDIO_SUFFIXES))}); "
                        "put them in it or in one subfolder per class")
    return files, labels, classes


def read_mono(path: Path, sample_rate: int) -> np.ndarray:
    """One file -> float32 mono samples at ``sample_rate``."""
    import soundfile
    from scipy.signal import resample_poly

    data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    wave = data.mean(axis=1)
    if rate != sample_rate:
        ratio = Fraction(sample_rate, rate).limit_denominator(1000)
        wave = resample_poly(wave, ratio.numerator, ratio.denominator).astype(np.float32)
    return wave


def slices(wave: np.ndarray, length: int, first_only: bool) -> np.ndarray:
    """Consecutive ``length``-sample slices (the last zero-padded): (k, length)."""
    count = 1 if first_only else max(1, -(-len(wave) // length))
    out = np.zeros((count, length), np.float32)
    for i in range(count):
        part = wave[i * length:(i + 1) * length]
        out[i, :len(part)] = part
    return out


def decode_sounds(root: Path, files: List[Path], labels: List[int], sample_rate: int, length: int,
                  first_slice: bool, normalize: bool):
    clips, ys, failures = [], [], []
    for i, path in enumerate(files):
        try:
            cut = slices(read_mono(path, sample_rate), length, first_slice)
        except (RuntimeError, ValueError, OSError) as err:  # soundfile raises RuntimeError (LibsndfileError)
            failures.append(f"{path.relative_to(root)}: {err}")
            continue
        if normalize:
            cut = cut / np.maximum(np.abs(cut).max(axis=1, keepdims=True), 1e-8)
        clips.append(cut)
        ys += [labels[i] if labels else 0] * len(cut)
    x = np.concatenate(clips) if clips else np.zeros((0, length), np.float32)
    return {"x": np.clip(x, -1, 1)[:, None], "y": np.asarray(ys, np.int64), "skipped": np.asarray([len(failures)]),
            "first_failure": np.frombuffer((failures[0] if failures else "").encode(), np.uint8)}


@DATASETS.register("audio")
def audio(arg: str = "", image_size: int = 32, sample_rate: int = 16000, length: int = 16384,
          first_slice: bool = False, normalize: bool = False) -> AudioDataset:
    """Sound files under a folder, as mono clips.

    Args:
        sample_rate: rate every file is resampled to, in Hz.
        length: samples per clip (16384 = 1.024 s at 16 kHz).
        first_slice: keep only the first slice of each file (WaveGAN's --data_first_slice).
        normalize: scale every clip to a peak of 1 (WaveGAN's --data_normalize).
    """
    if not arg:
        raise ConfigError("data=audio needs a path: data=audio:PATH (a folder of WAV files)")
    if sample_rate < 1000 or length < 16:
        raise ConfigError(f"audio needs sample_rate >= 1000 and length >= 16, got {sample_rate} and {length}")
    root = Path(arg).expanduser().resolve()
    files, labels, classes = scan_sounds(root)
    stamp = hashlib.sha1(repr((str(root), sample_rate, length, first_slice, normalize,
                               [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in files])).encode())
    arrays = cached_arrays(f"audio-{stamp.hexdigest()[:16]}", lambda: decode_sounds(
        root, files, labels, sample_rate, length, first_slice, normalize))
    skipped = int(arrays["skipped"][0])
    if skipped:
        print(f"ganforge: skipped {skipped} unreadable sound file(s) of {len(files)} in {root} "
              f"(first: {bytes(arrays['first_failure']).decode()})", file=sys.stderr)
    if len(arrays["x"]) == 0:
        raise DataError(f"no readable sound files in '{root}' ({skipped} unreadable); check the files")
    y = torch.from_numpy(np.asarray(arrays["y"])) if classes else None
    return AudioDataset(f"audio:{root}", torch.from_numpy(np.asarray(arrays["x"])), y, num_classes=len(classes),
                        class_names=classes, skipped=skipped, sample_rate=sample_rate)
