"""Audio runs: players for generated and training clips (WAV data URIs, so the page stays one
file) and their spectrograms; on the ``notes`` data each generated clip is labelled with the
note and timbre the ``notes`` metric hears in it."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import numpy as np
import torch

from ...media.audio import spectrogram_images, wav_bytes
from ...metrics.audio_modes import analyse, assign_modes
from ..embed import data_uri
from ..pictures import SECTION, at, grid
from .base import KindInput, register_kind
from .video import random_clips

GENERATED = 8
REAL = 4


def heard(clips: torch.Tensor, info: Dict[str, Any]) -> Optional[List[str]]:
    """Per clip "C4 square" (or "C4 square?" when it misses the metric's quality bar), for the
    notes data, whose pitches and timbres are known; None for other audio."""
    notes, timbres = info.get("notes"), info.get("timbres")
    if not notes or not timbres:
        return None
    rate = int(info.get("sample_rate") or 16000)
    modes, good = assign_modes(analyse(clips, rate), [tuple(n) for n in notes], timbres)
    return [f"{notes[m // len(timbres)][0]} {timbres[m % len(timbres)]}" + ("" if ok else "?")
            for m, ok in zip(modes.tolist(), good.tolist())]


def players(clips: torch.Tensor, rate: int, prefix: str, labels: Optional[List[str]] = None) -> List[Dict[str, str]]:
    """One {"uri": WAV data URI, "label": ...} per clip (N, 1, L)."""
    waves = clips.reshape(len(clips), -1).float().cpu().numpy()
    return [{"uri": data_uri(wav_bytes(np.asarray(w), rate), "audio/wav"),
             "label": f"{prefix} {i}" + (f": {labels[i]}" if labels else "")} for i, w in enumerate(waves)]


@register_kind("audio", "Clips", lambda gen: gen.kind == "audio")
def audio(inp: KindInput) -> Dict[str, Any]:
    """8 generated clips (seed 0) and 4 random training clips: players and spectrograms."""
    info = inp.gen.info
    rate = int(info.get("sample_rate") or 16000)
    fake = inp.gen.sample(GENERATED, seed=0)
    real = random_clips(inp.dataset, REAL)
    labels = heard(fake, info)
    shown = [grid(spectrogram_images(fake), f"spectrograms of {GENERATED} generated clips", 4,
                  caption="generated (seed 0), spectrograms"),
             grid(spectrogram_images(real), f"spectrograms of {len(real)} training clips", 4,
                  caption="training data, spectrograms")]
    headline = []
    if labels is not None:
        headline = [("clips on a scale note", f"{sum(not s.endswith('?') for s in labels)} of {len(labels)}")]
    return {"generated": shown[:1], "real": shown[1:], "large": [at(p, SECTION) for p in shown],
            "fake_players": players(fake, rate, "generated", labels), "real_players": players(real, rate, "training"),
            "rate": rate, "seconds": fake.shape[-1] / rate, "labelled": labels is not None, "headline": headline,
            "note": f"{GENERATED} generated clips ({fake.shape[-1] / rate:.3g} s at {rate:,} Hz, seed 0) as spectrograms"}
