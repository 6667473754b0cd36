"""The labelled runs of ``benchmarks/diagnosis.py``: every shipped recipe as a healthy run, and
induced pathologies whose label names the flag the monitor should raise.

A label is what the configuration is built to cause; ``diagnosis.py`` also checks the outcome (a
sick run must end clearly worse than the healthy run of its recipe, or stop) and reports a case
whose outcome stayed healthy as such.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

import torch

# Evaluation during the suite's runs: often enough to see a trend, few samples to stay cheap.
MNIST_EVAL = ["metrics=[fid]", "eval_n=1000"]
QUIET = ["report=false", "progress=false", "tensorboard=false"]
# ResNet/StyleGAN families cost 1-4 CPU s per step: 120 steps, logged densely, is what fits.
HEAVY = ["steps=120", "log_every=10", "sample_every=60", "checkpoint_every=60", "eval_every=40", "eval_n=500"]


@dataclass(frozen=True)
class Case:
    """One run: ``recipe`` plus ``overrides``; ``labels``: flags it should raise (empty: healthy);
    ``reference``: the healthy case whose outcome a sick one is compared with."""

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


def _dcgan(name, overrides=(), labels=(), note="", steps=1500):
    return Case(name, "dcgan-mnist", tuple(MNIST_EVAL) + ("eval_every=150", f"steps={steps}") + tuple(overrides),
                tuple(labels), reference="dcgan-mnist" if labels else "", note=note)


def _heavy(recipe, metrics=True):
    extra = tuple(HEAVY) + (("metrics=[fid]",) if metrics else ("metrics=[]",))
    return Case(recipe, recipe, extra, note="shortened to 120 steps")



HEALTHY: List[Case] = [
    _dcgan("dcgan-mnist", note="the default `ganforge train`, full length"),
    _dcgan("dcgan-mnist-seed1", ["seed=1"], note="the default, seed 1"),
    _dcgan("dcgan-mnist-no-holdout", ["holdout=0"], note="the default without a held-out split"),
    _dcgan("dcgan-mnist-no-holdout-seed1", ["holdout=0", "seed=1"], note="the default without a held-out split, seed 1"),
    Case("ring8", "ring8", note="full length"),
    Case("ring8-best", "ring8-best", note="full length"),
    Case("grid25", "grid25", note="full length"),
    Case("grid25-best", "grid25-best", note="full length"),
    Case("tabular", "tabular", note="full length"),
    Case("cyclegan-digits", "cyclegan-digits", note="full length"),
    Case("pix2pix-edges", "pix2pix-edges", note="full length"),
    Case("esrgan-photos", "esrgan-photos", note="full length"),
    Case("progan-mnist", "progan-mnist", ("metrics=[fid]", "eval_every=250", "eval_n=1000", "steps=1250"),
         note="shortened to 1250 steps (4 to 16 px)"),
    _heavy("mnist-cgan"), _heavy("mnist-acgan"), _heavy("sngan-mnist"), _heavy("biggan-mnist"),
    _heavy("r3gan-mnist"), _heavy("stylegan2-mnist"), _heavy("stylegan2-faces", metrics=False),
]

SICK: List[Case] = [
    _dcgan("z-dim-1", ["z_dim=1"], ["mode_collapse"], "a 1-d latent cannot index ten digit classes",
           steps=1000),
    _dcgan("g-lr-x10", ["lr_g=0.002"], ["mode_collapse"], "G learning rate x10", steps=800),
    _dcgan("minimax-strong-d", ["loss=minimax", "lr_d=0.0004"], ["mode_collapse"], "minimax loss, D lr x2",
           steps=600),
    Case("ring8-hinge-sn", "ring8", ("loss=hinge", "discriminator.spectral_norm=true", "steps=3000"),
         ("mode_collapse",), reference="ring8", note="collapses on the ring (mode-coverage benchmark)"),
    _dcgan("z-dim-2", ["z_dim=2"], ["mode_collapse"], "a 2-d latent", steps=1000),
    Case("grid25-z-dim-1", "grid25", ("z_dim=1",), ("mode_collapse",), reference="grid25",
         note="a 1-d latent on the 2-d grid of 25 modes"),
    _dcgan("d-lr-x10", ["lr_d=0.002"], ["d_overfitting"], "D learning rate x10", steps=800),
    _dcgan("n-critic-10", ["n_critic=10"], ["d_overfitting"], "10 D steps per G step, ns loss", steps=400),
    Case("small-data", "dcgan-mnist", tuple(MNIST_EVAL) + ("eval_every=150", "steps=1000", "extractor=mnist"),
         ("d_overfitting",), note="100 training images, no augmentation", eval_data="mnist"),
    Case("small-data-250", "dcgan-mnist", tuple(MNIST_EVAL) + ("eval_every=150", "steps=1000", "extractor=mnist"),
         ("d_overfitting",), note="250 training images, no augmentation", eval_data="mnist"),
    Case("faces-dcgan", "dcgan-mnist", ("data=faces", "steps=1000", "metrics=[]"), ("d_overfitting",),
         note="DCGAN on the 100 embedded faces, no augmentation"),
    _dcgan("minimax-saturated", ["loss=minimax", "lr_d=0.001"], ["vanishing_g_gradient"],
           "minimax loss, D lr x5: D saturates at once", steps=400),
    _dcgan("minimax-saturated-nc5", ["loss=minimax", "lr_d=0.002", "n_critic=5"], ["vanishing_g_gradient"],
           "minimax loss, D lr x10, 5 D steps", steps=300),
    _dcgan("lr-1", ["lr_g=1.0", "lr_d=1.0"], ["divergence"], "learning rates 1.0", steps=300),
    _dcgan("lr-10", ["lr_g=10", "lr_d=10"], ["divergence"], "learning rates 10", steps=300),
    Case("nan-injection", "dcgan-mnist", tuple(MNIST_EVAL) + ("eval_every=150", "steps=600", "objective.name=nan-injection",
         "objective.at_step=300"), ("divergence",), reference="dcgan-mnist", confirm=False,
         note="D loss NaN once at step 300 (rolls back, then trains on)"),
    Case("ring8-lr-1", "ring8", ("lr_g=1.0", "lr_d=1.0", "steps=2000"), ("divergence",), reference="ring8",
         note="learning rates 1.0 on the ring"),
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


def register_nan_injection() -> None:
    """An objective that makes the D loss NaN once at ``at_step`` (a transient numerical fault)."""
    from ganforge.objectives.gan import GANObjective
    from ganforge.objectives.registry import OBJECTIVES

    if "nan-injection" in OBJECTIVES:
        return

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


def overrides_for(case: Case, data_root: Path) -> List[str]:
    extra = [f"data=folder:{small_mnist_folder(data_root, SMALL[case.name])}"] if case.name in SMALL else []
    return list(case.overrides) + extra + QUIET
