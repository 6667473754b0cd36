"""Video metrics on Moving-MNIST-like clips (N, C, T, H, W) in [-1, 1].

* ``mnist-frames`` extractor: the shipped MNIST classifier applied to every frame, so ``fid``,
  ``kid`` and ``prdc`` compare the distributions of single frames (per-frame FID, as video GAN
  papers report next to video-level scores); N clips give N x T feature rows.
* ``temporal`` metric: is the digit the same digit in every frame? Each frame's digits are
  located as the ``k`` brightest windows of a digit's size (28 px of 64, with ``k`` the data's
  digits per clip), each window is classified, and a clip scores the share of its windows whose
  digit is one of the clip's ``k`` most common digits (``identity_consistency``; 1.0 = the
  digits never change).
  ``frame_confidence`` is the classifier's mean top probability over those windows (low when
  frames do not look like digits at all). A window with less than 4% ink holds no digit: it
  counts as a change of identity and has confidence 0, so blank clips score 0, not 1.
"""
from __future__ import annotations

from typing import Any, Dict

import numpy as np
import torch
import torch.nn.functional as F

from ..errors import DataError
from .extractors import EXTRACTORS, MnistExtractor
from .mnist_net import load_pretrained, to_classifier_input
from .specs import MetricInputs, register_metric

Tensor = torch.Tensor
CANVAS, DIGIT = 64, 28  # Moving MNIST's canvas and digit sizes; windows scale with the frame
MIN_INK = 0.04  # mean brightness of a window that holds a digit (MNIST digits average ~0.13 of a 28 x 28 box)


def _check_video(x: Tensor) -> Tensor:
    x = torch.as_tensor(x)
    if x.dim() != 5:
        raise DataError(f"video metrics need clips N x C x T x H x W, got shape {tuple(x.shape)}")
    return x


def frames_of(x: Tensor) -> Tensor:
    """(N, C, T, H, W) -> (N*T, C, H, W), clip by clip."""
    x = _check_video(x)
    return x.transpose(1, 2).reshape(-1, x.shape[1], *x.shape[3:])


@EXTRACTORS.register("mnist-frames")
class MnistFramesExtractor(MnistExtractor):
    """The ``mnist`` extractor on every frame of a clip: (N, C, T, H, W) -> (N*T, 128) features
    (and (N*T, 10) probabilities), for per-frame FID/KID/PRDC."""

    name = "mnist-frames"

    @torch.no_grad()
    def _prep(self, x: Tensor) -> Tensor:
        return super()._prep(frames_of(x))


def box_sums(x: Tensor, window: int) -> Tensor:
    """Sums over every ``window`` x ``window`` square of (M, H, W) maps, from an integral image
    (O(HW) per map): (M, H - window + 1, W - window + 1)."""
    ii = F.pad(x.double().cumsum(1).cumsum(2), (1, 0, 1, 0))
    w = window
    return (ii[:, w:, w:] - ii[:, :-w, w:] - ii[:, w:, :-w] + ii[:, :-w, :-w]).float()


def digit_windows(frames: Tensor, k: int, window: int) -> Tensor:
    """Top-left corners of the ``k`` brightest ``window`` x ``window`` squares of each frame,
    found greedily (the pixels of each window found are blanked before the next search).

    frames: (M, H, W) in [-1, 1] -> long (M, k, 2) as (row, col).
    """
    mass = (frames.float() + 1) / 2
    m, h, w = mass.shape
    out = []
    for _ in range(k):
        sums = box_sums(mass, window)  # M, H-w+1, W-w+1
        best = sums.flatten(1).argmax(1)
        r, c = best // sums.shape[-1], best % sums.shape[-1]
        out.append(torch.stack([r, c], 1))
        rows = (torch.arange(h, device=mass.device)[None] - r[:, None])
        cols = (torch.arange(w, device=mass.device)[None] - c[:, None])
        inside = ((rows >= 0) & (rows < window))[:, :, None] & ((cols >= 0) & (cols < window))[:, None, :]
        mass = mass.masked_fill(inside, 0)
    return torch.stack(out, 1)


def crop(frames: Tensor, corners: Tensor, window: int) -> Tensor:
    """(M, H, W) frames, (M, 2) corners -> (M, window, window) crops."""
    offs = torch.arange(window, device=frames.device)
    rows = corners[:, 0, None] + offs
    cols = corners[:, 1, None] + offs
    return frames[torch.arange(len(frames), device=frames.device)[:, None, None], rows[:, :, None], cols[:, None, :]]


@torch.no_grad()
def identity_votes(videos: Tensor, net, k: int = 1) -> np.ndarray:
    """Per clip: (share of its T x k classified windows whose digit is one of the clip's ``k``
    most common digits, mean top probability over the windows) -> float64 (N, 2)."""
    videos = _check_video(videos)
    n, _, t, h, w = videos.shape
    window = max(4, round(DIGIT * w / CANVAS))
    frames = videos.float().mean(1).reshape(n * t, h, w)  # grayscale
    corners = digit_windows(frames, k, window)  # N*T, k, 2
    crops = torch.stack([crop(frames, corners[:, j], window) for j in range(k)], 1).reshape(n * t * k, window, window)
    device = next(net.parameters()).device
    probs = F.softmax(net(to_classifier_input(crops[:, None].to(device))).double(), dim=1).cpu()
    # A window with too little ink holds no digit: it votes for nothing and has no confidence, so
    # blank or faded clips cannot look "stable" to the classifier.
    inked = (((crops.float() + 1) / 2).mean((1, 2)) >= MIN_INK).cpu()
    classes = probs.argmax(1).masked_fill(~inked, probs.shape[1]).reshape(n, t * k)
    counts = F.one_hot(classes, probs.shape[1] + 1)[..., :-1].sum(1)  # N, 10: votes per digit over the clip
    mode_share = counts.topk(k, dim=1).values.sum(1).double() / (t * k)
    confidence = (probs.max(1).values * inked).reshape(n, t * k).mean(1)
    return torch.stack([mode_share, confidence], 1).numpy()


def _temporal_collector(opt: Dict[str, Any], device):
    net = load_pretrained()
    if device is not None:
        net = net.to(device)
    k = int((opt.get("context") or {}).get("num_digits", 1))
    return lambda x: identity_votes(x, net, k)


@register_metric("temporal", ["identity_consistency", "frame_confidence"],
                 "digit identity stable across a clip's frames (shipped MNIST classifier)", _temporal_collector,
                 {"identity_consistency": "max", "frame_confidence": "max"})
def _temporal(inp: MetricInputs, opt: Dict[str, Any]) -> Dict[str, float]:
    votes = inp.collected["temporal"]
    return {"identity_consistency": float(votes[:, 0].mean()), "frame_confidence": float(votes[:, 1].mean())}
