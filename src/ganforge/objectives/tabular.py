"""CTGAN's objective for tables: WGAN-GP with PacGAN packing and training-by-sampling.

Every row, real or fake, travels with a conditional vector naming one of its discrete values
(see ``tabular/conditional.py``). The critic judges packs of ``pac`` rows, each concatenated
with its conditional vector. The generator gets the adversarial loss plus the cross-entropy
between its logits for the conditioned column and the requested value, so it learns to honour
the condition (which is what makes ``sample(where=...)`` work).

Two generator terms from CTAB-GAN (Zhao et al. 2021), each off at weight 0:
* ``target_weight``: with ``data_options.target=COL``, an auxiliary model learns to predict COL
  from the other columns of real rows (trained with the critic's optimizer, in the D step), and
  the generator pays its loss on generated rows (see ``tabular/target.py``).
* ``info_weight``: the information loss, ||mean f(real) - mean f(fake)||_1 + ||std f(real) -
  std f(fake)||_1 over the critic's penultimate features f (CTAB-GAN's ``loss_info``).
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import torch
from pydantic import Field
from typing_extensions import Annotated

from ..augment import create_augment
from ..errors import ConfigError
from ..losses import get_loss
from ..nets import GENERATORS, DOutput, create_model
from ..nets.freeze import trainable_d_parameters
from ..packing import pack
from ..tabular.conditional import ConditionSampler
from ..tabular.sampling import sample_rows
from ..tabular.target import TargetModel
from ..tabular.transformer import TableTransformer
from .base import Logs, StepContext
from .gan import d_stats
from .host import PenaltyHost
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
class TabularObjective(PenaltyHost):
    """``pac``: rows per critic input (PacGAN); ``ce_weight``: weight of the generator's
    cross-entropy on the conditioned column; ``target_weight``: weight of the auxiliary target
    loss (needs data_options.target); ``target_width`` / ``target_depth``: that model's MLP;
    ``target_soft``: charge the generator against its own target probabilities instead of their
    arg-max (CTAB-GAN); ``info_weight``: weight of the information loss on critic features;
    ``share_fakes``: the G step scores the rows the D step generated (with their conditions)
    instead of generating new ones, one generator forward per step instead of two (as the
    PyTorch DCGAN example; CTGAN generates twice: false).
    The critic's gradient penalty and other terms come from the loss-term options (CTGAN: gp, weight 10)."""

    components = ("generator", "discriminator")  # rows are never augmented like images
    provides = frozenset({"critic", "d_outputs"})
    fused_adam = True  # a few small tensors: Adam's per-tensor overhead dominates on CPU
    separate_reg_phase = False  # the penalty is taken on packed rows inside d_step (lazy: every k-th, x k)

    def __init__(self, cfg, data_info: Dict[str, object], pac: Annotated[int, Field(ge=1, le=1024)] = 10,
                 ce_weight: Annotated[float, Field(ge=0)] = 1.0,
                 target_weight: Annotated[float, Field(ge=0)] = 1.0,
                 target_width: Annotated[int, Field(ge=1, le=65_536)] = 128,
                 target_depth: Annotated[int, Field(ge=0, le=64)] = 2, target_soft: bool = False,
                 info_weight: Annotated[float, Field(ge=0)] = 0.0, share_fakes: bool = True, **options):
        _check(cfg, data_info, pac)
        super().__init__(cfg, **options)
        self.cfg, self.pac, self.ce_weight = cfg, pac, ce_weight
        self.target_weight, self.info_weight, self.share_fakes = target_weight, info_weight, share_fakes
        self._shared: Optional[Tuple] = None  # (step, raw, fake, cond, column, value) of the last D step
        self.transformer = TableTransformer.from_json(data_info["table"])
        self.conditions = ConditionSampler.for_table(self.transformer)
        # Class ids index the conditional vector's slots (the nets one-hot them), so the
        # Trainer's fixed preview batch cycles through every discrete value as a condition.
        self.num_classes = self.conditions.width
        width, cond = self.transformer.width, self.conditions.width
        self.generator = create_model(cfg.generator.name, "generator", z_dim=cfg.z_dim, shape=(width,),
                                      num_classes=cond, spans=self.transformer.spans, **cfg.generator.kwargs())
        self.discriminator = create_model(cfg.discriminator.name, "discriminator", shape=(pac * (width + cond),),
                                          num_classes=0, **cfg.discriminator.kwargs())
        self._batch_stats = any(isinstance(m, torch.nn.modules.batchnorm._NormBase) for m in self.discriminator.modules())
        # A module of the objective: saved in every checkpoint with G and D.
        self.target_model = (TargetModel(self.transformer, target_width, target_depth, target_soft)
                             if self.transformer.target is not None and target_weight > 0 else None)
        self.loss = get_loss(cfg.loss)
        self.augment = create_augment("none", batch_size=cfg.batch_size)
        sizes = self.conditions.sizes
        self._ce_slots = torch.full((len(sizes), max(sizes, default=1)), -1, dtype=torch.long)
        for c, block in enumerate(self.transformer.discrete_blocks):
            self._ce_slots[c, :sizes[c]] = torch.arange(block.start, block.start + sizes[c])

    def d_parameters(self):
        """The critic's, and the auxiliary target model's (it learns from real rows in the D step)."""
        params = list(trainable_d_parameters(self.discriminator, 0))  # an MLP: no blocks to freeze
        return params + (list(self.target_model.parameters()) if self.target_model is not None else [])

    def g_parameters(self):
        return self.generator.parameters()

    # -- pieces ---------------------------------------------------------------------------
    def latent(self, n: int, device: torch.device) -> Tensor:
        return torch.randn(n, self.cfg.z_dim, device=device)

    def condition(self, codes: Tensor) -> Tuple[Optional[Tensor], Optional[Tensor], Optional[Tensor]]:
        """Conditional vectors for rows with category codes N x C -> (cond, column, value)."""
        if not self.conditions.num_columns:
            return None, None, None
        return self.conditions.from_rows(codes)

    def packed(self, x: Tensor, cond: Optional[Tensor]) -> Tensor:
        """Rows with their conditional vectors, ``pac`` at a time: N x F -> N/pac x pac*(F+cond)."""
        return pack(x if cond is None else torch.cat([x, cond], dim=1), self.pac)

    def cross_entropy(self, raw: Tensor, column: Optional[Tensor], value: Optional[Tensor]) -> Tensor:
        """Mean over rows of CE(logits of the conditioned column, requested value).

        Each row gathers its own column's logits into a padded (N, widest) block (padding
        -inf), so all columns go in a few ops instead of a loop over them."""
        if column is None:
            return raw.new_zeros(())
        slots = self._ce_slots.to(raw.device)[column]  # (N, widest) indices into raw, -1 = padding
        logits = raw.gather(1, slots.clamp(min=0)).masked_fill(slots < 0, float("-inf"))
        picked = raw.gather(1, (self._ce_slots.to(raw.device)[column, value])[:, None]).squeeze(1)
        return (torch.logsumexp(logits, dim=1) - picked).mean()

    def d_scores(self, x: Tensor, labels: Optional[Tensor]) -> None:
        return None  # the critic judges packs of rows with conditional vectors, not lone rows

    # -- steps ----------------------------------------------------------------------------
    def d_step(self, real: Tensor, codes: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        cond, column, value = self.condition(codes)
        fake_cond = fake_column = fake_value = None
        if cond is not None:  # fakes get the same conditions in another order, so packs do not pair up
            perm = torch.randperm(len(cond), device=cond.device)
            fake_cond, fake_column, fake_value = cond[perm], column[perm], value[perm]
        z = self.latent(real.shape[0], real.device)
        if self.share_fakes:  # kept with its graph for this step's G update
            raw = self.generator.raw(z, fake_cond)
            fake = self.generator.activate(raw)
            self._shared = (ctx.step, raw, fake, fake_cond, fake_column, fake_value)
            fake = fake.detach()
        else:
            with torch.no_grad():
                fake = self.generator(z, fake_cond)
        real_in, fake_in = self.packed(real, cond), self.packed(fake, fake_cond)
        real_out, fake_out = self.judge_both(real_in, fake_in)
        real_logits, fake_logits = real_out.logits, fake_out.logits
        adv = self.loss.d_loss(real_logits, fake_logits, self.cfg.label_smoothing)
        logs = {"loss_d_adv": adv.detach(), **d_stats(real_logits, fake_logits)}
        critic = lambda x: self.discriminator(x).logits  # noqa: E731  (packed rows are D inputs already)
        inputs = self.d_inputs(real_in, fake_in, None, ctx, real_out=real_out, fake_out=fake_out, critic=critic, group=1)
        loss = self.plus_terms(adv, "d", inputs, logs)
        if self.target_model is not None:
            target = self.target_model.loss(real)
            logs["loss_target_real"] = target.detach()
            loss = loss + target
        return loss, logs

    def judge_both(self, real_in: Tensor, fake_in: Tensor) -> Tuple[DOutput, DOutput]:
        """The critic's outputs on real and on fake packs. A critic without batch statistics
        (CTGAN's) judges both in one pass: the same outputs as two, half the per-layer calls."""
        if self._batch_stats:
            return self.discriminator(real_in), self.discriminator(fake_in)
        both, n = self.discriminator(torch.cat([real_in, fake_in])), real_in.shape[0]

        def rows(part: slice) -> DOutput:
            return DOutput(*(None if t is None else t[part] for t in (both.logits, both.features, both.class_logits)))

        return rows(slice(None, n)), rows(slice(n, None))

    def info_loss(self, fake_features: Tensor, real_in: Tensor) -> Tensor:
        """CTAB-GAN's information loss between critic features of fake packs and real packs."""
        with torch.no_grad():
            real_features = self.discriminator(real_in).features
        return ((fake_features.mean(0) - real_features.mean(0)).abs().sum()
                + (fake_features.std(0) - real_features.std(0)).abs().sum())

    def g_step(self, real: Tensor, codes: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        shared, self._shared = self._shared, None
        if shared is not None and shared[0] == ctx.step:
            _, raw, fake, cond, column, value = shared
            real_cond = None  # drawn below only if something reads the real packs
        else:
            cond, column, value = self.condition(codes)
            raw = self.generator.raw(self.latent(real.shape[0], real.device), cond)
            fake = self.generator.activate(raw)
            real_cond = cond
        # Real packs matter to G only through a loss that reads D on reals, the information loss
        # or a G-side term; a Wasserstein G step with none of them skips drawing their conditions.
        needs_real = self.loss.g_needs_real or self.info_weight > 0 or bool(self.terms.on("g"))
        real_in = None
        if needs_real:
            real_in = self.packed(real, real_cond if real_cond is not None else self.condition(codes)[0])
        real_logits = None
        if self.loss.g_needs_real:
            with torch.no_grad():
                real_logits = self.discriminator(real_in).logits
        fake_out = self.discriminator(self.packed(fake, cond))
        adv = self.loss.g_loss(fake_out.logits, real_logits)
        ce = self.cross_entropy(raw, column, value)
        loss, logs = adv + self.ce_weight * ce, {"loss_g_adv": adv.detach(), "loss_g_ce": ce.detach()}
        if self.target_model is not None:
            target = self.target_model.loss(fake)
            loss, logs["loss_g_target"] = loss + self.target_weight * target, target.detach()
        if self.info_weight > 0:
            info = self.info_loss(fake_out.features, real_in)
            loss, logs["loss_g_info"] = loss + self.info_weight * info, info.detach()
        if not needs_real:
            return loss, logs
        inputs = self.d_inputs(real_in, fake, None, ctx, fake_out=fake_out, group=1)
        return self.plus_terms(loss, "g", inputs, logs), logs

    # -- sampling -------------------------------------------------------------------------
    def sample(self, net: torch.nn.Module, z: Tensor, labels: Optional[Tensor], batch_size: int = 256,
               seed: int = 0, where: Optional[Dict[str, Any]] = None):
        """Rows as a pandas DataFrame with the table's columns and dtypes (see ``sample_rows``)."""
        return sample_rows(self.transformer, self.conditions, net, z, batch_size, seed, where)
