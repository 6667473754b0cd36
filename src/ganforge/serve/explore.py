"""What the explorer computes, apart from HTTP: grids, single samples, interpolation frames and
the nearest training items of a sample, for one loaded noise-to-image (or 2-D) generator."""
from __future__ import annotations

import math
import re
import threading
from typing import Any, Dict, Optional

import torch

from ..data import load_dataset
from ..latent import is_style
from ..nets.generate import generate
from ..pretrained import PREFIX
from ..report.memorize import NeighbourIndex
from ..train.checkpoint import latest_checkpoint
from .latent import seeded_z, slerp
from .truncation import Truncation, truncation_for

Tensor = torch.Tensor


def _step_of(gen) -> Optional[int]:
    path = getattr(gen, "checkpoint", None)
    m = re.fullmatch(r"step-0*(\d+)", path.name) if path is not None else None
    return int(m[1] or 0) if m else None


def describe(gen) -> Dict[str, Any]:
    """The run's name, step and checkpoint for the page title."""
    path = getattr(gen, "checkpoint", None)
    if path is None:  # shipped weights: pretrained:NAME
        name = PREFIX + gen.info.get("name", "")
        return {"name": name, "step": int(gen.cfg.steps), "checkpoint": "shipped weights", "recipe": gen.cfg.name}
    step = _step_of(gen)
    label = "latest checkpoint" if step is not None else path.name
    if path.name == "best":
        label = "best checkpoint"
        try:
            import json

            best = json.loads((gen.run_dir / "best.json").read_text())
            step, label = int(best["step"]), f"best checkpoint by {best['metric']}"
        except (OSError, ValueError, KeyError):
            pass
    elif step is not None and path != latest_checkpoint(gen.run_dir):
        label = "checkpoint " + path.name
    ema = ", EMA weights" if gen.cfg.ema > 0 else ""
    return {"name": gen.run_dir.name, "step": step, "checkpoint": label + ema, "recipe": gen.cfg.name}


class Explorer:
    """Draws from ``gen`` one request at a time (one generator, one forward pass at a time)."""

    def __init__(self, gen):
        self.gen = gen
        self.lock = threading.Lock()
        self.truncation: Truncation = truncation_for(gen)
        self._index = None
        self._index_error: Optional[str] = None

    def labels(self, n: int, cls: Optional[int]) -> Optional[Tensor]:
        k = self.gen.num_classes
        if not k:
            return None
        return torch.arange(n) % k if cls is None else torch.full((n,), cls)

    def _run(self, z: Tensor, labels: Optional[Tensor], truncation: Optional[float]) -> Tensor:
        kwargs = {} if truncation is None else {"truncation": truncation}
        with self.lock:
            y = None if labels is None else labels.to(self.gen.device)
            return generate(self.gen.net, z.to(self.gen.device), y, **kwargs).float().cpu()

    def grid(self, seed: int, n: int, cls: Optional[int], truncation: Optional[float]) -> Tensor:
        """Samples 0..n-1 of ``seed`` (the same as ``ganforge sample -n N --seed S``)."""
        return self._run(seeded_z(seed, n, self.gen.z_dim), self.labels(n, cls), truncation)

    def one(self, seed: int, index: int, cls: Optional[int], truncation: Optional[float]) -> Tensor:
        """Sample ``index`` of the grid of ``seed`` alone (1 x C x H x W)."""
        z = seeded_z(seed, index + 1, self.gen.z_dim)[index:]
        labels = self.labels(index + 1, cls)
        return self._run(z, None if labels is None else labels[index:], truncation)

    def nrow(self, n: int, cls: Optional[int]) -> int:
        """Columns of a grid: one per class when a conditional grid cycles through the classes."""
        k = self.gen.num_classes
        if k and cls is None and k <= 16 and n >= k:
            return k
        return int(math.ceil(math.sqrt(n)))

    def interpolate(self, seed_a: int, seed_b: int, t: float, cls: Optional[int], truncation: Optional[float]) -> Tensor:
        """One frame at t on the path from sample 0 of seed A to sample 0 of seed B: a straight line
        in w for style generators (as StyleGAN interpolates), a great circle in z otherwise."""
        z_dim = self.gen.z_dim
        a, b = seeded_z(seed_a, 1, z_dim)[0], seeded_z(seed_b, 1, z_dim)[0]
        labels = self.labels(1, cls)
        net = self.gen.net
        if is_style(net):
            with self.lock, torch.no_grad():
                was = net.training
                net.eval()
                try:
                    y = None if labels is None else labels.expand(2).to(self.gen.device)
                    w = net.map(torch.stack([a, b]).to(self.gen.device), y, truncation=truncation)
                    return net.synthesize(torch.lerp(w[:1], w[1:], t)).float().cpu()
                finally:
                    net.train(was)
        return self._run(slerp(a, b, t)[None], labels, truncation)

    def neighbours(self, sample: Tensor, k: int = 4):
        """Nearest training items of ``sample`` (1 x ...); the training features are computed on
        the first call. Raises LookupError when the training data cannot be loaded."""
        with self.lock:
            if self._index is None and self._index_error is None:
                try:
                    cfg = self.gen.cfg
                    self._index = NeighbourIndex(load_dataset(cfg.data, cfg.image_size, **cfg.data_options))
                except Exception as err:  # noqa: BLE001 - a moved folder or missing table: say so, keep serving
                    self._index_error = f"the training data '{self.gen.cfg.data}' cannot be loaded here ({err})"
            if self._index is None:
                raise LookupError(self._index_error)
            return self._index.query(sample, k)
