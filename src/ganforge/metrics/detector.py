"""The real-vs-generated classifier of the classifier two-sample test, and its files on disk.

A detector is a small network trained from scratch: images (N, C, H, W) in [-1, 1] go through a
conv stack with global average pooling (so it also scores images of other sizes), vectors (N, D)
through an MLP; the output is one logit per item, > 0 meaning "generated". Saved as a folder
holding ``config.json`` (shape, width, what it was trained on, its held-out scores) and
``model.safetensors``, the diffusers layout, so it loads without ganforge's training code.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, Sequence, Tuple, Union

import torch
from torch import nn

from ..errors import ConfigError

Tensor = torch.Tensor
CONFIG, WEIGHTS = "config.json", "model.safetensors"
FORMAT = "ganforge-detector"


def images_to_uint8(x: Tensor) -> Tensor:
    """Images (N, C, H, W) in [-1, 1] -> the uint8 values a PNG holds (same layout)."""
    return ((x.detach().float().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)


def stored_items(x: Tensor) -> Tensor:
    """Items kept whole for a classifier to train on: images as the uint8 values a PNG holds
    (4x less memory than floats), vectors as float32; on the CPU."""
    x = x.detach().float().cpu()
    return images_to_uint8(x) if x.dim() == 4 else x


def quantize_images(x: Tensor) -> Tensor:
    """Round images in [-1, 1] to the 8-bit values a PNG holds; vectors pass as float. Real data
    is 8-bit, so unrounded fakes would be told apart by their in-between values alone."""
    if x.dim() != 4:
        return x.float()
    return images_to_uint8(x).float() / 127.5 - 1


class Detector(nn.Module):
    """shape: one item, (C, H, W) or (D,); width: channels of the first conv (doubling at each of
    three stride-2 conv + batch-norm stages) or hidden units / 4 of the MLP.
    forward: (N, *shape) -> logits (N,), > 0 for "generated"."""

    def __init__(self, shape: Sequence[int], width: int = 32):
        super().__init__()
        self.shape, self.width = tuple(int(s) for s in shape), int(width)
        if len(self.shape) == 3:
            layers, ch = [nn.Conv2d(self.shape[0], width, 3, 1, 1), nn.LeakyReLU(0.2)], width
            for _ in range(3):
                # Batch norm: without it (or with per-image group norm, which divides the telltale
                # energy of pixel noise away) the net stayed at chance on faintly noisy images.
                # momentum=None: running statistics are plain averages, reset by the trainer.
                layers += [nn.Conv2d(ch, 2 * ch, 3, 2, 1, bias=False), nn.BatchNorm2d(2 * ch, momentum=None),
                           nn.LeakyReLU(0.2)]
                ch *= 2
            self.body = nn.Sequential(*layers)
        elif len(self.shape) == 1:
            ch = 4 * width
            self.body = nn.Sequential(nn.Linear(self.shape[0], ch), nn.LeakyReLU(0.2), nn.Linear(ch, ch),
                                      nn.LeakyReLU(0.2))
        else:
            raise ConfigError(f"a detector judges images (C, H, W) or vectors (D,), not items of shape {self.shape}")
        self.head = nn.Linear(ch, 1)
        # The decision threshold picked on validation data, subtracted so that logit 0 (p = 0.5) is
        # the boundary; saved with the weights.
        self.register_buffer("offset", torch.zeros(()))

    def reset_statistics(self) -> None:
        """Forget the batch-norm running statistics (the next train-mode batches average anew)."""
        for m in self.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.reset_running_stats()

    @property
    def is_image(self) -> bool:
        return len(self.shape) == 3

    def forward(self, x: Tensor) -> Tensor:
        h = self.body(x)
        if h.dim() == 4:
            h = h.mean(dim=(2, 3))
        return self.head(h).squeeze(1) - self.offset

    @torch.no_grad()
    def probability(self, x: Tensor, batch_size: int = 256) -> Tensor:
        """P(generated) per item, (N,), in eval mode on quantized inputs."""
        was_training = self.training
        self.eval()
        try:
            device = next(self.parameters()).device
            parts = [torch.sigmoid(self(quantize_images(x[i:i + batch_size]).to(device))).cpu()
                     for i in range(0, len(x), batch_size)]
        finally:
            self.train(was_training)
        return torch.cat(parts) if parts else torch.zeros(0)


def save_detector(detector: Detector, folder: Union[str, Path], info: Dict[str, Any]) -> Path:
    """Write ``config.json`` (shape, width and ``info``) and ``model.safetensors`` into ``folder``;
    each file is written under a temporary name and renamed, so readers never see half a file."""
    from safetensors.torch import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().cpu().contiguous().clone() for k, v in detector.state_dict().items()}
    tmp = folder / f".{WEIGHTS}.tmp"
    save_file(tensors, str(tmp))
    os.replace(tmp, folder / WEIGHTS)
    config = {"format": FORMAT, "version": 1, "shape": list(detector.shape), "width": detector.width, **info}
    tmp = folder / f".{CONFIG}.tmp"
    tmp.write_text(json.dumps(config, indent=1, default=float))
    os.replace(tmp, folder / CONFIG)
    return folder


def load_detector(folder: Union[str, Path], device: str = "cpu") -> Tuple[Detector, Dict[str, Any]]:
    """A saved detector (eval mode) and its config; a folder that is not one fails in one line."""
    from safetensors.torch import load_file

    folder = Path(folder)
    path = folder / CONFIG
    if not path.is_file() or not (folder / WEIGHTS).is_file():
        raise ConfigError(f"'{folder}' is not a detector folder (it needs {CONFIG} and {WEIGHTS}); "
                          "train one with ganforge detect RUN --out DIR")
    config = json.loads(path.read_text())
    if config.get("format") != FORMAT:
        raise ConfigError(f"'{path}' is not a ganforge detector config (format {config.get('format')!r})")
    detector = Detector(config["shape"], config["width"])
    detector.load_state_dict(load_file(str(folder / WEIGHTS)), strict=True)
    return detector.to(device).eval(), config
