"""Audio clips as WAV files (16-bit PCM through soundfile) and spectrogram grids for previews."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np
import torch

from ..data.audio_dsp import stft_db
from ..errors import ConfigError
from ..images import make_grid, save_png
from .registry import MEDIA, MediaWriter, atomic_bytes, write_array

PREVIEW_CLIPS = 8  # clips joined into the training-time preview WAV
GAP_S = 0.25  # silence between joined clips


def wav_bytes(wave: np.ndarray, sample_rate: int) -> bytes:
    """float samples in [-1, 1] (L,) -> 16-bit PCM WAV file contents."""
    import soundfile

    buf = io.BytesIO()
    soundfile.write(buf, np.clip(wave, -1, 1).astype(np.float32), int(sample_rate), subtype="PCM_16", format="WAV")
    return buf.getvalue()


def joined(clips: torch.Tensor, sample_rate: int, gap_s: float = GAP_S) -> np.ndarray:
    """(N, 1, L) clips -> one waveform, clips in order with ``gap_s`` seconds of silence between."""
    gap = np.zeros(int(gap_s * sample_rate), np.float32)
    parts = []
    for clip in clips.reshape(clips.shape[0], -1).float().cpu().numpy():
        parts += [clip, gap]
    return np.concatenate(parts[:-1])


def spectrogram_images(clips: torch.Tensor, floor_db: float = -80.0) -> torch.Tensor:
    """(N, 1, L) -> (N, 1, F, T) log-magnitude spectrograms in [-1, 1], low frequencies at the bottom."""
    db = stft_db(clips, floor_db=floor_db)
    return (db / -floor_db * 2 + 1).flip(1)[:, None]


def _rate(info: Dict[str, Any]) -> int:
    return int(info.get("sample_rate") or 16000)


@MEDIA.register("audio")
class AudioWriter(MediaWriter):
    def panel(self, samples: torch.Tensor, stem: Path, info: Dict[str, Any]) -> List[Path]:
        stem = Path(stem)
        png, wav = stem.with_suffix(".png"), stem.with_suffix(".wav")
        clips = samples[:PREVIEW_CLIPS]
        save_png(make_grid(spectrogram_images(clips), 4), png)
        atomic_bytes(wav_bytes(joined(clips, _rate(info)), _rate(info)), wav)
        return [png, wav]

    def write(self, samples: torch.Tensor, out: Path, info: Dict[str, Any], grid: bool = False,
              nrow: Optional[int] = None) -> str:
        out, rate = Path(out), _rate(info)
        if out.suffix == ".npy":
            return write_array(samples, out)
        if grid:
            if out.suffix.lower() != ".png":
                raise ConfigError(f"--grid writes a spectrogram grid PNG; give --out a .png name, not '{out.name}'")
            out.parent.mkdir(parents=True, exist_ok=True)
            save_png(make_grid(spectrogram_images(samples), nrow), out)
            return f"{out} (spectrograms of {len(samples)} clips)"
        if out.suffix.lower() == ".wav":
            atomic_bytes(wav_bytes(joined(samples, rate), rate), out)
            return f"{out} ({len(samples)} clips in a row, {GAP_S} s apart, {rate} Hz)"
        if out.suffix:
            raise ConfigError(f"--out '{out}' looks like a file; give a directory (one WAV per clip), a .wav file "
                              "(clips in a row), a .npy file, or a .png with --grid")
        out.mkdir(parents=True, exist_ok=True)
        for i, clip in enumerate(samples.reshape(len(samples), -1).float().cpu().numpy()):
            atomic_bytes(wav_bytes(clip, rate), out / f"{i:05d}.wav")
        return f"{len(samples)} WAV files ({rate} Hz) in {out}"
