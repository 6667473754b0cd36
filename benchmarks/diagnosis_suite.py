"""The labelled runs of ``benchmarks/diagnosis.py``: every shipped recipe as a healthy run, and
induced pathologies whose label names the flag the monitor should raise.

A label is what the configuration is built to cause; ``diagnosis.py`` also checks the outcome (a
sick run must end clearly worse than the healthy run of its recipe, or stop) and reports a case
whose outcome stayed healthy as such. The three minimax cases differ only in how strong D is:
once D rejects every fake, the minimax generator loss saturates (vanishing gradient) and G stays
at its near-constant starting output (collapse), so they carry both labels, the vanishing
gradient first (the root cause, whose change is the one rerun).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

import torch

# Evaluation during the suite's runs: often enough to see a trend, few samples to stay cheap.
MNIST_EVAL = ["metrics=[fid]", "eval_n=1000"]
QUIET = ["report=false", "progress=false", "tensorboard=false"]
# The sick image cases build on the previous default recipe (1,500 steps at batch 64, no R1), kept
# frozen for benchmarks: a pathology shows within a few hundred of its steps, and its runs from
# before the default changed stay valid results.
V0 = "configs/dcgan-mnist-v0.yaml"
# Recipes that cost 1-7 CPU s per step (ResNet, StyleGAN, transformer, translation families) run
# their first 24 steps, checked every 4th (a check costs a few steps' worth of forward passes):
# the stretch where a monitor misreads an untrained D or G as sick. Two-D, table and the default
# recipes run at full (or near full) length.
SHORT = ("steps=24", "log_every=4", "sample_every=12", "checkpoint_every=12", "metrics=[]")


@dataclass(frozen=True)
class Case:
    """One run: ``recipe`` (a shipped name, or a YAML file under ``benchmarks/``) plus
    ``overrides``; ``labels``: flags it should raise (empty: healthy); ``reference``: the healthy
    case whose outcome a sick one is compared with."""

    name: str
    recipe: str
    overrides: Tuple[str, ...] = ()
    labels: Tuple[str, ...] = ()
    reference: str = ""
    note: str = ""
    eval_data: str = ""  # the data the independent evaluation compares with (default: the run's)
    confirm: bool = True  # False: the label holds by construction whatever the outcome (a fault the run survives)

    @property
    def healthy(self) -> bool:
        return not self.labels

    @property
    def injected(self) -> bool:
        """The fault is injected by a fault objective (``register_faults``), whatever the settings."""
        return any(o.startswith("objective.name=") for o in self.overrides)

    @property
    def recipe_name(self) -> str:
        return Path(self.recipe).stem

    def recipe_source(self, benchmarks: Path) -> str:
        """What ``ganforge.train`` takes: the shipped name, or the file's path under ``benchmarks``."""
        return str(benchmarks / self.recipe) if self.recipe.endswith(".yaml") else self.recipe


def _dcgan(name, overrides=(), labels=(), note="", steps=1500):
    return Case(name, V0, tuple(MNIST_EVAL) + ("eval_every=150", f"steps={steps}") + tuple(overrides),
                tuple(labels), reference="dcgan-mnist-v0" if labels else "", note=note)


def _short(recipe):
    if recipe == "textgan-words":  # its first 4,000 steps are likelihood pre-training: reach the GAN phase
        return Case(recipe, recipe, ("steps=500", "objective.pretrain_steps=300", "log_every=20", "sample_every=250",
                                     "checkpoint_every=250", "metrics=[]"),
                    note="300 likelihood pre-training steps, then 200 GAN steps")
    return Case(recipe, recipe, SHORT, note="first 24 steps")


FULL = ("ring8", "grid25", "tabular", "tabular-fast")
HEALTHY: List[Case] = [
    Case("dcgan-mnist", "dcgan-mnist", note="the default `ganforge train`, full length, no overrides"),
    _dcgan("dcgan-mnist-v0", note="the previous default, full length; the sick image cases' reference"),
    *[Case(r, r, note="full length") for r in FULL],
    Case("ring8-best", "ring8-best", ("steps=3000",), note="shortened to 3000 steps"),
    Case("grid25-best", "grid25-best", ("steps=4000", "eval_every=1000"), note="shortened to 4000 steps"),
    *[_short(r) for r in ("mnist-cgan", "mnist-acgan", "sngan-mnist", "biggan-mnist", "r3gan-mnist", "progan-mnist",
                          "stylegan2-mnist", "stylegan2-faces", "transgan-mnist", "stacked-mnist", "textgan-words",
                          "wavegan-notes", "video-mnist", "cyclegan-digits", "pix2pix-edges", "esrgan-photos",
                          "inpaint-faces", "denoise-faces")],
]

SICK: List[Case] = [
    _dcgan("z-dim-1", ["z_dim=1"], ["mode_collapse"], "a 1-d latent cannot index ten digit classes",
           steps=1000),
    _dcgan("g-lr-x10", ["lr_g=0.002"], ["mode_collapse"], "G learning rate x10", steps=800),
    _dcgan("minimax-strong-d", ["loss=minimax", "lr_d=0.0004"], ["vanishing_g_gradient", "mode_collapse"],
           "minimax loss, D lr x2", steps=600),
    Case("ring8-hinge-sn", "ring8", ("loss=hinge", "discriminator.spectral_norm=true", "betas=[0.5,0.999]",
                                     "steps=3000"),
         ("mode_collapse",), reference="ring8", note="collapses on the ring with Adam(0.5, 0.999) (mode-coverage "
                                                      "benchmark)"),
    _dcgan("z-dim-2", ["z_dim=2"], ["mode_collapse"], "a 2-d latent", steps=1000),
    Case("grid25-z-dim-1", "grid25", ("z_dim=1",), ("mode_collapse",), reference="grid25",
         note="a 1-d latent on the 2-d grid of 25 modes"),
    _dcgan("d-lr-x10", ["lr_d=0.002"], ["d_overfitting"], "D learning rate x10", steps=800),
    Case("n-critic-10", V0, tuple(MNIST_EVAL) + ("eval_every=150", "steps=1000", "n_critic=10"), ("d_overfitting",),
         reference="dcgan-mnist-v0", confirm=False,
         note="10 D steps per G step, ns loss: D is 99.9% sure of held-out reals and fakes from step 150 and G "
              "trails the healthy run (FID 943 / 385 / 93 against 609 / 162 / 65 at steps 450 / 600 / 900), "
              "then nearly catches up (74 at step 1000), so only the construction confirms the label"),
    Case("small-data", V0, tuple(MNIST_EVAL) + ("eval_every=150", "steps=1000", "extractor=mnist"),
         ("d_overfitting",), note="100 training images, no augmentation", eval_data="mnist"),
    Case("small-data-250", V0, tuple(MNIST_EVAL) + ("eval_every=150", "steps=1000", "extractor=mnist"),
         ("d_overfitting",), note="250 training images, no augmentation", eval_data="mnist"),
    _dcgan("minimax-saturated", ["loss=minimax", "lr_d=0.001"], ["vanishing_g_gradient", "mode_collapse"],
           "minimax loss, D lr x5: D saturates at once", steps=400),
    _dcgan("minimax-saturated-nc5", ["loss=minimax", "lr_d=0.002", "n_critic=5"],
           ["vanishing_g_gradient", "mode_collapse"],
           "minimax loss, D lr x10, 5 D steps", steps=300),
    _dcgan("lr-1", ["lr_g=1.0", "lr_d=1.0"], ["divergence"], "learning rates 1.0", steps=300),
    _dcgan("lr-10", ["lr_g=10", "lr_d=10"], ["divergence"], "learning rates 10", steps=300),
    Case("nan-injection", V0, tuple(MNIST_EVAL) + ("eval_every=150", "steps=1000", "objective.name=nan-injection",
         "objective.at_step=300"), ("divergence",), reference="dcgan-mnist-v0", confirm=False,
         note="D loss NaN once at step 300 (rolls back, then trains on)"),
    Case("lr-surge", V0, tuple(MNIST_EVAL) + ("eval_every=150", "steps=1500", "objective.name=lr-surge",
         "objective.at_step=750", "objective.factor_d=30", "objective.factor_g=30"),
         ("quality_worsening", "mode_collapse"), reference="dcgan-mnist-v0", confirm=False,
         note="both learning rates x30 from step 750: G collapses for a few hundred steps (fresh samples at "
              "step 1000: precision 0.74, recall 0.002) and FID triples for three evaluations, then the run "
              "recovers, so only the construction confirms the labels"),
    Case("ring8-lr-1", "ring8", ("lr_g=1.0", "lr_d=1.0", "steps=2000"), ("divergence",), reference="ring8",
         confirm=False, note="learning rates 1.0 on the ring (rolls back with halved rates, then trains on; the "
                             "healthy ring8 is itself still poor at step 2000, so the outcome confirms nothing)"),
]

CASES: Dict[str, Case] = {c.name: c for c in HEALTHY + SICK}


SMALL = {"small-data": 100, "small-data-250": 250}


def small_mnist_folder(root: Path, n: int = 100) -> Path:
    """Write the first ``n`` embedded MNIST digits as PNG files under ``root`` (once)."""
    from PIL import Image

    from ganforge.data.embedded import mnist_arrays

    folder = root / f"mnist{n}"
    if not (folder / f"{n - 1:04d}.png").exists():
        folder.mkdir(parents=True, exist_ok=True)
        x, _ = mnist_arrays()
        for i in range(n):
            Image.fromarray(x[i]).save(folder / f"{i:04d}.png")
    return folder


def register_faults() -> None:
    """The suite's fault objectives: ``nan-injection`` makes the D loss NaN once at ``at_step`` (a
    transient numerical fault); ``lr-surge`` multiplies D's and G's learning rates by ``factor_d``
    and ``factor_g`` from ``at_step`` on (a run resumed, or scheduled, at rates far above the ones
    it learned with)."""
    from ganforge.objectives.gan import GANObjective
    from ganforge.objectives.registry import OBJECTIVES

    if "nan-injection" not in OBJECTIVES:
        @OBJECTIVES.register("nan-injection")
        class NaNInjection(GANObjective):
            def __init__(self, cfg, data_info, at_step: int = 300):
                super().__init__(cfg, data_info)
                self.at_step, self.fired = at_step, False

            def d_step(self, real, labels, ctx):
                loss, logs = super().d_step(real, labels, ctx)
                if ctx.step == self.at_step and not self.fired:
                    self.fired = True  # once: the rollback replays this step without the fault
                    loss = loss * torch.tensor(float("nan"))
                return loss, logs

    if "lr-surge" not in OBJECTIVES:
        @OBJECTIVES.register("lr-surge")
        class LRSurge(GANObjective):
            def __init__(self, cfg, data_info, at_step: int = 750, factor_d: float = 10.0, factor_g: float = 1.0):
                super().__init__(cfg, data_info)
                self.at_step, self.factors = at_step, {"d": factor_d, "g": factor_g}

            def lr_multipliers(self, step):
                return self.factors if step >= self.at_step else {}


def overrides_for(case: Case, data_root: Path) -> List[str]:
    extra = [f"data=folder:{small_mnist_folder(data_root, SMALL[case.name])}"] if case.name in SMALL else []
    return list(case.overrides) + extra + QUIET
