"""The standard noise -> data GAN objective (unconditional or class-conditional)."""
from __future__ import annotations

from typing import Dict, Optional, Tuple

import torch
from pydantic import Field
from typing_extensions import Annotated

from ..augment import create_augment
from ..errors import ConfigError
from ..losses import get_loss
from ..nets import create_model
from ..nets.freeze import trainable_d_parameters
from ..packing import pack
from .base import Logs, StepContext
from .host import PenaltyHost
from .registry import OBJECTIVES
from .terms.base import Fraction  # noqa: F401  (re-exported for objectives that bound fractions)

Tensor = torch.Tensor


def d_stats(real: Tensor, fake: Tensor) -> Logs:
    """How D sees the batch: mean logits, r_t = E[sign D(real)], accuracy on real and fake."""
    real, fake = real.detach().float(), fake.detach().float()
    return {"d_real": real.mean(), "d_fake": fake.mean(), "r_t": torch.sign(real).mean(),
            "acc_real": (real > 0).float().mean(), "acc_fake": (fake < 0).float().mean()}


@OBJECTIVES.register("gan")
class GANObjective(PenaltyHost):
    """z (+ class) -> G -> fake; D judges real vs fake with the configured loss and loss terms.

    Options: ``conditional``: condition G and D on the data's class labels. ``packing``: PacGAN,
    D judges this many samples at once. ``instance_noise``: std of Gaussian noise on D inputs,
    annealed to 0. ``freeze_d``: FreezeD, keep D's input layer and first K blocks fixed.
    The flat options below spell loss terms (``objective.terms.NAME``), kept for existing configs:
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
    provides = frozenset({"critic", "d_outputs", "judge"})
    separate_reg_phase = True  # a lazy penalty is its own optimizer step (see lazy_intervals)
    term_shorthands = {
        "lecam_weight": ("lecam", "weight"), "lecam_decay": ("lecam", "decay"), "lecam_start": ("lecam", "start"),
        "lecam_two_sided": ("lecam", "two_sided"), "bcr_real": ("bcr_real", "weight"),
        "bcr_fake": ("bcr_fake", "weight"), "contrastive_weight": ("contrastive", "weight"),
        "contrastive_temperature": ("contrastive", "temperature"), "drift": ("drift", "weight")}

    def __init__(self, cfg, data_info: Dict[str, object], conditional: bool = False,
                 packing: Annotated[int, Field(ge=1, le=1024)] = 1, instance_noise: float = 0.0, freeze_d: int = 0,
                 lecam_weight: float = 0.0, lecam_decay: Annotated[float, Field(ge=0, lt=1)] = 0.9,
                 lecam_start: int = 1000, lecam_two_sided: bool = False, bcr_real: float = 0.0, bcr_fake: float = 0.0,
                 contrastive_weight: float = 0.0, contrastive_temperature: Annotated[float, Field(gt=0)] = 1.0,
                 drift: float = 0.0, **options):
        super().__init__(cfg, **options)
        self.cfg = cfg
        self.conditional, self.packing, self.instance_noise, self.freeze_d = conditional, packing, instance_noise, freeze_d
        shape = self.data_shape = tuple(data_info["shape"])
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

    @classmethod
    def check_config(cls, cfg) -> None:
        """Refuse, at load time, combinations of these options with the rest of the config."""
        super().check_config(cfg)
        opts = cfg.objective
        packing = opts.get("packing", 1)
        has_gp = "gp" in cls.resolved_terms(cfg)
        if cfg.loss == "wasserstein" and not (has_gp or cfg.discriminator.get("spectral_norm")):
            # Unconstrained critics diverge; say so up front instead of letting a run blow up.
            raise ConfigError("loss=wasserstein needs a Lipschitz constraint; add objective.regularizer=gp "
                              "or discriminator.spectral_norm=true")
        if packing > 1 and opts.get("conditional", False):
            raise ConfigError("packing>1 mixes several samples per D input, so it cannot be conditional; "
                              "use objective.packing=1 or objective.conditional=false")
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

    def fake_labels(self, n: int, labels: Optional[Tensor], device: torch.device) -> Optional[Tensor]:
        """The classes fakes are drawn for: the real batch's (AC-GAN draws them uniformly)."""
        return labels

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
        fake_labels = self.fake_labels(real.shape[0], labels, real.device)
        with torch.no_grad():
            fake = self.fake(real.shape[0], fake_labels, real.device)
        real_out, fake_out = self.judge(real, labels, ctx), self.judge(fake, fake_labels, ctx)
        adv = self.loss.d_loss(real_out.logits, fake_out.logits, self.cfg.label_smoothing)
        self.augment.observe(real_out.logits.detach())
        logs = {"loss_d_adv": adv.detach(), **d_stats(real_out.logits, fake_out.logits)}
        inputs = self.d_inputs(real, fake, labels, ctx, fake_labels=fake_labels, real_out=real_out, fake_out=fake_out,
                               judge=lambda x, y: self.judge(x, y, ctx), group=self.packing)
        return self.plus_terms(adv, "d", inputs, logs), logs

    def g_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        labels = labels if self.num_classes else None
        fake_labels = self.fake_labels(real.shape[0], labels, real.device)
        fake = self.fake(real.shape[0], fake_labels, real.device)
        fake_out = self.judge(fake, fake_labels, ctx)
        real_logits = None
        if self.loss.g_needs_real:
            with torch.no_grad():
                real_logits = self.judge(real, labels, ctx).logits
        adv = self.loss.g_loss(fake_out.logits, real_logits)
        logs = {"loss_g_adv": adv.detach()}
        inputs = self.d_inputs(real, fake, labels, ctx, fake_labels=fake_labels, fake_out=fake_out,
                               judge=lambda x, y: self.judge(x, y, ctx))
        return self.plus_terms(adv, "g", inputs, logs), logs

    def after_d_step(self, ctx: StepContext) -> None:
        self.augment.update()

    def extra_state(self) -> Dict[str, object]:
        return {"augment": self.augment.state_dict(), **super().extra_state()}

    def load_extra_state(self, state: Dict[str, object]) -> None:
        self.augment.load_state_dict(state.get("augment", {}))
        super().load_extra_state(state)

    def log_stats(self) -> Dict[str, float]:
        return self.augment.stats()
