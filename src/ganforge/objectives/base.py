"""The seam between the Trainer and a GAN family.

An objective owns the networks' forward logic: given a real batch it returns the D loss and the
G loss with named parts for logging. The Trainer owns everything else (optimizers, update
balance, EMA, precision, devices, RNG, logging, checkpoints) and never looks inside.
"""
from __future__ import annotations

from abc import ABCMeta, abstractmethod
from dataclasses import dataclass
from typing import Any, Dict, Iterable, Optional, Tuple

import torch
from torch import nn

from ..errors import ConfigError
from ..nets.generate import generate

Tensor = torch.Tensor
Logs = Dict[str, Tensor]


@dataclass
class StepContext:
    """Where the run is: generator step, D step count so far, and progress in [0, 1]."""

    step: int
    d_step: int
    progress: float


class Objective(nn.Module, metaclass=ABCMeta):
    """Base class. Subclasses set ``self.generator`` (the net that is EMA'd and sampled) and
    implement :meth:`d_step` / :meth:`g_step` / :meth:`d_parameters` / :meth:`g_parameters`."""

    generator: nn.Module
    # Component keys of the config this objective builds; others must stay at their defaults
    # (``augment`` is refused by objectives that do not list it).
    components: Tuple[str, ...] = ("generator", "discriminator")

    @abstractmethod
    def d_step(self, real: Tensor, paired: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        """Loss minimised by the discriminator(s) on one real batch, and named parts to log.

        ``paired`` is what the dataset pairs with each row of ``real``; subclasses name it for
        what it is: ``labels`` (class ids, N) for labelled data, ``target`` images for paired
        data, the other domain's batch for unpaired data, category ``codes`` for tables, or None."""

    @abstractmethod
    def g_step(self, real: Tensor, paired: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        """Loss minimised by the generator(s), and named parts to log."""

    @abstractmethod
    def d_parameters(self) -> Iterable[nn.Parameter]:
        """Parameters the D optimizer updates."""

    @abstractmethod
    def g_parameters(self) -> Iterable[nn.Parameter]:
        """Parameters the G optimizer updates."""

    def lazy_intervals(self, progress: float = 0.0) -> Dict[str, int]:
        """Lazy regularization intervals by network ("d", "g") at ``progress`` in [0, 1]: a penalty
        taken as its own optimizer step every k main steps. While one is active the Trainer gives
        that network's Adam StyleGAN2's correction (lr * k/(k+1), betas ** (k/(k+1))); it calls
        :meth:`d_reg_step` / :meth:`g_reg_step` after each main step. Default: none."""
        return {}

    def trains_d(self, step: int) -> bool:
        """Whether D takes its ``n_critic`` steps at generator step ``step``; False in a phase that
        trains G alone, where the Trainer skips them (batches and optimizer steps included).
        Default: always."""
        return True

    def lr_multipliers(self, step: int) -> Dict[str, float]:
        """Learning-rate multipliers by network ("d", "g") at generator step ``step``, for
        objectives whose phases train at their own rates (applied on top of the schedule).
        Default: none."""
        return {}

    def d_reg_step(self, real: Tensor, paired: Optional[Tensor], ctx: StepContext) -> Optional[Tuple[Tensor, Logs]]:
        """The lazy D penalty (already scaled by its interval) and logs when due, else None."""
        return None

    def g_reg_step(self, real: Tensor, paired: Optional[Tensor], ctx: StepContext) -> Optional[Tuple[Tensor, Logs]]:
        """The lazy G penalty (already scaled by its interval) and logs when due, else None."""
        return None

    def extra_state(self) -> Dict[str, object]:
        """Non-parameter state to checkpoint (augmentation strength, counters...)."""
        return {}

    def load_extra_state(self, state: Dict[str, object]) -> None:
        pass

    def after_d_step(self, ctx: StepContext) -> None:
        """Hook after D's optimizer step (adaptive augmentation updates live here)."""

    def log_stats(self) -> Dict[str, float]:
        """Extra scalars for ``metrics.jsonl`` (augmentation strength...)."""
        return {}

    def sample(self, net: nn.Module, z: Tensor, labels: Optional[Tensor], batch_size: int = 256,
               seed: int = 0, where: Optional[Dict[str, Any]] = None, **gen_kwargs: Any) -> Any:
        """What users get from ``net`` (the sampled generator) for latents z (N x z_dim) and
        checked class ids ``labels`` (N,) or None: a CPU tensor (images N x C x H x W in
        [-1, 1], or vectors N x D). Table objectives return a DataFrame and accept ``where``."""
        if where:
            raise ConfigError("where= selects rows of table models; use labels= (--class) for class-conditional models")
        return generate(net, z, labels, batch_size, **gen_kwargs).float().cpu()

    def d_scores(self, x: Tensor, labels: Optional[Tensor]) -> Optional[Tensor]:
        """D's raw outputs for real or generated samples ``x`` (N x ...) with class ids ``labels``
        (N,) or None, as the D step scores them but without augmentation: a float tensor of
        N / packing values. None (the default) where D does not judge lone samples, which turns
        the health monitor's held-out overfitting check off."""
        return None

    def reference_batch(self, dataset, index: Tensor) -> Tensor:
        """Real data that G's outputs should resemble, rows ``index`` of ``dataset`` (the health
        monitor's diversity reference). Image-to-image objectives return the targets."""
        return dataset.get(index)[0]

    def sample_inputs(self, dataset, n: int) -> Optional[Tensor]:
        """Generator inputs for the fixed sample grids, or None for latent noise (the default).
        Image-to-image objectives return ``n`` source images (n, C, H, W) from ``dataset``."""
        return None

    def sample_panel(self, inputs: Tensor, outputs: Tensor) -> Tuple[Tensor, Optional[int]]:
        """Images to show for the fixed inputs and G's outputs, and the grid's row length
        (None: the default). Image-to-image objectives lay inputs beside outputs."""
        return outputs, None
