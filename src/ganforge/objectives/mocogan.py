"""MoCoGAN's objective (Tulyakov et al. 2018): the standard GAN game on whole clips (video
discriminator, ``discriminator``) plus the same game on single frames (image discriminator).

The frame discriminator judges frames drawn at random from the real and the generated clips,
so G learns what a frame looks like from a 2-D net (cheap, sharp gradients) and how frames move
from the 3-D one. Both use the configured loss; G minimises the sum, with the frame term
weighted by ``image_weight`` (1 in the reference code, trainers.py ``train_generator``).
"""
from __future__ import annotations

from typing import Dict, Optional, Tuple

import torch

from ..errors import ConfigError
from ..nets import create_model
from .base import Logs, StepContext
from .gan import GANObjective, d_stats
from .registry import OBJECTIVES

Tensor = torch.Tensor


def random_frames(video: Tensor, k: int, labels: Optional[Tensor] = None) -> Tuple[Tensor, Optional[Tensor]]:
    """``k`` distinct random frames of each clip: (N, C, T, H, W) -> (N*k, C, H, W), with the
    labels repeated to match. Frames come from the global (checkpointed) RNG."""
    n, t = video.shape[0], video.shape[2]
    pick = torch.rand(n, t, device=video.device).argsort(dim=1)[:, :k]  # k distinct times per clip
    frames = video.transpose(1, 2)[torch.arange(n, device=video.device)[:, None], pick]  # N, k, C, H, W
    return frames.reshape(n * k, *frames.shape[2:]), None if labels is None else labels.repeat_interleave(k)


@OBJECTIVES.register("mocogan")
class MoCoGANObjective(GANObjective):
    """Video GAN with an extra frame discriminator.

    Args:
        image_discriminator: registered 2-D discriminator for single frames (MoCoGAN's
            ImageDiscriminator is the DCGAN layout).
        image_width: channels of the frame discriminator's first layer.
        image_weight: weight of the frame game in both D's and G's loss.
        frames_per_clip: frames of each clip the frame discriminator sees per step.

    Takes every option of the standard GAN objective too (penalties, LeCam, conditional...).
    """

    separate_reg_phase = False  # both discriminators' penalties stay inside d_step (lazy: every k-th, x k)

    def __init__(self, cfg, data_info: Dict[str, object], image_discriminator: str = "dcgan", image_width: int = 64,
                 image_weight: float = 1.0, frames_per_clip: int = 1, **options):
        if data_info.get("kind") != "video":
            raise ConfigError(f"objective=mocogan needs video data (data=moving-mnist); "
                              f"'{data_info.get('name')}' is {data_info.get('kind')} data")
        if options.get("packing", 1) != 1 or cfg.augment.name != "none":
            raise ConfigError("objective=mocogan takes neither packing nor augment; set objective.packing=1 "
                              "augment.name=none")
        channels, frames, height, width = (int(s) for s in data_info["shape"])
        if not 1 <= frames_per_clip <= frames:
            raise ConfigError(f"objective.frames_per_clip must be in 1..{frames}, got {frames_per_clip}")
        super().__init__(cfg, data_info, **options)
        sn = bool(cfg.discriminator.kwargs().get("spectral_norm", False))
        self.image_discriminator = create_model(image_discriminator, "discriminator", shape=(channels, height, width),
                                                num_classes=self.num_classes, width=image_width, spectral_norm=sn)
        self.image_weight, self.frames_per_clip = image_weight, frames_per_clip

    def d_parameters(self):
        return [*super().d_parameters(), *self.image_discriminator.parameters()]

    def _image_critic(self, labels: Optional[Tensor]):
        return lambda x: self.image_discriminator(x, labels).logits

    def d_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        labels = labels if self.num_classes else None
        with torch.no_grad():
            fake = self.fake(real.shape[0], labels, real.device)
        real_in, fake_in = self.d_input(real, ctx)[0], self.d_input(fake, ctx)[0]  # no augment: no t
        real_out, fake_out = self.discriminator(real_in, labels), self.discriminator(fake_in, labels)
        video = self.loss.d_loss(real_out.logits, fake_out.logits, self.cfg.label_smoothing)
        logs = {"loss_d_adv": video.detach(), **d_stats(real_out.logits, fake_out.logits)}
        loss = video + self.step_penalty(real_in, fake_in, labels, ctx, logs, self.critic(labels), 1)
        judge = lambda x, y: self.discriminator(x, y)  # noqa: E731  (D inputs already; bCR is refused for clips)
        loss = loss + self.extras.d_terms(real_in, fake_in, labels, real_out, fake_out, judge, ctx.step, logs)

        real_f, frame_labels = random_frames(real_in, self.frames_per_clip, labels)
        fake_f, _ = random_frames(fake_in, self.frames_per_clip)
        real_i = self.image_discriminator(real_f, frame_labels).logits
        fake_i = self.image_discriminator(fake_f, frame_labels).logits
        image = self.loss.d_loss(real_i, fake_i, self.cfg.label_smoothing)
        logs.update(loss_d_image=image.detach(), d_real_image=real_i.detach().mean(), d_fake_image=fake_i.detach().mean())
        image = image + self.step_penalty(real_f, fake_f, frame_labels, ctx, logs, self._image_critic(frame_labels), 1,
                                          "_image")
        return loss + self.image_weight * image, logs

    def g_step(self, real: Tensor, labels: Optional[Tensor], ctx: StepContext) -> Tuple[Tensor, Logs]:
        labels = labels if self.num_classes else None
        fake = self.d_input(self.fake(real.shape[0], labels, real.device), ctx)[0]
        fake_out = self.discriminator(fake, labels)
        fake_f, frame_labels = random_frames(fake, self.frames_per_clip, labels)
        fake_i = self.image_discriminator(fake_f, frame_labels).logits
        real_v = real_i = None
        if self.loss.g_needs_real:
            with torch.no_grad():
                real_in = self.d_input(real, ctx)[0]
                real_v = self.discriminator(real_in, labels).logits
                real_f, _ = random_frames(real_in, self.frames_per_clip)
                real_i = self.image_discriminator(real_f, frame_labels).logits
        video = self.loss.g_loss(fake_out.logits, real_v)
        image = self.loss.g_loss(fake_i, real_i)
        logs = {"loss_g_adv": video.detach(), "loss_g_image": image.detach()}
        return video + self.image_weight * image + self.extras.g_terms(fake_out, labels, logs), logs
