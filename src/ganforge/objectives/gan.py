"""The standard noise -> data GAN objective (unconditional or class-conditional)."""
from __future__ import annotations

from typing import Dict, Optional, Tuple

import torch

from ..augment import create_augment
from ..errors import ConfigError
from ..losses import get_loss
from ..nets import create_model
from ..packing import pack
from ..regularizers import gradient_penalty, r1_penalty, r2_penalty
from ..schedules import schedule_factor
from ..train.transfer import trainable_d_parameters
from .base import Logs, Objective, StepContext
from .d_extras import DiscriminatorExtras
from .registry import OBJECTIVES

Tensor = torch.Tensor


def d_stats(real: Tensor, fake: Tensor) -> Logs:
    """How D sees the batch: mean logits, r_t = E[sign D(real)], accuracy on real and fake."""
    real, fake = real.detach().float(), fake.detach().float()
    return {"d_real": real.mean(), "d_fake": fake.mean(), "r_t": torch.sign(real).mean(),
            "acc_real": (real > 0).float().mean(), "acc_fake": (fake < 0).float().mean()}


def reg_factor(cfg, progress: float) -> float:
    """Penalty weight multiplier at ``progress``: ``reg_schedule`` between ``reg_decay_start`` and
    ``reg_decay_end``, down to ``reg_final`` x ``reg_weight``. A strong penalty early keeps the modes
    balanced; fading it lets D sharpen them (R3GAN anneals its gamma 10x with a cosine)."""
    return schedule_factor(cfg.reg_schedule, progress, cfg.reg_decay_start, cfg.reg_decay_end, cfg.reg_final)


def check_discriminator_input(cfg) -> None:
    """Config-time checks of what D is fed: adaptive augmentation needs a loss whose logit sign
    is a verdict, and Diffusion-GAN needs a discriminator that takes the diffusion step t."""
    from ..augment import AUGMENTS
    from ..losses import LOSSES
    from ..nets import DISCRIMINATORS
    from ..registry import accepted_options

    aug = AUGMENTS.get(cfg.augment.name)
    options = cfg.augment.kwargs()
    if aug.adapts(options) and not get_loss(cfg.loss).sign_is_verdict:
        good = [n for n in LOSSES.names() if get_loss(n).sign_is_verdict]
        good = ", ".join(good[:-1]) + f" or {good[-1]}" if len(good) > 1 else good[0]
        raise ConfigError(f"augment.name={cfg.augment.name} adapts on sign(D(real)), which means nothing for "
                          f"loss={cfg.loss}; use loss={good}, or fix the strength with augment.target=null")
    if aug.conditions_discriminator:
        takes_t = [n for n in DISCRIMINATORS.names() if "t_dim" in (accepted_options(DISCRIMINATORS.get(n)) or ())]
        if cfg.discriminator.name not in takes_t:
            raise ConfigError(f"augment.name={cfg.augment.name} conditions D on the diffusion step t, which "
                              f"discriminator={cfg.discriminator.name} cannot take; use one of: {', '.join(takes_t)}")


@OBJECTIVES.register("gan")
class GANObjective(Objective):
    """z (+ class) -> G -> fake; D judges real vs fake with the configured loss and penalty.

    Args (``objective.KEY``; every extra term is off at its default):
        lecam_weight: weight of LeCam regularization (the paper uses 0.3).
        lecam_decay: EMA decay of LeCam's anchors (0.9 in the authors' BigGAN code).
        lecam_start: generator step after which LeCam applies (1000 in the authors' code).
        lecam_two_sided: the paper's two-sided squares instead of the code's one-sided ReLU form.
        bcr_real: weight of balanced consistency regularization on real images.
        bcr_fake: weight of balanced consistency regularization on generated images.
        contrastive_weight: weight of ContraGAN's 2C loss (conditional runs).
        contrastive_temperature: temperature of the 2C loss.
        drift: weight of PGGAN's drift term E[D(x_real)^2] (0.001 in PGGAN).
    """

    separate_reg_phase = True  # a lazy penalty is its own optimizer step (see lazy_intervals)

    def __init__(self, cfg, data_info: Dict[str, object], lecam_weight: float = 0.0, lecam_decay: float = 0.9,
                 lecam_start: int = 1000, lecam_two_sided: bool = False, bcr_real: float = 0.0, bcr_fake: float = 0.0,
                 contrastive_weight: float = 0.0, contrastive_temperature: float = 1.0, drift: float = 0.0):
        super().__init__()
        self.cfg = cfg
        shape = tuple(data_info["shape"])
        self.num_classes = int(data_info["num_classes"]) if cfg.conditional else 0
        if cfg.conditional and not self.num_classes:
            raise ConfigError(f"conditional=true needs labelled data; '{data_info['name']}' has no classes")
        self.generator = create_model(cfg.generator.name, "generator", z_dim=cfg.z_dim, shape=shape,
                                      num_classes=self.num_classes, **cfg.generator.kwargs())
        self.augment = create_augment(cfg.augment.name, batch_size=cfg.batch_size, **cfg.augment.kwargs())
        d_shape = (shape[0] * cfg.packing,) + tuple(shape[1:])
        d_options = dict(cfg.discriminator.kwargs())
        if self.augment.conditions_discriminator:
            d_options["t_dim"] = 1  # Diffusion-GAN's D(x, t)
        self.discriminator = create_model(cfg.discriminator.name, "discriminator", shape=d_shape,
                                          num_classes=self.num_classes, **d_options)
        self.loss = get_loss(cfg.loss)
        self.extras = DiscriminatorExtras(self.discriminator, len(shape) == 3, bool(self.num_classes), lecam_weight,
                                          lecam_decay, bcr_real, bcr_fake, contrastive_weight, contrastive_temperature,
                                          lecam_start=lecam_start, lecam_two_sided=lecam_two_sided, drift=drift)

    # -- pieces ---------------------------------------------------------------------------
    def latent(self, n: int, device: torch.device) -> Tensor:
        return torch.randn(n, self.cfg.z_dim, device=device)

    def fake(self, n: int, labels: Optional[Tensor], device: torch.device) -> Tensor:
        """n generated samples (subclasses add style mixing, progressive levels...)."""
        return self.generator(self.latent(n, device), labels)

    def d_input(self, x: Tensor, ctx: StepContext) -> Tuple[Tensor, Optional[Tensor]]:
        """What D sees of clean samples x: augmented (same pipeline for real and fake), instance
        noise annealed linearly to zero over the run, then packed (PacGAN); plus the per-pack
        diffusion steps t for Diffusion-GAN's D(x, t) (None otherwise)."""
        x, t = self.augment.apply_t(x, group=self.cfg.packing)
        sigma = self.cfg.instance_noise * (1.0 - ctx.progress)
        if sigma > 0:
            x = x + sigma * torch.randn_like(x)
        return pack(x, self.cfg.packing), t

    def judge(self, x: Tensor, labels: Optional[Tensor], ctx: StepContext):
        """D's verdict (DOutput) on clean samples x, through the whole :meth:`d_input` pipeline."""
        x_in, t = self.d_input(x, ctx)
        return self.discriminator(x_in, labels) if t is None else self.discriminator(x_in, labels, t)

    def critic(self, labels: Optional[Tensor]):
        """D's logits on inputs that are already D inputs (no augmentation, no packing)."""
        return lambda x: self.discriminator(x, labels).logits

    def d_parameters(self):
        return trainable_d_parameters(self.discriminator, self.cfg.freeze_d)

    def g_parameters(self):
        return self.generator.parameters()

    # -- steps ----------------------------------------------------------------------------
    def d_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        labels = labels if self.num_classes else None
        with torch.no_grad():
            fake = self.fake(real.shape[0], labels, real.device)
        real_out, fake_out = self.judge(real, labels, ctx), self.judge(fake, labels, ctx)
        real_logits, fake_logits = real_out.logits, fake_out.logits
        adv = self.loss.d_loss(real_logits, fake_logits, self.cfg.label_smoothing)
        self.augment.observe(real_logits.detach())
        logs = {"loss_d_adv": adv.detach(), **d_stats(real_logits, fake_logits)}
        loss = adv + self.step_penalty(real, fake, labels, ctx, logs)
        judge = lambda x: self.judge(x, labels, ctx)  # noqa: E731
        loss = loss + self.extras.d_terms(real, fake, labels, real_out, fake_out, judge, ctx.step, logs)
        return loss, logs

    def lazy_penalty(self) -> bool:
        return self.cfg.regularizer != "none" and self.cfg.reg_every > 1

    def lazy_intervals(self, progress: float = 0.0) -> Dict[str, int]:
        # Once a reg schedule has faded the penalty out there are no reg steps to correct for.
        active = self.separate_reg_phase and self.lazy_penalty() and self.cfg.reg_weight * reg_factor(self.cfg, progress) > 0
        return {"d": self.cfg.reg_every} if active else {}

    def step_penalty(self, real: Tensor, fake: Tensor, labels: Optional[Tensor], ctx: StepContext, logs: Logs,
                     critic=None, group: Optional[int] = None) -> Tensor:
        """The penalty term of a main D step: every step when not lazy; 0 when lazy with its own
        phase (:meth:`d_reg_step`); otherwise every ``reg_every``-th step, scaled by it."""
        every = self.cfg.reg_every
        if not self.lazy_penalty():
            return self.penalty(real, fake, labels, ctx, logs, critic, group)
        if self.separate_reg_phase or ctx.d_step % every:
            return real.new_zeros(())
        return every * self.penalty(real, fake, labels, ctx, logs, critic, group)

    def d_reg_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Optional[Tuple[Tensor, Logs]]:
        """StyleGAN2's lazy regularization: every ``reg_every`` D steps, the penalty times
        ``reg_every`` as its own optimizer step (stylegan2-ada training_loop.py, phase Dreg)."""
        every = self.cfg.reg_every
        if not (self.separate_reg_phase and self.lazy_penalty()) or ctx.d_step % every:
            return None
        labels = labels if self.num_classes else None
        fake = real
        if self.cfg.regularizer in ("gp", "r2", "r1r2"):
            with torch.no_grad():
                fake = self.fake(real.shape[0], labels, real.device)
        logs: Logs = {}
        value = self.penalty(real, fake, labels, ctx, logs)
        return (every * value, logs) if logs else None

    def penalty(self, real: Tensor, fake: Tensor, labels: Optional[Tensor], ctx: StepContext, logs: Logs,
                critic=None, group: Optional[int] = None) -> Tensor:
        """Weighted gradient penalty at clean samples ``real``/``fake`` (N, ...). ``critic`` maps them
        to D's logits, by default through :meth:`judge` (augmentation, noise, packing), so the
        gradient flows back through the augmentation; ``group`` is the samples per D input."""
        kind = self.cfg.regularizer
        weight = self.cfg.reg_weight * reg_factor(self.cfg, ctx.progress)
        if kind == "none" or weight == 0:
            return real.new_zeros(())
        critic = critic or (lambda x: self.judge(x, labels, ctx).logits)
        group = self.cfg.packing if group is None else group
        if kind == "gp":
            value = gradient_penalty(critic, real, fake, group=group)
        else:
            value = real.new_zeros(())
            if kind in ("r1", "r1r2"):
                value = value + r1_penalty(critic, real, group)
            if kind in ("r2", "r1r2"):
                value = value + r2_penalty(critic, fake, group)
        logs[f"reg_{kind}"] = value.detach()
        return weight * value

    def after_d_step(self, ctx: StepContext) -> None:
        self.augment.update()

    def extra_state(self) -> Dict[str, object]:
        return {"augment": self.augment.state_dict(), "d_extras": self.extras.state_dict()}

    def load_extra_state(self, state: Dict[str, object]) -> None:
        self.augment.load_state_dict(state.get("augment", {}))
        self.extras.load_state_dict(state.get("d_extras", {}))

    def log_stats(self) -> Dict[str, float]:
        return self.augment.stats()

    def g_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        labels = labels if self.num_classes else None
        fake = self.fake(real.shape[0], labels, real.device)
        fake_out = self.judge(fake, labels, ctx)
        real_logits = None
        if self.loss.g_needs_real:
            with torch.no_grad():
                real_logits = self.judge(real, labels, ctx).logits
        adv = self.loss.g_loss(fake_out.logits, real_logits)
        logs = {"loss_g_adv": adv.detach()}
        return adv + self.extras.g_terms(fake_out, labels, logs), logs
