"""Audio clips: the procedural ``notes`` set and the dataset type shared with ``audio:PATH``.

``notes``: single notes of the C-major scale from C4 (261.6 Hz) up, in three band-limited
timbres with known harmonic recipes (amplitude of harmonic k, up to the Nyquist frequency):

* ``sine``: the fundamental alone;
* ``square``: odd harmonics at 1/k;
* ``sawtooth``: every harmonic at (-1)^(k+1)/k.

Each clip gets a random onset (0-100 ms), a linear ADSR envelope (attack 5-50 ms, decay
50-200 ms to a sustain level of 0.4-0.8, note-off 0.3-0.7 s after the onset, release
50-300 ms), a peak amplitude of 0.5-0.9 and a random starting phase. Clip ``i`` is a pure
function of (``seed``, ``i``): its parameters are drawn once at load time and the waveform is
rendered per batch from cached single-note waveforms, so the set costs no storage.
The defaults follow WaveGAN's input: 16 kHz, 16,384 samples (1.024 s).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Dict, Optional, Sequence, Tuple, Union

import numpy as np
import torch

from ..errors import ConfigError
from .dataset import Dataset
from .registry import DATASETS

Tensor = torch.Tensor
SCALE_STEPS = (0, 2, 4, 5, 7, 9, 11)  # semitones of the major scale above its tonic
NOTE_NAMES = ("C", "D", "E", "F", "G", "A", "B")
TONIC_MIDI = 60  # C4
TIMBRES = ("sine", "square", "sawtooth")
REFERENCE_CLIPS = 2000  # real clips behind the metrics' statistics
# parameter columns of NotesDataset.x
P_NOTE, P_TIMBRE, P_PHASE, P_ONSET, P_ATTACK, P_DECAY, P_SUSTAIN, P_OFF, P_RELEASE, P_AMP = range(10)


def scale_notes(count: int) -> Tuple[Tuple[str, float], ...]:
    """The first ``count`` notes of the C-major scale from C4: ((name, Hz), ...), A4 = 440 Hz."""
    out = []
    for i in range(count):
        octave, degree = divmod(i, len(SCALE_STEPS))
        midi = TONIC_MIDI + 12 * octave + SCALE_STEPS[degree]
        out.append((f"{NOTE_NAMES[degree]}{4 + octave}", 440.0 * 2 ** ((midi - 69) / 12)))
    return tuple(out)


def harmonic_amplitudes(timbre: str, f0: float, sample_rate: int) -> np.ndarray:
    """Amplitudes of harmonics 1..K (K f0 below Nyquist) of a band-limited timbre."""
    k = np.arange(1, int((sample_rate / 2 - 1) // f0) + 1)
    if timbre == "sine":
        return (k == 1).astype(np.float64)
    if timbre == "square":
        return np.where(k % 2 == 1, 1.0 / k, 0.0)
    if timbre == "sawtooth":
        return (-1.0) ** (k + 1) / k
    raise ConfigError(f"unknown timbre '{timbre}'; choose from {', '.join(TIMBRES)}")


def note_wave(timbre: str, f0: float, sample_rate: int, length: int) -> np.ndarray:
    """float32 (length,) steady waveform of one note, peak-normalized to 1, starting at phase 0."""
    t = np.arange(length) / sample_rate
    amps = harmonic_amplitudes(timbre, f0, sample_rate)
    wave = np.zeros(length)
    for k, a in enumerate(amps, 1):
        if a:
            wave += a * np.sin(2 * math.pi * k * f0 * t)
    return (wave / np.abs(wave).max()).astype(np.float32)


def adsr(t: Tensor, p: Tensor) -> Tensor:
    """Linear ADSR envelopes: times t (L,) seconds, parameters p (n, 10) -> (n, L) in [0, 1]."""
    on, a, d, s = p[:, P_ONSET, None], p[:, P_ATTACK, None], p[:, P_DECAY, None], p[:, P_SUSTAIN, None]
    off, r = p[:, P_OFF, None], p[:, P_RELEASE, None]
    u = t[None] - on
    attack = (u / a).clamp(0, 1)
    decay = 1 - (1 - s) * ((u - a) / d).clamp(0, 1)
    level = torch.where(u < a, attack, decay)
    release = (1 - (t[None] - off) / r).clamp(0, 1)
    return torch.where(t[None] < off, level, s * release) * (u >= 0)


@dataclass
class AudioDataset(Dataset):
    """Mono clips (1, L) in [-1, 1] at ``sample_rate`` Hz. ``x`` holds the waveforms
    (float32 N x 1 x L) for recorded sets; procedural sets override :meth:`get`."""

    sample_rate: int = 16000
    default_extractor: ClassVar[str] = "audio"

    @property
    def kind(self) -> str:
        return "audio"

    def evaluation_items(self) -> Tensor:
        return torch.arange(min(len(self), REFERENCE_CLIPS))

    def info(self) -> Dict[str, object]:
        return {**super().info(), "sample_rate": self.sample_rate}


@dataclass
class NotesDataset(AudioDataset):
    """``x``: float32 (N, 10) clip parameters (columns P_*); ``waves``: (notes x timbres,
    L + longest period) steady note waveforms; ``notes``: ((name, Hz), ...)."""

    waves: Optional[Tensor] = None
    notes: Tuple[Tuple[str, float], ...] = ()
    timbres: Tuple[str, ...] = TIMBRES
    length: int = 16384

    @property
    def shape(self) -> Tuple[int, ...]:
        return (1, self.length)

    def get(self, index: Tensor) -> Tuple[Tensor, Optional[Tensor]]:
        """Clips ``index`` -> (waveforms (n, 1, L) in [-1, 1], labels note x timbres + timbre (n,))."""
        p = self.x[torch.as_tensor(index).long()]
        combo = p[:, P_NOTE].long() * len(self.timbres) + p[:, P_TIMBRE].long()
        start = p[:, P_PHASE].long()
        pick = start[:, None] + torch.arange(self.length)
        steady = self.waves[combo[:, None], pick]
        t = torch.arange(self.length, dtype=torch.float32) / self.sample_rate
        wave = p[:, P_AMP, None] * adsr(t, p) * steady
        return wave[:, None], combo

    def metric_context(self) -> Dict[str, object]:
        return {"sample_rate": self.sample_rate, "notes": self.notes, "timbres": self.timbres}

    def info(self) -> Dict[str, object]:
        return {**super().info(), "notes": [list(n) for n in self.notes], "timbres": list(self.timbres)}


def _timbre_list(timbres: Union[str, Sequence[str]]) -> Tuple[str, ...]:
    names = tuple(t.strip() for t in (timbres.split(",") if isinstance(timbres, str) else timbres) if t.strip())
    bad = [t for t in names if t not in TIMBRES]
    if not names or bad or len(set(names)) != len(names):
        raise ConfigError(f"data_options.timbres must name distinct timbres of {', '.join(TIMBRES)}, got {timbres!r}")
    return names


@DATASETS.register("notes")
def notes(arg: str = "", image_size: int = 32, notes: int = 8, timbres: Union[str, Sequence[str]] = "sine,square,sawtooth",
          sample_rate: int = 16000, length: int = 16384, size: int = 10_000, seed: int = 0) -> NotesDataset:
    """Synthetic notes with known pitch and timbre (labels: note x timbres + timbre).

    Args:
        notes: how many notes of the C-major scale from C4 (8 = one octave, C4..C5; at most 15).
        timbres: comma-separated subset of sine, square, sawtooth.
        sample_rate: samples per second.
        length: samples per clip (16384 = 1.024 s at 16 kHz, WaveGAN's slice).
        size: number of distinct clips.
        seed: draws every clip's note, timbre, phase, envelope and level.
    """
    names = _timbre_list(timbres)
    if not 1 <= notes <= 15:
        raise ConfigError(f"data_options.notes must be in 1..15 (two octaves of the scale), got {notes}")
    if sample_rate < 8000 or length < 1024 or size < 1:
        raise ConfigError(f"notes needs sample_rate >= 8000, length >= 1024 and size >= 1, got "
                          f"{sample_rate}, {length}, {size}")
    scale = scale_notes(notes)
    periods = [int(math.ceil(sample_rate / hz)) for _, hz in scale]
    total = length + max(periods)
    waves = torch.from_numpy(np.stack([note_wave(t, hz, sample_rate, total) for _, hz in scale for t in names]))
    rng = np.random.default_rng(seed)
    note = rng.integers(0, notes, size)
    p = np.zeros((size, 10), np.float32)
    p[:, P_NOTE], p[:, P_TIMBRE] = note, rng.integers(0, len(names), size)
    p[:, P_PHASE] = np.floor(rng.random(size) * np.asarray(periods)[note])  # a random phase of the period
    p[:, P_ONSET] = rng.uniform(0.0, 0.1, size)
    p[:, P_ATTACK], p[:, P_DECAY] = rng.uniform(0.005, 0.05, size), rng.uniform(0.05, 0.2, size)
    p[:, P_SUSTAIN] = rng.uniform(0.4, 0.8, size)
    p[:, P_OFF] = p[:, P_ONSET] + rng.uniform(0.3, 0.7, size)
    p[:, P_RELEASE], p[:, P_AMP] = rng.uniform(0.05, 0.3, size), rng.uniform(0.5, 0.9, size)
    labels = torch.from_numpy((p[:, P_NOTE] * len(names) + p[:, P_TIMBRE]).astype(np.int64))
    classes = tuple(f"{n} {t}" for n, _ in scale for t in names)
    return NotesDataset("notes", torch.from_numpy(p), labels, num_classes=len(classes), class_names=classes,
                        sample_rate=sample_rate, waves=waves, notes=scale, timbres=names, length=length)
