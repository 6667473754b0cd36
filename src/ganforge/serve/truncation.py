"""Each generator family's own truncation trick, as the explorer offers it.

- style generators (StyleGAN2): psi pulls w toward the mapping network's running mean ``w_avg``,
  w' = w_avg + psi (w - w_avg) (Karras et al. 2019, 2020); 1 is off, 0 gives the mean image.
- BigGAN: z is drawn from a normal truncated to [-t, t] (Brock et al. 2019); smaller t trades
  variety for fidelity, no value is off.
- every other generator has none. Scaling z is not offered in its place: a generator whose first
  layer pixel-normalizes z (ProGAN) undoes any scale, and the others were never trained for it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Dict, Optional

import torch

from ..latent import is_style


@dataclass
class Truncation:
    """``kind``: psi | threshold | none; a value in [minimum, maximum]; ``default`` None = off."""

    kind: str
    label: str
    note: str
    minimum: float = 0.0
    maximum: float = 0.0
    step: float = 0.0
    default: Optional[float] = None

    def as_json(self) -> Dict[str, Any]:
        return asdict(self)


def _normalizes_z(gen) -> bool:
    """True when scaling z leaves the output unchanged (the net pixel-normalizes its latent)."""
    g = torch.Generator().manual_seed(0)
    z = torch.randn(2, gen.z_dim, generator=g).to(gen.device)
    y = torch.zeros(2, dtype=torch.long, device=gen.device) if gen.num_classes else None
    was_training = gen.net.training
    gen.net.eval()
    try:
        with torch.no_grad():
            a, b = gen.net(z, y), gen.net(3.0 * z, y)
    finally:
        gen.net.train(was_training)
    return bool(torch.allclose(a, b, atol=1e-5))


def truncation_for(gen) -> Truncation:
    """What the explorer's truncation control does for this generator."""
    name = gen.family
    net = gen.net
    if getattr(net, "supports_truncation", False) and is_style(net):
        return Truncation("psi", "truncation ψ",
                          "ψ pulls each w toward the mapping network's running mean w_avg: w' = w_avg + ψ (w − w_avg) "
                          "(StyleGAN). 1 is off; lower values trade variety for typical-looking samples; 0 is the "
                          "mean image.", 0.0, 1.0, 0.05, 1.0)
    if getattr(net, "supports_truncation", False):
        return Truncation("threshold", "truncation t",
                          "z is drawn from a normal truncated to [−t, t] (the BigGAN truncation trick); smaller t "
                          "trades variety for fidelity. Off draws z from the full normal.", 0.05, 2.0, 0.05, None)
    why = ("its first layer pixel-normalizes z, so scaling z would change nothing"
           if _normalizes_z(gen) else "it feeds z in directly and was not trained for a truncated prior")
    return Truncation("none", "truncation",
                      f"The {name} generator has no truncation trick: {why}. The stylegan2 generator (ψ toward the "
                      "mean w) and the biggan generator (truncated normal) have one.")


def check_value(spec: Truncation, value: Optional[float]) -> Optional[float]:
    """The value to pass to the generator (None: off); ValueError naming the valid range."""
    if value is None:
        return None
    if spec.kind == "none":
        raise ValueError(f"{spec.note.split(':')[0]}; drop 'truncation'")
    if not spec.minimum <= value <= spec.maximum:
        raise ValueError(f"'truncation' ({spec.label}) must be in {spec.minimum:g}..{spec.maximum:g}, got {value:g}")
    return None if spec.kind == "psi" and value == 1.0 else value
