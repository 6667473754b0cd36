"""Mode coverage for audio: which (note, timbre) modes of the ``notes`` data a generator hits.

For each clip, one FFT of the Hann-windowed clip gives its magnitude spectrum:

* pitch: the strongest peak between 50 Hz and 4 kHz, refined by parabolic interpolation of the
  log magnitude around it (every ``notes`` timbre has its fundamental as its strongest
  partial). The clip belongs to the nearest scale note and is in tune within ``max_cents``
  (50 cents, a quarter tone).
* harmonicity: the share of the spectrum's energy within 5% of the pitch of one of its
  multiples (bands equally wide at every harmonic, so they cover a tenth of the spectrum):
  white noise scores ~0.1, the data above 0.95.
* timbre: the magnitudes of harmonics 2 and 3 relative to the fundamental, (r2, r3), nearest
  to the timbres' known recipes: sine (0, 0), square (0, 1/3), sawtooth (1/2, 1/3).

A clip is high quality when it is in tune, harmonic (share >= ``min_harmonic``) and within
``max_timbre_distance`` of a timbre recipe. As for the 2-D mixtures (PacGAN), a mode is covered
when a high-quality clip hits it, and ``notes_reverse_kl`` is KL(q || uniform) of the
high-quality clips' histogram over the modes.
"""
from __future__ import annotations

from typing import Any, Dict, Sequence, Tuple

import numpy as np
import torch

from ..errors import ConfigError, DataError
from .mixtures import kl_to_uniform
from .specs import MetricInputs, register_metric

Tensor = torch.Tensor
F_MIN, F_MAX = 50.0, 4000.0
MAX_CENTS = 50.0
MIN_HARMONIC = 0.6
MAX_TIMBRE_DISTANCE = 0.15
HARMONIC_BAND = 0.05  # half-width of each harmonic's band, in units of the pitch
PEAK_BAND = 0.03  # harmonic peaks are searched within 3% of their frequency
TIMBRE_RECIPES = {"sine": (0.0, 0.0), "square": (0.0, 1.0 / 3), "sawtooth": (0.5, 1.0 / 3)}


def _peak_near(mag: Tensor, freqs: Tensor, target: Tensor, band: float) -> Tensor:
    """Largest magnitude within ``band`` (relative) of ``target`` Hz, per clip: (N,)."""
    inside = (freqs[None] - target[:, None]).abs() <= band * target[:, None]
    return torch.where(inside, mag, torch.zeros(())).max(1).values


@torch.no_grad()
def analyse(clips: Tensor, sample_rate: int) -> np.ndarray:
    """(N, 1, L) or (N, L) waveforms -> float64 (N, 4): pitch in Hz, harmonic energy share,
    r2 and r3 (harmonic 2 and 3 magnitudes over the fundamental's)."""
    x = torch.as_tensor(clips).reshape(len(clips), -1).double().cpu()
    if x.shape[1] < 256:
        raise DataError(f"pitch estimates need clips of at least 256 samples, got {x.shape[1]}")
    x = x - x.mean(1, keepdim=True)
    mag = torch.fft.rfft(x * torch.hann_window(x.shape[1], dtype=torch.float64), dim=1).abs()
    freqs = torch.fft.rfftfreq(x.shape[1], 1.0 / sample_rate).double()
    search = (freqs >= F_MIN) & (freqs <= F_MAX)
    k = torch.where(search, mag, torch.zeros(())).argmax(1).clamp(1, mag.shape[1] - 2)
    rows = torch.arange(len(x))
    a, b, c = (torch.log(mag[rows, k + d] + 1e-12) for d in (-1, 0, 1))
    offset = 0.5 * (a - c) / (a - 2 * b + c).where((a - 2 * b + c).abs() > 1e-12, torch.ones(()))
    pitch = (k + offset.clamp(-0.5, 0.5)) * (freqs[1] - freqs[0])
    ratio = freqs[None] / pitch[:, None]
    near = ((ratio - ratio.round()).abs() <= HARMONIC_BAND) & (ratio.round() >= 1)
    energy = mag.pow(2)
    share = (energy * near).sum(1) / energy[:, 1:].sum(1).clamp_min(1e-20)
    f1 = _peak_near(mag, freqs, pitch, PEAK_BAND).clamp_min(1e-12)
    r2 = _peak_near(mag, freqs, 2 * pitch, PEAK_BAND) / f1
    r3 = _peak_near(mag, freqs, 3 * pitch, PEAK_BAND) / f1
    return torch.stack([pitch, share, r2, r3], 1).numpy()


def assign_modes(analysis: np.ndarray, notes: Sequence[Tuple[str, float]], timbres: Sequence[str],
                 max_cents: float = MAX_CENTS, min_harmonic: float = MIN_HARMONIC,
                 max_distance: float = MAX_TIMBRE_DISTANCE) -> Tuple[np.ndarray, np.ndarray]:
    """Per clip: (mode index note x len(timbres) + timbre, high-quality flag) from :func:`analyse` rows."""
    pitch, share, r2, r3 = (analysis[:, i] for i in range(4))
    hz = np.asarray([f for _, f in notes])
    cents = 1200 * np.log2(np.maximum(pitch, 1e-6)[:, None] / hz[None])
    note = np.abs(cents).argmin(1)
    recipes = np.asarray([TIMBRE_RECIPES[t] for t in timbres])
    dist = np.hypot(r2[:, None] - recipes[None, :, 0], r3[:, None] - recipes[None, :, 1])
    timbre = dist.argmin(1)
    good = ((np.abs(cents[np.arange(len(note)), note]) <= max_cents) & (share >= min_harmonic)
            & (dist[np.arange(len(timbre)), timbre] <= max_distance))
    return note * len(timbres) + timbre, good


def note_coverage(analysis: np.ndarray, notes: Sequence[Tuple[str, float]], timbres: Sequence[str]) -> Dict[str, float]:
    """Coverage statistics of (note, timbre) modes from :func:`analyse` rows (N, 4)."""
    modes, good = assign_modes(analysis, notes, timbres)
    k = len(notes) * len(timbres)
    counts = np.bincount(modes[good], minlength=k)
    hit = counts > 0
    return {"notes_covered": float(hit.sum()), "notes_num_modes": float(k),
            "notes_high_quality": float(good.mean()) if len(good) else 0.0,
            "notes_reverse_kl": kl_to_uniform(counts),
            "pitches_covered": float(hit.reshape(len(notes), len(timbres)).any(1).sum()),
            "timbres_covered": float(hit.reshape(len(notes), len(timbres)).any(0).sum())}


def _context(opt: Dict[str, Any]) -> Dict[str, Any]:
    ctx = opt.get("context") or {}
    if "notes" not in ctx:
        raise ConfigError("metric 'notes' needs the notes data (data=notes), whose pitches and timbres are known")
    return ctx


def _notes_collector(opt: Dict[str, Any], device):
    rate = int(_context(opt)["sample_rate"])
    return lambda x: analyse(x, rate)


@register_metric("notes", ["notes_covered", "notes_high_quality", "notes_reverse_kl", "pitches_covered",
                           "timbres_covered"],
                 "(note, timbre) modes of the notes data hit by in-tune, harmonic clips (FFT pitch estimate)",
                 _notes_collector, {"notes_covered": "max", "notes_high_quality": "max", "notes_reverse_kl": "min",
                                    "pitches_covered": "max", "timbres_covered": "max"})
def _notes(inp: MetricInputs, opt: Dict[str, Any]) -> Dict[str, float]:
    ctx = _context(opt)
    out = note_coverage(inp.collected["notes"], ctx["notes"], ctx["timbres"])
    out.pop("notes_num_modes")
    return out
