"""A trained generator, ready to sample: :class:`Generator` (``ganforge.load`` and
``ganforge.from_pretrained`` return one). It comes from a run directory (with the run's config,
objective and discriminator at hand) or from a model folder (the generator alone)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Optional, Sequence, Union

import torch

from .artifact import is_model_folder, read_model_folder, write_model_folder
from .config import TrainConfig, build_config
from .errors import ConfigError
from .model_folder import build_net, decoder_for, load_state, net_spec
from .nets.generate import generate
from .objectives import Objective, build_objective
from .objectives.gan import GANObjective
from .portable import portable_writers
from .pretrained import is_pretrained, pretrained_folder
from .rejection import rejection_sample
from .train import checkpoint as ckpt
from .train.devices import pick_device

PathLike = Union[str, Path]


def recorded_config(raw: Optional[Dict[str, Any]]) -> Optional[TrainConfig]:
    """The training config a model folder records, for reading (recipe, steps, data spec), or
    None when there is none or it no longer validates here (a net of a package not installed)."""
    if not isinstance(raw, dict):
        return None
    try:
        return build_config(raw)
    except ConfigError:
        return None


class Generator:
    """A trained generator: ``.sample(n, seed=0, labels=None)``; ``.net`` is the plain nn.Module.

    ``source`` is the run directory or model folder it came from (also ``run_dir``). Loaded from
    a run, ``objective`` and ``checkpoint`` (where D lives) are set; from a model folder they are
    None, ``decoder`` turns a table generator's outputs into rows and ``cfg`` is the training
    config the folder records (for reading; None when it does not validate here).
    """

    def __init__(self, net: torch.nn.Module, *, info: Dict[str, Any], device: torch.device, z_dim: int,
                 num_classes: int, family: str, name: str, source: PathLike, weights: str = "ema",
                 cfg: Optional[TrainConfig] = None, objective: Optional[Objective] = None,
                 checkpoint: Optional[Path] = None, decoder: Any = None, provenance: Optional[Dict[str, Any]] = None):
        self.net, self.info, self.device = net, info, device
        self.z_dim, self.num_classes, self.family, self.name = int(z_dim), int(num_classes), family, name
        self.source = Path(source) if not is_pretrained(source) else source
        self.weights = weights  # "ema" (the moving average) or "trained" (the live weights)
        self.cfg, self.objective, self.checkpoint = cfg, objective, checkpoint
        self.decoder = decoder  # objective or TableRows: outputs -> samples; None: plain tensors
        self.provenance = provenance or {}
        self._critic: Optional[torch.nn.Module] = None

    @property
    def run_dir(self):
        return self.source

    @property
    def kind(self) -> str:
        return str(self.info["kind"])

    @property
    def input_kind(self) -> str:
        """``latent`` (noise to samples) or ``image`` (image-to-image)."""
        return str(getattr(self.net, "input_kind", "latent"))

    # -- model folders --------------------------------------------------------------------
    @classmethod
    def from_pretrained(cls, path: PathLike, device: str = "cpu") -> "Generator":
        """Build the generator of a model folder (``ganforge export``) or ``pretrained:NAME``
        alone: no discriminator, no objective, float32 weights in eval mode on ``device``."""
        folder = pretrained_folder(str(path)) if is_pretrained(path) else Path(path)
        if not is_model_folder(folder):
            hint = "; it is a run directory: use ganforge.load" if (folder / "config.yaml").exists() else ""
            raise ConfigError(f"'{path}' is not a model folder (config.json + model.safetensors){hint}")
        config, tensors = read_model_folder(folder)
        net = build_net(config["generator"])
        load_state(net, tensors, str(path))
        dev = pick_device(device)
        data, provenance = config["data"], config.get("source", {})
        return cls(net.to(dev).eval(), info=data, device=dev, z_dim=config.get("z_dim") or 0,
                   num_classes=config.get("num_classes", 0), family=config["family"], name=config.get("name", ""),
                   source=path if is_pretrained(path) else folder, weights=config.get("weights", "ema"),
                   cfg=recorded_config(provenance.get("config")), decoder=decoder_for(data), provenance=provenance)

    def save_pretrained(self, out: PathLike, formats: Sequence[str] = (),
                        metadata: Optional[Dict[str, Any]] = None) -> Path:
        """Write this generator as a model folder: ``out/config.json`` + ``out/model.safetensors``
        (plain state-dict keys), plus a portable copy per entry of ``formats`` (``torchscript``,
        ``onnx``). ``metadata``: more JSON entries for config.json (measured quality, notes).
        ``Generator.from_pretrained(out)`` gives back the same samples for a seed."""
        config = {**(metadata or {}),
            "name": self.name, "family": self.family, "kind": self.kind, "input": self.input_kind,
            "generator": net_spec(self.net), "data_shape": list(self.info["shape"]),
            "z_dim": self.z_dim if self.input_kind == "latent" else None, "num_classes": self.num_classes,
            "class_names": list(self.info.get("class_names") or []) if self.num_classes else [],
            "supports_truncation": bool(getattr(self.net, "supports_truncation", False)),
            "weights": self.weights, "data": self.info, "source": self.provenance,
        }
        return write_model_folder(out, config, self.net.state_dict(), portable_writers(self, formats))

    def describe(self) -> str:
        """One line: what this generator is and where it came from."""
        classes = f", {self.num_classes} classes" if self.num_classes else ""
        return f"{self.family} {self.kind} generator{classes} ({self.weights} weights) from {self.source}"

    # -- sampling -------------------------------------------------------------------------
    def sample(self, n: int, seed: int = 0, labels: Union[int, Sequence[int], torch.Tensor, None] = None,
               batch_size: int = 256, where: Optional[Dict[str, Any]] = None, truncation: Optional[float] = None,
               rejection: Optional[float] = None, progress: Optional[bool] = False):
        """n samples on the CPU: images N x C x H x W in [-1, 1], vectors N x D, or for table
        runs a pandas DataFrame of n rows (``where={"island": "Dream"}`` keeps to that value).
        ``truncation``: the truncation trick of generators that support it (biggan, stylegan2).
        ``rejection``: keep samples by discriminator rejection sampling (DRS) with gamma at this
        percentile of the scores (95 in the paper); see ``ganforge.rejection``.

        The same seed gives the same samples. For conditional models ``labels`` is one class for
        all, or one per sample; by default the classes cycle 0, 1, ..., K-1. ``truncation`` is
        passed to generators that declare ``supports_truncation`` (``forward(z, y, truncation=psi)``).
        ``progress``: a bar with an ETA over large draws of images or vectors (None: on a terminal).
        """
        if n <= 0:
            raise ConfigError(f"number of samples must be positive, got {n}")
        if self.input_kind == "image" and self.objective is None:
            raise ConfigError("this model translates images rather than sampling noise; use ganforge translate "
                              "(or upscale) MODEL INPUT --out DIR, or ganforge.translate.apply.ImageModel")
        kwargs = self.truncation_kwargs(truncation)
        if rejection is not None:
            return self._rejection_sample(n, seed, labels, batch_size, rejection, where, kwargs)
        z = torch.randn(n, self.z_dim, generator=torch.Generator().manual_seed(seed)).to(self.device)
        y = self._labels(n, labels)
        if self.decoder is None:
            if where:
                raise ConfigError("where= selects rows of table models; this generator samples tensors")
            return generate(self.net, z, y, batch_size, progress=progress, **kwargs).float().cpu()
        return self.decoder.sample(self.net, z, y, batch_size, seed=seed, where=where, **kwargs)

    def discriminator(self) -> torch.nn.Module:
        """The run's discriminator from the same checkpoint as G (eval mode), for rejection sampling."""
        if self._critic is None:
            if self.checkpoint is None or self.cfg is None:
                raise ConfigError("this generator was loaded without its discriminator (a model folder); "
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
            z = torch.randn(k, self.z_dim, generator=rng).to(self.device)
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
            raise ConfigError(f"generator '{self.family}' has no truncation trick; "
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
