"""What to change for each health flag, chosen from the run's own settings.

``remedy(flag, run)`` is a pure function of the flag name and a plain mapping of the run's
settings (see :func:`run_context`), so the monitor, ``ganforge doctor`` and the diagnosis suite
give the same advice. Each branch is the change that ``benchmarks/diagnosis.py`` applies to the
sick runs with that flag and counts as recovered or not.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Mapping, Tuple

from ..config import read_yaml, recipe_dir

# Learning rates far above the usual GAN range for Adam (1e-4 .. 3e-3) are not worth halving.
SANE_LR = 2e-4
WILD_LR = 1e-2
SMALL_DATA = 2000  # training items below which D memorises an unaugmented set quickly
SMALL_Z = 8
# Keys whose change alters tensor shapes or the data: a checkpoint cannot continue with them.
STRUCTURAL = ("z_dim", "generator", "discriminator", "packing", "conditional", "image_size", "data", "objective")


@dataclass(frozen=True)
class Remedy:
    """``overrides``: ``key=value`` strings to apply; ``why``: one sentence for people."""

    overrides: Tuple[str, ...]
    why: str

    @property
    def text(self) -> str:
        return f"{self.why}: {' '.join(self.overrides)}" if self.overrides else self.why

    @property
    def resumable(self) -> bool:
        """Whether the run can continue from its checkpoint with the change."""
        return not any(o.split("=", 1)[0].split(".")[0] in STRUCTURAL for o in self.overrides)


def run_context(cfg, train_items: int, data_dim: int = 0) -> Dict[str, Any]:
    """The settings remedies depend on, as plain values (``cfg``: a TrainConfig; ``data_dim``:
    values per sample, 0 if unknown), with the learning rates of the shipped recipe the run is
    named after (None for other runs)."""
    recipe = recipe_dir() / f"{cfg.name}.yaml"
    shipped = read_yaml(recipe) if recipe.is_file() else {}
    return {"loss": cfg.loss, "lr_g": cfg.lr_g, "lr_d": cfg.lr_d, "n_critic": cfg.n_critic, "z_dim": cfg.z_dim,
            "augment": cfg.augment.name, "regularizer": cfg.objective.get("regularizer", "none"),
            "packing": cfg.objective.get("packing", 1), "train_items": train_items, "data_dim": data_dim,
            "recipe_lr_g": shipped.get("lr_g"), "recipe_lr_d": shipped.get("lr_d")}


def _lr(value: float) -> str:
    return f"{value:.2g}"


def _collapse(run: Mapping[str, Any]) -> Remedy:
    data_dim = run.get("data_dim") or 10**9
    if run.get("z_dim", SMALL_Z) < min(SMALL_Z, data_dim):
        return Remedy((f"z_dim={min(64, data_dim)}",),
                      f"a {run['z_dim']}-d latent cannot index the data's variety; restart with a larger one")
    if run.get("loss") == "minimax":
        return Remedy(("loss=ns",), "the minimax generator loss rewards G for hiding in the few modes D misses; "
                                    "switch to the non-saturating loss")
    if run.get("lr_g", 0) > 2.5 * run.get("lr_d", 0) > 0:
        return Remedy((f"lr_g={_lr(run['lr_d'])}",), "G outruns D and hops between modes; give G D's learning rate")
    balance = _d_balance(run)
    if balance:
        return Remedy(balance, "D outruns G, so G retreats to the few outputs D has not yet learned to reject; "
                               "train D no harder than G")
    return Remedy(("packing=2",), "let D see samples in pairs (PacGAN) so a repetitive G is easy to catch")


def _overfit(run: Mapping[str, Any]) -> Remedy:
    if run.get("augment", "none") == "none" and run.get("train_items", SMALL_DATA) < SMALL_DATA:
        return Remedy(("augment.name=diffaugment", "augment.policy=color,translation,cutout"),
                      f"D memorises the {run['train_items']} training items; augment what D sees (DiffAugment)")
    if run.get("n_critic", 1) > 2 and run.get("loss") != "wasserstein":
        return Remedy(("n_critic=1",), f"{run['n_critic']} D steps per G step let D outrun G; train it once per G step")
    if run.get("lr_d", 0) > 2.5 * run.get("lr_g", 0) > 0:
        return Remedy((f"lr_d={_lr(run['lr_g'])}",), "D learns much faster than G and outruns it; "
                                                     "give D G's learning rate")
    if run.get("augment", "none") == "none":
        return Remedy(("augment.name=diffaugment", "augment.policy=color,translation,cutout"),
                      "D memorises the training set; augment what D sees (DiffAugment)")
    return Remedy(("regularizer=r1", "reg_weight=1"), "penalise D's gradient on real data (R1) so it cannot memorise")


def _d_balance(run: Mapping[str, Any]) -> Tuple[str, ...]:
    """Overrides that take back a D trained much harder than G (learning rate, steps per G step)."""
    out = []
    if run.get("lr_d", 0) > 2.5 * run.get("lr_g", 0) > 0:
        out.append(f"lr_d={_lr(run['lr_g'])}")
    if run.get("n_critic", 1) > 2 and run.get("loss") != "wasserstein":
        out.append("n_critic=1")
    return tuple(out)


def _vanishing(run: Mapping[str, Any]) -> Remedy:
    balance = _d_balance(run)
    if run.get("loss") == "minimax":
        return Remedy(("loss=ns",) + balance, "the minimax generator loss saturates once D wins; the non-saturating "
                                              "loss keeps G's gradient alive" + (", and D should not outpace G"
                                                                                if balance else ""))
    if balance:
        return Remedy(balance, "D saturates between generator steps; train it no harder than G")
    return Remedy((f"lr_d={_lr(run.get('lr_d', SANE_LR) / 2)}", "discriminator.spectral_norm=true"),
                  "D saturates; slow it down and bound its gradients")


def _divergence(run: Mapping[str, Any]) -> Remedy:
    lr_g, lr_d = run.get("lr_g", SANE_LR), run.get("lr_d", SANE_LR)
    if max(lr_g, lr_d) > WILD_LR:
        # the recipe's own rates when they are sane (a user raised them), else the usual GAN rate
        base_g, base_d = run.get("recipe_lr_g") or SANE_LR, run.get("recipe_lr_d") or SANE_LR
        base_g, base_d = (base_g, base_d) if max(base_g, base_d) <= WILD_LR else (SANE_LR, SANE_LR)
        return Remedy((f"lr_g={_lr(min(lr_g, base_g))}", f"lr_d={_lr(min(lr_d, base_d))}"),
                      "learning rates this large throw Adam's steps out of any basin; use the recipe's usual rates")
    return Remedy((f"lr_g={_lr(lr_g / 2)}", f"lr_d={_lr(lr_d / 2)}"),
                  "roll back to the last good checkpoint and halve the learning rates")


def _quality(run: Mapping[str, Any]) -> Remedy:
    lr_g, lr_d = run.get("lr_g", SANE_LR), run.get("lr_d", SANE_LR)
    return Remedy(("lr_schedule=linear", f"lr_g={_lr(lr_g / 2)}", f"lr_d={_lr(lr_d / 2)}"),
                  "quality peaked earlier (the best checkpoint is kept); lower the learning rates and let them decay")


REMEDIES = {"mode_collapse": _collapse, "d_overfitting": _overfit, "vanishing_g_gradient": _vanishing,
            "divergence": _divergence, "quality_worsening": _quality}


def remedy(flag: str, run: Mapping[str, Any]) -> Remedy:
    """The change to make for ``flag`` given the run's settings ``run`` (see :func:`run_context`)."""
    return REMEDIES[flag](run)
