"""The small audio classifier behind the ``audio`` extractor (FID/KID/IS for sound).

A log-mel spectrogram (64 bands, 1024-sample windows, hop 256) of a 16 kHz clip goes through
four 3 x 3 conv layers and an average pool to 4 x 2 cells, then to 128-d features and 24 class
logits (the ``notes`` data's 8 notes x 3 timbres). Any clip length works (the pooling adapts).
Shipped weights: ``ganforge/weights/audio_classifier.safetensors``, trained by
``scripts/train_audio_classifier.py`` on clips from ``notes`` (seed 1) at 4,096 and 16,384
samples with random gain and noise; held out: ``notes`` seed 2.
"""
from __future__ import annotations

import json
from importlib import resources
from typing import Any, Dict, Optional

import torch
import torch.nn.functional as F
from torch import nn

from ..data.audio_dsp import log_mel
from ..errors import DataError
from .extractors import EXTRACTORS, ClassifierExtractor

SAMPLE_RATE = 16000
N_MELS = 64
FEATURE_DIM = 128
NUM_CLASSES = 24
MIN_FRAMES = 16  # spectrogram frames the three 2x poolings and the 4 x 2 average need
WEIGHTS_FILE = "audio_classifier.safetensors"
META_FILE = "audio_classifier.json"


class AudioNet(nn.Module):
    """(N, 1, L) waveforms at 16 kHz in [-1, 1] -> 24 logits; ``embed`` gives the 128-d features."""

    def __init__(self):
        super().__init__()
        # Standardization of the log-mel input, measured on the training clips by the script.
        self.register_buffer("mel_mean", torch.zeros(()))
        self.register_buffer("mel_std", torch.ones(()))

        def conv(cin: int, cout: int) -> list:
            return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]

        self.body = nn.Sequential(*conv(1, 16), nn.MaxPool2d(2), *conv(16, 32), nn.MaxPool2d(2),
                                  *conv(32, 64), nn.MaxPool2d(2), *conv(64, 64), nn.AdaptiveAvgPool2d((4, 2)))
        self.embed_fc = nn.Linear(64 * 8, FEATURE_DIM)
        self.head = nn.Linear(FEATURE_DIM, NUM_CLASSES)

    def spectrogram(self, wave: torch.Tensor) -> torch.Tensor:
        """(N, 1, L) -> standardized log-mel (N, 1, 64, frames)."""
        if wave.dim() == 3 and wave.shape[1] != 1:
            wave = wave.mean(1, keepdim=True)  # mono
        if wave.dim() not in (2, 3) or wave.shape[-1] < 1024:
            raise DataError(f"the audio extractor needs clips N x 1 x L with L >= 1024, got shape {tuple(wave.shape)}")
        mel = ((log_mel(wave, SAMPLE_RATE, N_MELS) - self.mel_mean) / self.mel_std)[:, None]
        if mel.shape[-1] < MIN_FRAMES:  # clips under ~0.25 s: repeat the edges so the poolings fit
            mel = F.pad(mel, (0, MIN_FRAMES - mel.shape[-1], 0, 0), mode="replicate")
        return mel

    def embed(self, wave: torch.Tensor) -> torch.Tensor:
        """(N, 1, L) -> (N, 128)."""
        return F.relu(self.embed_fc(self.body(self.spectrogram(wave)).flatten(1)))

    def forward(self, wave: torch.Tensor) -> torch.Tensor:
        return self.head(self.embed(wave))


def load_pretrained() -> AudioNet:
    """The shipped classifier in eval mode (weights read with importlib.resources, never downloaded)."""
    from safetensors.torch import load

    net = AudioNet()
    net.load_state_dict(load(resources.files("ganforge").joinpath("weights", WEIGHTS_FILE).read_bytes()), strict=True)
    return net.eval()


def pretrained_metadata() -> Dict[str, Any]:
    return json.loads(resources.files("ganforge").joinpath("weights", META_FILE).read_text())


@EXTRACTORS.register("audio")
class AudioExtractor(ClassifierExtractor):
    """The shipped audio classifier: 128-d features and 24-way softmax of 16 kHz clips (N, 1, L)."""

    name = "audio"
    feature_dim = FEATURE_DIM

    def __init__(self, net: Optional[AudioNet] = None):
        super().__init__(net if net is not None else load_pretrained())
