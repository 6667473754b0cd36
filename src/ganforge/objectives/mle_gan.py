"""Maximum-likelihood pre-training, then the GAN: the protocol of the sequence GANs.

Text GANs that work start from a generator pre-trained as a language model: SeqGAN (Yu et al.
2017) pre-trains G by maximum likelihood (teacher forcing) before its adversarial phase, and so
do RelGAN (Nie et al. 2019, with a Gumbel-softmax generator as here) and the GANs that followed.
For the first ``pretrain_steps`` generator steps G minimizes the negative log-likelihood of
real strings (its ``nll(x, z, y)``: teacher forcing, see ``nets/text_rnn.py``) and D is left
untouched; after them both train on the configured GAN objective (``objective: gan`` and all its
options), optionally with ``mle_weight`` times the likelihood term kept in G's loss.
Reference: github.com/LantaoYu/SeqGAN, sequence_gan.py (PRE_EPOCH_NUM = 120 generator epochs on
the likelihood, then the adversarial epochs); github.com/williamSYSU/TextGAN-PyTorch,
instructor/real_data/relgan_instructor.py (pretrain_generator, then adv_train_generator /
adv_train_discriminator).
SeqGAN also pre-trains D on real against the pre-trained G's samples; here D starts with the GAN
phase unless ``pretrain_d: true``, which trains D alongside G's likelihood steps (its D steps as
in the GAN phase).
"""
from __future__ import annotations

from typing import Dict, Optional, Tuple

import torch
from pydantic import Field
from typing_extensions import Annotated

from ..errors import ConfigError
from .base import Logs, StepContext
from .gan import GANObjective
from .i2i import zero_loss
from .registry import OBJECTIVES

Tensor = torch.Tensor


@OBJECTIVES.register("mle-gan")
class MLEPretrainedGAN(GANObjective):
    """``objective: gan`` preceded by ``pretrain_steps`` generator steps of maximum likelihood.

    ``pretrain_steps``: generator steps on the likelihood alone (D untouched). ``pretrain_lr``: G's
    learning rate in those steps (RelGAN's gen_lr, 1e-2 there, against gen_adv_lr 1e-4 after; the
    run's ``lr_g`` applies after them). ``pretrain_d``: train D during those steps too (against
    the fakes of the G being pre-trained), so the GAN phase starts with a trained critic. ``mle_weight``:
    weight of the likelihood term kept in G's loss during the GAN phase (0: the adversarial loss
    alone, as in SeqGAN and RelGAN). Other options: those of ``objective: gan``. G must offer
    ``nll(x, z, y)`` (``generator: chargru``).
    """

    def __init__(self, cfg, data_info: Dict[str, object], pretrain_steps: Annotated[int, Field(ge=0)] = 2000,
                 pretrain_lr: Annotated[float, Field(gt=0)] = 1e-3, pretrain_d: bool = False,
                 mle_weight: Annotated[float, Field(ge=0)] = 0.0, **options):
        super().__init__(cfg, data_info, **options)
        if not callable(getattr(self.generator, "nll", None)):
            raise ConfigError(f"objective mle-gan pre-trains G by maximum likelihood, which generator "
                              f"'{cfg.generator.name}' does not offer; use generator.name=chargru or objective.name=gan")
        self.pretrain_steps, self.mle_weight = int(pretrain_steps), float(mle_weight)
        self.pretrain_lr, self.pretrain_d = float(pretrain_lr), bool(pretrain_d)

    def pretraining(self, ctx: StepContext) -> bool:
        return ctx.step < self.pretrain_steps

    def trains_d(self, step: int) -> bool:
        return self.pretrain_d or step >= self.pretrain_steps

    def lr_multipliers(self, step: int) -> Dict[str, float]:
        return {"g": self.pretrain_lr / self.cfg.lr_g} if step < self.pretrain_steps else {}

    def nll(self, real: Tensor, labels: Optional[Tensor]) -> Tensor:
        labels = labels if self.num_classes else None
        return self.generator.nll(real, self.latent(real.shape[0], real.device), labels)

    # The Trainer skips D's steps where ``trains_d`` is False; called directly, D idles there too.
    def d_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        if not self.trains_d(ctx.step):
            return zero_loss(self.discriminator), {}
        return super().d_step(real, labels, ctx)

    def d_reg_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Optional[Tuple[Tensor, Logs]]:
        return super().d_reg_step(real, labels, ctx) if self.trains_d(ctx.step) else None

    def g_reg_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Optional[Tuple[Tensor, Logs]]:
        return None if self.pretraining(ctx) else super().g_reg_step(real, labels, ctx)

    def g_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        if self.pretraining(ctx):
            nll = self.nll(real, labels)
            return nll, {"loss_mle": nll.detach()}
        loss, logs = super().g_step(real, labels, ctx)
        if self.mle_weight > 0:
            nll = self.nll(real, labels)
            loss, logs["loss_mle"] = loss + self.mle_weight * nll, nll.detach()
        return loss, logs
