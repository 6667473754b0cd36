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
    """Penalty weight multiplier at ``progress`` in [0, 1]: 1, or a linear fall to 0 between
    ``reg_decay_start`` and ``reg_decay_end``. A strong penalty early keeps the modes balanced;
    fading it lets D sharpen the modes at the end (R3GAN also anneals its gamma)."""
    if opts.reg_schedule == "constant" or progress <= opts.reg_decay_start:
        return 1.0
    return max(0.0, 1.0 - (progress - opts.reg_decay_start) / (opts.reg_decay_end - opts.reg_decay_start))


@OBJECTIVES.register("gan")
class GANObjective(Objective):
    """z (+ class) -> G -> fake; D judges real vs fake with the configured loss and penalty.

    Options: ``conditional``: condition G and D on the data's class labels. ``packing``: PacGAN,
    D judges this many samples at once. ``instance_noise``: std of Gaussian noise on D inputs,
    annealed to 0. ``freeze_d``: FreezeD, keep D's input layer and first K blocks fixed.
    ``regularizer``: gradient penalty on D (none, gp, r1, r2, r1r2). ``reg_weight``: weight of that penalty.
    ``reg_every``: lazy regularization interval in D steps. ``reg_schedule``: linear makes
    reg_weight fall to 0 between reg_decay_start and reg_decay_end. ``reg_decay_start``/
    ``reg_decay_end``: fractions of the steps where a linear schedule starts and reaches 0.
    ``lecam_weight``: LeCam regularization weight (0: off). ``lecam_decay``: decay of its
    moving averages of D's outputs. ``bcr_real``/``bcr_fake``: balanced consistency
    regularization weights on real / fake images. ``contrastive_weight``: ContraGAN 2C loss
    weight. ``contrastive_temperature``: temperature of the 2C loss.
    """

    components = ("generator", "discriminator", "augment")  # config keys this objective uses

    def __init__(self, cfg, data_info: Dict[str, object], conditional: bool = False,
                 packing: Annotated[int, Field(ge=1, le=1024)] = 1, instance_noise: float = 0.0, freeze_d: int = 0,
                 regularizer: Literal[REGULARIZERS] = "none", reg_weight: float = 10.0,  # type: ignore[valid-type]
                 reg_every: Annotated[int, Field(ge=1, le=10_000)] = 1,
                 reg_schedule: Literal["constant", "linear"] = "constant", reg_decay_start: Fraction = 0.0,
                 reg_decay_end: Fraction = 1.0, lecam_weight: float = 0.0, lecam_decay: Fraction = 0.99,
                 bcr_real: float = 0.0, bcr_fake: float = 0.0, contrastive_weight: float = 0.0,
                 contrastive_temperature: Annotated[float, Field(gt=0)] = 1.0):
        super().__init__()
        self.cfg = cfg
        self.conditional, self.packing, self.instance_noise, self.freeze_d = conditional, packing, instance_noise, freeze_d
        self.regularizer, self.reg_weight, self.reg_every = regularizer, reg_weight, reg_every
        self.reg_schedule, self.reg_decay_start, self.reg_decay_end = reg_schedule, reg_decay_start, reg_decay_end
        shape = tuple(data_info["shape"])
        self.num_classes = int(data_info["num_classes"]) if conditional else 0
        if conditional and not self.num_classes:
            raise ConfigError(f"conditional=true needs labelled data; '{data_info['name']}' has no classes")
        self.generator = create_model(cfg.generator.name, "generator", z_dim=cfg.z_dim, shape=shape,
                                      num_classes=self.num_classes, **cfg.generator.kwargs())
        d_shape = (shape[0] * packing,) + tuple(shape[1:])
        self.discriminator = create_model(cfg.discriminator.name, "discriminator", shape=d_shape,
                                          num_classes=self.num_classes, **cfg.discriminator.kwargs())
        self.loss = get_loss(cfg.loss)
        self.augment = create_augment(cfg.augment.name, batch_size=cfg.batch_size, **cfg.augment.kwargs())
        self.extras = DiscriminatorExtras(self.discriminator, len(shape) == 3, bool(self.num_classes), lecam_weight,
                                          lecam_decay, bcr_real, bcr_fake, contrastive_weight, contrastive_temperature)

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
        if opts.get("reg_schedule", "constant") == "linear" and end <= start:
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

    def d_input(self, x: Tensor, ctx: StepContext) -> Tensor:
        """What D sees: augmented (same pipeline for real and fake), instance noise annealed
        linearly to zero over the run, then packed (PacGAN)."""
        x = self.augment(x)
        sigma = self.instance_noise * (1.0 - ctx.progress)
        if sigma > 0:
            x = x + sigma * torch.randn_like(x)
        return pack(x, self.packing)

    def critic(self, labels: Optional[Tensor]):
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
        real_in, fake_in = self.d_input(real, ctx), self.d_input(fake, ctx)
        real_out = self.discriminator(real_in, labels)
        fake_out = self.discriminator(fake_in, labels)
        real_logits, fake_logits = real_out.logits, fake_out.logits
        adv = self.loss.d_loss(real_logits, fake_logits, self.cfg.label_smoothing)
        self.augment.observe(real_logits.detach())
        logs = {"loss_d_adv": adv.detach(), **d_stats(real_logits, fake_logits)}
        loss = adv + self.penalty(real_in, fake_in, labels, ctx, logs)
        loss = loss + self.extras.d_terms(real_in, fake_in, labels, real_out, fake_out, logs)
        return loss, logs

    def penalty(self, real: Tensor, fake: Tensor, labels: Optional[Tensor], ctx: StepContext, logs: Logs) -> Tensor:
        """Configured gradient penalty, applied lazily every ``reg_every`` D steps (scaled up to
        keep its average weight) as in StyleGAN2."""
        kind, every = self.regularizer, self.reg_every
        weight = self.reg_weight * reg_factor(self, ctx.progress)
        if kind == "none" or weight == 0 or ctx.d_step % every:
            return real.new_zeros(())
        critic = self.critic(labels)
        if kind == "gp":
            value = gradient_penalty(critic, real, fake)
        else:
            value = real.new_zeros(())
            if kind in ("r1", "r1r2"):
                value = value + r1_penalty(critic, real)
            if kind in ("r2", "r1r2"):
                value = value + r2_penalty(critic, fake)
        logs[f"reg_{kind}"] = value.detach()
        return weight * every * value

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
        fake_out = self.discriminator(self.d_input(fake, ctx), labels)
        real_logits = None
        if self.loss.g_needs_real:
            with torch.no_grad():
                real_logits = self.discriminator(self.d_input(real, ctx), labels).logits
        adv = self.loss.g_loss(fake_out.logits, real_logits)
        logs = {"loss_g_adv": adv.detach()}
        return adv + self.extras.g_terms(fake_out, labels, logs), logs
