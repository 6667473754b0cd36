"""CTGAN's objective for tables: WGAN-GP with PacGAN packing and training-by-sampling.

Every row, real or fake, travels with a conditional vector naming one of its discrete values
(see ``tabular/conditional.py``). The critic judges packs of ``pac`` rows, each concatenated
with its conditional vector. The generator gets the adversarial loss plus the cross-entropy
between its logits for the conditioned column and the requested value, so it learns to honour
the condition (which is what makes ``sample(where=...)`` work).
"""
from __future__ import annotations

from typing import Any, Dict, Literal, Optional, Tuple

import torch
import torch.nn.functional as F
from pydantic import Field
from typing_extensions import Annotated

from ..augment import create_augment
from ..errors import ConfigError
from ..losses import get_loss
from ..nets import GENERATORS, create_model
from ..packing import pack
from ..tabular.conditional import ConditionSampler
from ..tabular.sampling import sample_rows
from ..tabular.transformer import TableTransformer
from .base import Logs, Objective, StepContext
from .d_extras import DiscriminatorExtras
from .gan import REGULARIZERS, Fraction, GANObjective, d_stats
from .registry import OBJECTIVES

Tensor = torch.Tensor


def _check(cfg, data_info: Dict[str, object], pac: int) -> None:
    if data_info.get("kind") != "table":
        raise ConfigError(f"objective=tabular needs a table (data=penguins or data=csv:PATH); "
                          f"'{data_info.get('name')}' is {data_info.get('kind')} data")
    if pac < 1 or cfg.batch_size % pac:
        raise ConfigError(f"batch size {cfg.batch_size} is not divisible by objective.pac={pac}; "
                          f"choose a batch size that is a multiple of {pac}")
    if not hasattr(GENERATORS.get(cfg.generator.name), "activate"):
        raise ConfigError(f"objective=tabular needs a generator with per-span activations (generator=ctgan), "
                          f"not generator={cfg.generator.name}")
    if "spans" in cfg.generator.kwargs():
        raise ConfigError("generator.spans is set from the table's encoding; remove it")


@OBJECTIVES.register("tabular")
class TabularObjective(GANObjective):
    """``pac``: rows per critic input (PacGAN); ``ce_weight``: weight of the generator's
    cross-entropy on the conditioned column. ``regularizer``/``reg_weight``/``reg_every``/
    ``reg_schedule``/``reg_decay_start``/``reg_decay_end``: the critic's gradient penalty, as in
    the GAN objective (CTGAN: gp, weight 10)."""

    components = ("generator", "discriminator")  # rows are never augmented like images

    def __init__(self, cfg, data_info: Dict[str, object], pac: Annotated[int, Field(ge=1, le=1024)] = 10,
                 ce_weight: float = 1.0, regularizer: Literal[REGULARIZERS] = "none",  # type: ignore[valid-type]
                 reg_weight: float = 10.0, reg_every: Annotated[int, Field(ge=1, le=10_000)] = 1,
                 reg_schedule: Literal["constant", "linear"] = "constant", reg_decay_start: Fraction = 0.0,
                 reg_decay_end: Fraction = 1.0):
        Objective.__init__(self)
        _check(cfg, data_info, pac)
        self.cfg, self.pac, self.ce_weight = cfg, pac, ce_weight
        self.regularizer, self.reg_weight, self.reg_every = regularizer, reg_weight, reg_every
        self.freeze_d = 0  # the critic is an MLP: no blocks to freeze
        self.reg_schedule, self.reg_decay_start, self.reg_decay_end = reg_schedule, reg_decay_start, reg_decay_end
        self.transformer = TableTransformer.from_json(data_info["table"])
        self.conditions = ConditionSampler([b.counts for b in self.transformer.discrete_blocks])
        # Class ids index the conditional vector's slots (the nets one-hot them), so the
        # Trainer's fixed preview batch cycles through every discrete value as a condition.
        self.num_classes = self.conditions.width
        width, cond = self.transformer.width, self.conditions.width
        self.generator = create_model(cfg.generator.name, "generator", z_dim=cfg.z_dim, shape=(width,),
                                      num_classes=cond, spans=self.transformer.spans, **cfg.generator.kwargs())
        self.discriminator = create_model(cfg.discriminator.name, "discriminator", shape=(pac * (width + cond),),
                                          num_classes=0, **cfg.discriminator.kwargs())
        self.loss = get_loss(cfg.loss)
        self.augment = create_augment("none", batch_size=cfg.batch_size)
        self.extras = DiscriminatorExtras(self.discriminator, image_data=False, conditional=False)  # all off
        self._starts = [b.start for b in self.transformer.discrete_blocks]

    # -- pieces ---------------------------------------------------------------------------
    def condition(self, codes: Tensor) -> Tuple[Optional[Tensor], Optional[Tensor], Optional[Tensor]]:
        """Conditional vectors for rows with category codes N x C -> (cond, column, value)."""
        if not self.conditions.num_columns:
            return None, None, None
        return self.conditions.from_rows(codes)

    def packed(self, x: Tensor, cond: Optional[Tensor]) -> Tensor:
        """Rows with their conditional vectors, ``pac`` at a time: N x F -> N/pac x pac*(F+cond)."""
        return pack(x if cond is None else torch.cat([x, cond], dim=1), self.pac)

    def cross_entropy(self, raw: Tensor, column: Optional[Tensor], value: Optional[Tensor]) -> Tensor:
        """Mean over rows of CE(logits of the conditioned column, requested value)."""
        if column is None:
            return raw.new_zeros(())
        total = raw.new_zeros(())
        for c, (start, size) in enumerate(zip(self._starts, self.conditions.sizes)):
            rows = column == c
            if rows.any():
                total = total + F.cross_entropy(raw[rows, start:start + size], value[rows], reduction="sum")
        return total / raw.shape[0]

    def d_scores(self, x: Tensor, labels: Optional[Tensor]) -> None:
        return None  # the critic judges packs of rows with conditional vectors, not lone rows

    # -- steps ----------------------------------------------------------------------------
    def d_step(self, real: Tensor, codes: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        cond, _, _ = self.condition(codes)
        # Fakes get the same conditions in another order, so packs do not pair up row by row.
        cond_fake = None if cond is None else cond[torch.randperm(len(cond), device=cond.device)]
        with torch.no_grad():
            fake = self.generator(self.latent(real.shape[0], real.device), cond_fake)
        real_in, fake_in = self.packed(real, cond), self.packed(fake, cond_fake)
        real_logits = self.discriminator(real_in).logits
        fake_logits = self.discriminator(fake_in).logits
        adv = self.loss.d_loss(real_logits, fake_logits, self.cfg.label_smoothing)
        logs = {"loss_d_adv": adv.detach(), **d_stats(real_logits, fake_logits)}
        return adv + self.penalty(real_in, fake_in, None, ctx, logs), logs

    def g_step(self, real: Tensor, codes: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        cond, column, value = self.condition(codes)
        raw = self.generator.raw(self.latent(real.shape[0], real.device), cond)
        fake = self.generator.activate(raw)
        real_logits = None
        if self.loss.g_needs_real:
            with torch.no_grad():
                real_logits = self.discriminator(self.packed(real, cond)).logits
        adv = self.loss.g_loss(self.discriminator(self.packed(fake, cond)).logits, real_logits)
        ce = self.cross_entropy(raw, column, value)
        return adv + self.ce_weight * ce, {"loss_g_adv": adv.detach(), "loss_g_ce": ce.detach()}

    # -- sampling -------------------------------------------------------------------------
    def sample(self, net: torch.nn.Module, z: Tensor, labels: Optional[Tensor], batch_size: int = 256,
               seed: int = 0, where: Optional[Dict[str, Any]] = None):
        """Rows as a pandas DataFrame with the table's columns and dtypes (see ``sample_rows``)."""
        return sample_rows(self.transformer, self.conditions, net, z, batch_size, seed, where)
