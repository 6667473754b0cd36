"""The standard noise -> data GAN objective (unconditional or class-conditional)."""
from __future__ import annotations

from typing import Dict, Literal, Optional, Tuple

import torch
from pydantic import Field
from typing_extensions import Annotated

from ..augment import create_augment
from ..errors import ConfigError
from ..losses import get_loss
from ..nets import create_model
from ..nets.freeze import trainable_d_parameters
from ..packing import pack
from ..regularizers import gradient_penalty, r1_penalty, r2_penalty
from ..schedules import SCHEDULES, schedule_factor
from .base import Logs, Objective, StepContext
from .d_extras import DiscriminatorExtras
from .registry import OBJECTIVES

Tensor = torch.Tensor
REGULARIZERS = ("none", "gp", "r1", "r2", "r1r2")
Fraction = Annotated[float, Field(ge=0, le=1)]


def d_stats(real: Tensor, fake: Tensor) -> Logs:
    """How D sees the batch: mean logits, r_t = E[sign D(real)], accuracy on real and fake."""
    real, fake = real.detach().float(), fake.detach().float()
    return {"d_real": real.mean(), "d_fake": fake.mean(), "r_t": torch.sign(real).mean(),
            "acc_real": (real > 0).float().mean(), "acc_fake": (fake < 0).float().mean()}


def reg_factor(opts, progress: float) -> float:
    """Penalty weight multiplier at ``progress``: ``reg_schedule`` between ``reg_decay_start`` and
    ``reg_decay_end``, down to ``reg_final`` x ``reg_weight``. A strong penalty early keeps the modes
    balanced; fading it lets D sharpen them (R3GAN anneals its gamma 10x with a cosine)."""
    return schedule_factor(opts.reg_schedule, progress, opts.reg_decay_start, opts.reg_decay_end,
                           getattr(opts, "reg_final", 0.0))


@OBJECTIVES.register("gan")
class GANObjective(Objective):
    """z (+ class) -> G -> fake; D judges real vs fake with the configured loss and penalty.

    Options: ``conditional``: condition G and D on the data's class labels. ``packing``: PacGAN,
    D judges this many samples at once. ``instance_noise``: std of Gaussian noise on D inputs,
    annealed to 0. ``freeze_d``: FreezeD, keep D's input layer and first K blocks fixed.
    ``regularizer``: gradient penalty on D (none, gp, r1, r2, r1r2), taken at the clean samples
    through D's input pipeline. ``reg_weight``: weight of that penalty. ``reg_every``: lazy
    regularization interval in D steps (the penalty becomes its own optimizer step, with
    StyleGAN2's Adam correction). ``reg_schedule``: linear or cosine makes reg_weight fall to
    reg_final x itself between reg_decay_start and reg_decay_end. ``reg_decay_start``/
    ``reg_decay_end``: fractions of the steps where the schedule starts and ends. ``reg_final``:
    the weight at its end, as a fraction (R3GAN: 0.1).
    ``lecam_weight``: LeCam regularization weight, 0 for off (the paper uses 0.3). ``lecam_decay``:
    decay of its moving averages of D's outputs (0.9 in the authors' BigGAN code).
    ``lecam_start``: generator step after which LeCam applies (1000 in the authors' code).
    ``lecam_two_sided``: the paper's two-sided squares instead of the code's one-sided ReLU form.
    ``bcr_real``/``bcr_fake``: balanced consistency regularization weights on real / fake images
    (flip + shift of the un-augmented image). ``contrastive_weight``: ContraGAN 2C loss weight.
    ``contrastive_temperature``: temperature of the 2C loss. ``drift``: weight of PGGAN's drift
    term E[D(x_real)^2] (0.001 in PGGAN).
    """

    components = ("generator", "discriminator", "augment")  # config keys this objective uses
    separate_reg_phase = True  # a lazy penalty is its own optimizer step (see lazy_intervals)

    def __init__(self, cfg, data_info: Dict[str, object], conditional: bool = False,
                 packing: Annotated[int, Field(ge=1, le=1024)] = 1, instance_noise: float = 0.0, freeze_d: int = 0,
                 regularizer: Literal[REGULARIZERS] = "none", reg_weight: float = 10.0,  # type: ignore[valid-type]
                 reg_every: Annotated[int, Field(ge=1, le=10_000)] = 1,
                 reg_schedule: Literal[SCHEDULES] = "constant", reg_decay_start: Fraction = 0.0,  # type: ignore[valid-type]
                 reg_decay_end: Fraction = 1.0, reg_final: Fraction = 0.0, lecam_weight: float = 0.0,
                 lecam_decay: Annotated[float, Field(ge=0, lt=1)] = 0.9, lecam_start: int = 1000,
                 lecam_two_sided: bool = False, bcr_real: float = 0.0, bcr_fake: float = 0.0,
                 contrastive_weight: float = 0.0, contrastive_temperature: Annotated[float, Field(gt=0)] = 1.0,
                 drift: float = 0.0):
        super().__init__()
        self.cfg = cfg
        self.conditional, self.packing, self.instance_noise, self.freeze_d = conditional, packing, instance_noise, freeze_d
        self.regularizer, self.reg_weight, self.reg_every = regularizer, reg_weight, reg_every
        self.reg_schedule, self.reg_decay_start, self.reg_decay_end = reg_schedule, reg_decay_start, reg_decay_end
        self.reg_final = reg_final
        shape = tuple(data_info["shape"])
        self.num_classes = int(data_info["num_classes"]) if conditional else 0
        if conditional and not self.num_classes:
            raise ConfigError(f"conditional=true needs labelled data; '{data_info['name']}' has no classes")
        self.generator = create_model(cfg.generator.name, "generator", z_dim=cfg.z_dim, shape=shape,
                                      num_classes=self.num_classes, **cfg.generator.kwargs())
        self.augment = create_augment(cfg.augment.name, batch_size=cfg.batch_size, **cfg.augment.kwargs())
        d_shape = (shape[0] * packing,) + tuple(shape[1:])
        d_fixed = {"t_dim": 1} if self.augment.conditions_discriminator else {}  # Diffusion-GAN's D(x, t)
        self.discriminator = create_model(cfg.discriminator.name, "discriminator", shape=d_shape,
                                          num_classes=self.num_classes, **d_fixed, **cfg.discriminator.kwargs())
        self.loss = get_loss(cfg.loss)
        self.extras = DiscriminatorExtras(self.discriminator, len(shape) == 3, bool(self.num_classes), lecam_weight,
                                          lecam_decay, bcr_real, bcr_fake, contrastive_weight, contrastive_temperature,
                                          lecam_start=lecam_start, lecam_two_sided=lecam_two_sided, drift=drift)

    @classmethod
    def check_config(cls, cfg) -> None:
        """Refuse, at load time, combinations of these options with the rest of the config."""
        opts = cfg.objective
        regularizer, packing = opts.get("regularizer", "none"), opts.get("packing", 1)
        if cfg.loss == "wasserstein" and not (regularizer == "gp" or cfg.discriminator.get("spectral_norm")):
            # Unconstrained critics diverge; say so up front instead of letting a run blow up.
            raise ConfigError("loss=wasserstein needs a Lipschitz constraint; add objective.regularizer=gp "
                              "or discriminator.spectral_norm=true")
        if packing > 1 and opts.get("conditional", False):
            raise ConfigError("packing>1 mixes several samples per D input, so it cannot be conditional; "
                              "use objective.packing=1 or objective.conditional=false")
        start, end = opts.get("reg_decay_start", 0.0), opts.get("reg_decay_end", 1.0)
        if opts.get("reg_schedule", "constant") != "constant" and end <= start:
            raise ConfigError(f"reg_decay_end ({end}) must be after reg_decay_start ({start})")
        if cfg.batch_size % packing:
            raise ConfigError(f"batch size {cfg.batch_size} is not divisible by packing={packing}; "
                              f"choose a batch size that is a multiple of {packing}")
        if cfg.label_smoothing > 0 and not get_loss(cfg.loss).smoothable:
            raise ConfigError(f"label_smoothing is defined for loss=ns, minimax or lsgan, not loss={cfg.loss}")

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
        x, t = self.augment.apply_t(x, group=self.packing)
        sigma = self.instance_noise * (1.0 - ctx.progress)
        if sigma > 0:
            x = x + sigma * torch.randn_like(x)
        return pack(x, self.packing), t

    def judge(self, x: Tensor, labels: Optional[Tensor], ctx: StepContext):
        """D's verdict (DOutput) on clean samples x, through the whole :meth:`d_input` pipeline."""
        x_in, t = self.d_input(x, ctx)
        return self.discriminator(x_in, labels) if t is None else self.discriminator(x_in, labels, t)

    def critic(self, labels: Optional[Tensor]):
        """D's logits on inputs that are already D inputs (no augmentation, no packing)."""
        return lambda x: self.discriminator(x, labels).logits

    def d_scores(self, x: Tensor, labels: Optional[Tensor]) -> Tensor:
        labels = labels if self.num_classes else None
        return self.discriminator(pack(x, self.packing), labels).logits.detach().float().reshape(-1)

    def d_parameters(self):
        return trainable_d_parameters(self.discriminator, self.freeze_d)

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
        judge = lambda x, y: self.judge(x, y, ctx)  # noqa: E731
        loss = loss + self.extras.d_terms(real, fake, labels, real_out, fake_out, judge, ctx.step, logs)
        return loss, logs

    def lazy_penalty(self) -> bool:
        return self.regularizer != "none" and self.reg_every > 1

    def lazy_intervals(self, progress: float = 0.0) -> Dict[str, int]:
        # Once a reg schedule has faded the penalty out there are no reg steps to correct for.
        active = self.separate_reg_phase and self.lazy_penalty() and self.reg_weight * reg_factor(self, progress) > 0
        return {"d": self.reg_every} if active else {}

    def step_penalty(self, real: Tensor, fake: Tensor, labels: Optional[Tensor], ctx: StepContext, logs: Logs,
                     critic=None, group: Optional[int] = None, tag: str = "") -> Tensor:
        """The penalty term of a main D step: every step when not lazy; 0 when lazy with its own
        phase (:meth:`d_reg_step`); otherwise every ``reg_every``-th step, scaled by it."""
        every = self.reg_every
        if not self.lazy_penalty():
            return self.penalty(real, fake, labels, ctx, logs, critic, group, tag)
        if self.separate_reg_phase or ctx.d_step % every:
            return real.new_zeros(())
        return every * self.penalty(real, fake, labels, ctx, logs, critic, group, tag)

    def d_reg_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Optional[Tuple[Tensor, Logs]]:
        """StyleGAN2's lazy regularization: every ``reg_every`` D steps, the penalty times
        ``reg_every`` as its own optimizer step (stylegan2-ada training_loop.py, phase Dreg)."""
        every = self.reg_every
        if not (self.separate_reg_phase and self.lazy_penalty()) or ctx.d_step % every:
            return None
        labels = labels if self.num_classes else None
        fake = real
        if self.regularizer in ("gp", "r2", "r1r2"):
            with torch.no_grad():
                fake = self.fake(real.shape[0], labels, real.device)
        logs: Logs = {}
        value = self.penalty(real, fake, labels, ctx, logs)
        return (every * value, logs) if logs else None

    def penalty(self, real: Tensor, fake: Tensor, labels: Optional[Tensor], ctx: StepContext, logs: Logs,
                critic=None, group: Optional[int] = None, tag: str = "") -> Tensor:
        """Weighted gradient penalty at clean samples ``real``/``fake`` (N, ...). ``critic`` maps them
        to D's logits, by default through :meth:`judge` (augmentation, noise, packing), so the
        gradient flows back through the augmentation; ``group`` is the samples per D input;
        objectives with a second discriminator pass its critic with a ``tag`` for the log key."""
        kind = self.regularizer
        weight = self.reg_weight * reg_factor(self, ctx.progress)
        if kind == "none" or weight == 0:
            return real.new_zeros(())
        critic = critic or (lambda x: self.judge(x, labels, ctx).logits)
        group = self.packing if group is None else group
        if kind == "gp":
            value = gradient_penalty(critic, real, fake, group=group)
        else:
            value = real.new_zeros(())
            if kind in ("r1", "r1r2"):
                value = value + r1_penalty(critic, real, group)
            if kind in ("r2", "r1r2"):
                value = value + r2_penalty(critic, fake, group)
        logs[f"reg_{kind}{tag}"] = value.detach()
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
