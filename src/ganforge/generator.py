"""A trained generator, ready to sample: :class:`Generator` (``ganforge.load`` returns one)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Optional, Sequence, Union

import torch

from .config import TrainConfig
from .errors import ConfigError
from .nets.generate import generate
from .objectives import Objective, build_objective
from .objectives.gan import GANObjective
from .rejection import rejection_sample
from .train import checkpoint as ckpt


class Generator:
    """A trained generator loaded from a run: ``.sample(n, seed=0, labels=None)``."""

    def __init__(self, run_dir: Path, net: torch.nn.Module, cfg: TrainConfig, info: Dict[str, Any],
                 device: torch.device, objective: Optional[Objective] = None, checkpoint: Optional[Path] = None):
        self.run_dir, self.net, self.cfg, self.info, self.device = run_dir, net, cfg, info, device
        self.objective = objective  # decodes outputs (tables -> DataFrame); None: plain tensors
        self.checkpoint = checkpoint  # where the discriminator lives (rejection sampling)
        self._critic: Optional[torch.nn.Module] = None

    @property
    def num_classes(self) -> int:
        return int(self.info["num_classes"]) if self.cfg.objective.get("conditional", False) else 0

    @property
    def kind(self) -> str:
        return str(self.info["kind"])

    def sample(self, n: int, seed: int = 0, labels: Union[int, Sequence[int], torch.Tensor, None] = None,
               batch_size: int = 256, where: Optional[Dict[str, Any]] = None, truncation: Optional[float] = None,
               rejection: Optional[float] = None):
        """n samples on the CPU: images N x C x H x W in [-1, 1], vectors N x D, or for table
        runs a pandas DataFrame of n rows (``where={"island": "Dream"}`` keeps to that value).
        ``truncation``: the truncation trick of generators that support it (biggan, stylegan2).
        ``rejection``: keep samples by discriminator rejection sampling (DRS) with gamma at this
        percentile of the scores (95 in the paper); see ``ganforge.rejection``.

        The same seed gives the same samples. For conditional models ``labels`` is one class for
        all, or one per sample; by default the classes cycle 0, 1, ..., K-1. ``truncation`` is
        passed to generators that declare ``supports_truncation`` (``forward(z, y, truncation=psi)``).
        """
        if n <= 0:
            raise ConfigError(f"number of samples must be positive, got {n}")
        kwargs = self.truncation_kwargs(truncation)
        if rejection is not None:
            return self._rejection_sample(n, seed, labels, batch_size, rejection, where, kwargs)
        z = torch.randn(n, self.cfg.z_dim, generator=torch.Generator().manual_seed(seed)).to(self.device)
        y = self._labels(n, labels)
        if self.objective is None:
            if where:
                raise ConfigError("where= selects rows of table models; this generator samples tensors")
            return generate(self.net, z, y, batch_size, **kwargs).float().cpu()
        return self.objective.sample(self.net, z, y, batch_size, seed=seed, where=where, **kwargs)

    def discriminator(self) -> torch.nn.Module:
        """The run's discriminator from the same checkpoint as G (eval mode), for rejection sampling."""
        if self._critic is None:
            if self.checkpoint is None:
                raise ConfigError("this generator was loaded without its discriminator (pretrained weights); "
                                  "rejection sampling needs a run directory")
            objective = build_objective(self.cfg, self.info)
            ckpt.read_weights(self.checkpoint, {"objective": objective})
            self._critic = objective.discriminator.to(self.device).eval()
        return self._critic

    def _rejection_sample(self, n: int, seed: int, labels, batch_size: int, percentile: float,
                          where, kwargs: Dict[str, float]) -> torch.Tensor:
        if self.checkpoint is None:
            self.discriminator()  # explains that there is none
        if not isinstance(self.objective, GANObjective) or type(self.objective).sample is not Objective.sample:
            raise ConfigError("rejection sampling works on noise-to-image and 2-D/vector GAN runs; "
                              "sample this run without rejection")
        packing = getattr(self.objective, "packing", 1)
        if packing > 1:
            raise ConfigError(f"this run's D judges {packing} samples at once (packing), so it cannot "
                              "accept or reject single samples; sample without rejection")
        if where:
            raise ConfigError("where= selects rows of table models; this generator samples tensors")
        if self.num_classes and not isinstance(labels, int):
            raise ConfigError("rejection sampling a conditional model draws one class at a time; pass labels=K "
                              "(--class K)")
        critic, rng = self.discriminator(), torch.Generator().manual_seed(seed)

        def draw(k: int):
            z = torch.randn(k, self.cfg.z_dim, generator=rng).to(self.device)
            y = self._labels(k, labels)
            x = generate(self.net, z, y, batch_size, **kwargs)
            with torch.no_grad():
                logits = torch.cat([critic(x[i:i + batch_size], None if y is None else y[i:i + batch_size]).logits
                                    for i in range(0, k, batch_size)])
            return x.float().cpu(), logits.float().cpu().reshape(k, -1).mean(1)

        return rejection_sample(draw, n, rng, percentile)[0]

    def truncation_kwargs(self, truncation: Optional[float]) -> Dict[str, float]:
        if truncation is None:
            return {}
        if not getattr(self.net, "supports_truncation", False):
            raise ConfigError(f"generator '{self.cfg.generator.name}' has no truncation trick; "
                              "use a biggan or stylegan2 generator, or drop --truncation")
        if truncation < 0:
            raise ConfigError(f"truncation must be >= 0, got {truncation}")
        return {"truncation": float(truncation)}

    def _labels(self, n: int, labels) -> Optional[torch.Tensor]:
        k = self.num_classes
        if not k:
            if labels is not None:
                raise ConfigError("this model is unconditional; drop the class/labels argument")
            return None
        if labels is None:
            y = torch.arange(n) % k
        elif isinstance(labels, int):
            y = torch.full((n,), labels)
        else:
            y = torch.as_tensor(labels).long()
            if y.shape != (n,):
                raise ConfigError(f"labels must be one class or {n} classes, got shape {tuple(y.shape)}")
        if (y < 0).any() or (y >= k).any():
            raise ConfigError(f"class must be in 0..{k - 1}, got {y.min().item()}..{y.max().item()}")
        return y.to(self.device)
