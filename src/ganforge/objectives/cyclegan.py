"""CycleGAN (Zhu et al. 2017): unpaired translation with two generators and two discriminators.

G_AB: A -> B and G_BA: B -> A, judged by D_B and D_A. Without pairs, the cycle losses
||G_BA(G_AB(a)) - a||_1 + ||G_AB(G_BA(b)) - b||_1 (weight ``lambda_cycle``, 10 in the paper)
tie each output to its input; the identity losses ||G_AB(b) - b||_1 + ||G_BA(a) - a||_1
(weight ``lambda_identity * lambda_cycle``, 0.5 * 10) keep colours when no change is needed.
D sees fakes from a history pool of ``pool_size`` images per domain and its loss is halved.
The paper uses the least-squares loss (``loss: lsgan``). The adversarial terms are weighted as in
the authors' code (junyanz/pytorch-CycleGAN-and-pix2pix models/cycle_gan_model.py, GANLoss =
MSELoss): D_X = 0.5 * (MSE(D(real), 1) + MSE(D(fake), 0)) and G's term is MSE(D(G(x)), 1),
undoing the LSGAN paper's 1/2 that ganforge's ``lsgan`` family carries (``criterion_weights``).
"""
from __future__ import annotations

from typing import Dict, Optional, Tuple

import torch
from torch import nn

from ..errors import ConfigError
from ..losses import criterion_weights, get_loss
from ..nets import create_model
from .base import Logs, StepContext
from .gan import d_stats
from .history import ImagePool
from .i2i import TranslationObjective, check_translation_config, g_adversarial, l1, net_options
from .registry import OBJECTIVES

Tensor = torch.Tensor


class CycleGenerators(nn.Module):
    """Both generators as one module, so EMA, checkpoints and ``ganforge.load`` keep them
    together. Calling it translates A -> B; :meth:`direction` picks either net."""

    input_kind = "image"
    directions = ("AtoB", "BtoA")
    scale = 1

    def __init__(self, ab: nn.Module, ba: nn.Module):
        super().__init__()
        self.ab, self.ba = ab, ba
        self.size_multiple = max(getattr(ab, "size_multiple", 1), getattr(ba, "size_multiple", 1))

    def direction(self, name: str) -> nn.Module:
        """'AtoB' -> G_AB, 'BtoA' -> G_BA."""
        if name not in self.directions:
            raise ConfigError(f"direction must be AtoB or BtoA, got '{name}'")
        return self.ab if name == "AtoB" else self.ba

    def forward(self, x: Tensor, y: Optional[Tensor] = None) -> Tensor:
        """x: (N, C_a, H, W) in [-1, 1] -> G_AB(x) (N, C_b, H, W)."""
        return self.ab(x)


@OBJECTIVES.register("cyclegan")
class CycleGANObjective(TranslationObjective):
    """real = A batch, real_b = B batch (drawn independently) from unpaired data.

    ``lambda_cycle``: weight of the cycle losses (10). ``lambda_identity``: weight of the identity losses,
    relative to lambda_cycle (0.5). ``pool_size``: fakes kept per domain in D's history pool (50)."""

    show_targets = False  # no ground truth for unpaired data

    def __init__(self, cfg, data_info: Dict[str, object], lambda_cycle: float = 10.0, lambda_identity: float = 0.5,
                 pool_size: int = 50):
        super().__init__()
        check_translation_config(cfg, data_info, "cyclegan", "unpaired")
        a_shape, b_shape = tuple(data_info["shape"]), tuple(data_info["target_shape"])
        if lambda_identity > 0 and a_shape[0] != b_shape[0]:
            raise ConfigError(f"the identity loss needs domains with the same channels (A has {a_shape[0]}, B has "
                              f"{b_shape[0]}); set objective.lambda_identity=0")
        self.cfg, self.lambda_cycle, self.lambda_identity = cfg, float(lambda_cycle), float(lambda_identity)
        g, d = cfg.generator, cfg.discriminator
        self.generator = CycleGenerators(
            create_model(g.name, "generator", shape=a_shape, **net_options(g, "generator", out_channels=b_shape[0])),
            create_model(g.name, "generator", shape=b_shape, **net_options(g, "generator", out_channels=a_shape[0])))
        self.d_a = create_model(d.name, "discriminator", shape=a_shape, num_classes=0, **d.kwargs())
        self.d_b = create_model(d.name, "discriminator", shape=b_shape, num_classes=0, **d.kwargs())
        self.pool_a, self.pool_b = ImagePool(pool_size), ImagePool(pool_size)
        self.loss = get_loss(cfg.loss)
        self.d_weight, self.g_weight = criterion_weights(self.loss)

    def d_parameters(self):
        return list(self.d_a.parameters()) + list(self.d_b.parameters())

    def g_parameters(self):
        return self.generator.parameters()

    def d_step(self, real: Tensor, real_b: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        a, b = real, real_b
        with torch.no_grad():
            fake_b, fake_a = self.generator.ab(a), self.generator.ba(b)
        fake_b, fake_a = self.pool_b.query(fake_b), self.pool_a.query(fake_a)
        real_b, judged_b = self.d_b(b).logits, self.d_b(fake_b).logits
        real_a, judged_a = self.d_a(a).logits, self.d_a(fake_a).logits
        smooth = self.cfg.label_smoothing
        loss_b = self.d_weight * self.loss.d_loss(real_b, judged_b, smooth)
        loss_a = self.d_weight * self.loss.d_loss(real_a, judged_a, smooth)
        logs = {"loss_d_a": loss_a.detach(), "loss_d_b": loss_b.detach(), **d_stats(real_b, judged_b)}
        return loss_a + loss_b, logs

    def cycle_losses(self, a: Tensor, b: Tensor) -> Dict[str, Tensor]:
        """Generator-side terms for batches a (N, C_a, H, W) and b (N, C_b, H, W): adversarial,
        cycle and identity (unweighted); ``fake_a``/``fake_b`` are the translations."""
        g = self.generator
        fake_b, fake_a = g.ab(a), g.ba(b)
        out = {"fake_a": fake_a, "fake_b": fake_b,
               "cycle": l1(g.ba(fake_b), a) + l1(g.ab(fake_a), b),
               "adv": self.g_weight * (g_adversarial(self.loss, lambda x: self.d_b(x).logits, fake_b, b)
                                       + g_adversarial(self.loss, lambda x: self.d_a(x).logits, fake_a, a))}
        out["identity"] = l1(g.ab(b), b) + l1(g.ba(a), a) if self.lambda_identity > 0 else a.new_zeros(())
        return out

    def g_step(self, real: Tensor, real_b: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        parts = self.cycle_losses(real, real_b)
        loss = (parts["adv"] + self.lambda_cycle * parts["cycle"]
                + self.lambda_cycle * self.lambda_identity * parts["identity"])
        return loss, {"loss_g_adv": parts["adv"].detach(), "loss_cycle": parts["cycle"].detach(),
                      "loss_identity": parts["identity"].detach()}

    def extra_state(self) -> Dict[str, object]:
        return {"pool_a": self.pool_a.state_dict(), "pool_b": self.pool_b.state_dict()}

    def load_extra_state(self, state: Dict[str, object]) -> None:
        self.pool_a.load_state_dict(state.get("pool_a", {}))
        self.pool_b.load_state_dict(state.get("pool_b", {}))
