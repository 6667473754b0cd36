"""Signal processing shared by the audio data, metrics and writers: STFT magnitudes in dB,
a mel filterbank and log-mel spectrograms. Clips are float waveforms in [-1, 1]."""
from __future__ import annotations

import math

import torch

Tensor = torch.Tensor


def stft_db(wave: Tensor, n_fft: int = 512, hop: int = 128, floor_db: float = -80.0) -> Tensor:
    """(N, L) or (N, 1, L) waveforms -> (N, n_fft // 2 + 1, frames) magnitudes in dB relative to
    a full-scale sine (0 dB), clipped below at ``floor_db``. Hann window, centred frames."""
    wave = wave.reshape(wave.shape[0], -1).float()
    window = torch.hann_window(n_fft, device=wave.device)
    spec = torch.stft(wave, n_fft, hop, window=window, center=True, return_complex=True).abs()
    spec = spec * (2.0 / window.sum())  # a full-scale sine peaks at 1
    return (20 * torch.log10(spec.clamp_min(1e-10))).clamp_min(floor_db)


def hz_to_mel(f):
    """HTK mel scale: 2595 log10(1 + f / 700)."""
    return 2595.0 * math.log10(1.0 + f / 700.0) if isinstance(f, (int, float)) else 2595.0 * torch.log10(1.0 + f / 700.0)


def mel_filterbank(n_mels: int, n_fft: int, sample_rate: int, f_min: float = 0.0, f_max: float = None) -> Tensor:
    """Triangular filters on the HTK mel scale, peak 1: (n_mels, n_fft // 2 + 1)."""
    f_max = f_max or sample_rate / 2
    bins = torch.linspace(0, sample_rate / 2, n_fft // 2 + 1, dtype=torch.float64)
    edges_mel = torch.linspace(hz_to_mel(f_min), hz_to_mel(f_max), n_mels + 2, dtype=torch.float64)
    edges = 700.0 * (10 ** (edges_mel / 2595.0) - 1.0)
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rise = (bins - lower) / (centre - lower)
    fall = (upper - bins) / (upper - centre)
    return torch.clamp(torch.minimum(rise, fall), min=0).float()


def log_mel(wave: Tensor, sample_rate: int, n_mels: int = 64, n_fft: int = 1024, hop: int = 256) -> Tensor:
    """(N, L) or (N, 1, L) -> (N, n_mels, frames) log(1e-5 + mel power)."""
    wave = wave.reshape(wave.shape[0], -1).float()
    window = torch.hann_window(n_fft, device=wave.device)
    power = torch.stft(wave, n_fft, hop, window=window, center=True, return_complex=True).abs().pow(2)
    mel = mel_filterbank(n_mels, n_fft, sample_rate).to(wave.device) @ power
    return torch.log(mel + 1e-5)
