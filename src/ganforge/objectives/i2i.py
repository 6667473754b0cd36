"""What the image-to-image objectives (pix2pix, CycleGAN, super-resolution) share: the data
check, network options, the zero D loss of a generator-only phase, and the sample panels."""
from __future__ import annotations

import math
from typing import Any, Dict, Optional, Tuple

import torch
import torch.nn.functional as F

from ..errors import ConfigError
from .base import Objective

Tensor = torch.Tensor


def check_translation_config(cfg, data_info: Dict[str, Any], family: str, task: str) -> None:
    """Fail at start-up, in one line, on data or options this family cannot use."""
    found = data_info.get("task")
    if found != task:
        hint = {"paired": "paired:DIR, edges2photo, sr-photos or superres:DIR",
                "unpaired": "unpaired:DIR_A,DIR_B or thin2thick"}
        raise ConfigError(f"objective {family} needs {task} image data (data={hint[task]}); "
                          f"'{data_info.get('name')}' is {found or 'not image-to-image data'}")
    check_no_metrics(cfg, family)


def check_no_metrics(cfg, family: str,
                     scored_by: str = "ganforge.translate.evaluate (benchmarks/translation.py)") -> None:
    """Refuse training-time metrics: FID/KID/IS draw generators from noise, while image-to-image
    quality is PSNR/SSIM against targets."""
    if getattr(cfg, "metrics", None):
        raise ConfigError(f"objective {family} does not support metrics={','.join(cfg.metrics)}; set metrics=[] "
                          f"and score runs with {scored_by}")


def net_options(component, role: str, **fixed: Any) -> Dict[str, Any]:
    """The user's options for the ``role`` net plus those the objective must set from the data
    (channels, scale); a user value that contradicts the data is an error, not silently replaced."""
    options = component.kwargs()
    for key, value in fixed.items():
        if key in options and options[key] != value:
            raise ConfigError(f"{role}.{key}={options[key]} contradicts the data ({key}={value}); drop it")
        options[key] = value
    return options


def zero_loss(module: torch.nn.Module) -> Tensor:
    """A zero loss that still reaches one parameter, so an optimizer step changes nothing
    (used while a phase trains G alone)."""
    return 0.0 * next(module.parameters()).sum()


def l1(a: Tensor, b: Tensor) -> Tensor:
    return F.l1_loss(a, b)


def _as_rgb(x: Tensor, channels: int, size: int) -> Tensor:
    x = x.detach().float().cpu()
    if x.shape[-1] != size:
        x = F.interpolate(x, size=(size, size), mode="nearest")  # show LR inputs as blocks, not smoothed
    return x.expand(-1, channels, -1, -1) if x.shape[1] != channels else x


class TranslationObjective(Objective):
    """Base of the image-to-image objectives: fixed sample inputs come from the dataset's first
    images; panels show input | output (| target) for each."""

    show_targets = True  # paired data has a ground truth worth showing
    _panel_targets: Optional[Tensor] = None

    def sample(self, net, z, labels, batch_size=256, seed=0, where=None, **gen_kwargs):
        """Translation runs map images, not noise: point users to the commands that do."""
        raise ConfigError("this run translates images rather than sampling noise; use ganforge translate "
                          "(or upscale) RUN INPUT --out DIR, or ganforge.translate.apply.ImageModel")

    def reference_batch(self, dataset, index: Tensor) -> Tensor:
        return dataset.targets(index)

    def sample_inputs(self, dataset, n: int) -> Tensor:
        inputs, targets = dataset.fixed_batch(n)
        self._panel_targets = targets if self.show_targets else None
        return inputs

    def sample_panel(self, inputs: Tensor, outputs: Tensor) -> Tuple[Tensor, Optional[int]]:
        """(n, C, H, W) inputs and outputs -> interleaved rows [input, output(, target)] x n."""
        parts = [inputs, outputs] + ([self._panel_targets] if self._panel_targets is not None else [])
        channels = max(p.shape[1] for p in parts)
        size = max(p.shape[-1] for p in parts)
        parts = [_as_rgb(p, channels, size) for p in parts]
        panel = torch.stack(parts, dim=1).flatten(0, 1)
        per_row = max(1, round(math.sqrt(len(outputs) / len(parts))))
        return panel, per_row * len(parts)


def g_adversarial(loss, critic, fake: Tensor, real: Tensor) -> Tensor:
    """G's adversarial term for any loss family; relativistic ones also see D's (detached)
    logits on real data, as ESRGAN does."""
    real_logits = None
    if loss.g_needs_real:
        with torch.no_grad():
            real_logits = critic(real)
    return loss.g_loss(critic(fake), real_logits)
