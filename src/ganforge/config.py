"""Typed config tree, recipe loading, ``key=value`` overrides and validation.

A recipe is a YAML file in ``ganforge/recipes/`` (or any path). Overrides use dotted keys
(``generator.width=32``) with YAML-typed values (``betas=[0.0,0.9]``). Every mistake is a
:class:`ConfigError` with one line naming the key and the valid choices.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, Dict, List, Literal, Optional, Tuple, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ConfigError
from .registry import check_options

REGULARIZERS = ("none", "gp", "r1", "r2", "r1r2")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Component(Strict):
    """A registry entry by name plus its keyword options (``generator.width=32``,
    ``augment.policy=color,translation``); options are checked against the entry's signature."""

    model_config = ConfigDict(extra="allow", validate_assignment=True)
    name: str

    def kwargs(self) -> Dict[str, Any]:
        return dict(self.model_extra or {})


NET_RESERVED = ("z_dim", "shape", "num_classes")


def _check_component(registry, comp: "Component", reserved) -> "Component":
    check_options(registry.get(comp.name), comp.kwargs(), f"{registry.kind} '{comp.name}'", reserved)
    return comp


class TrainConfig(Strict):
    """Everything one run needs. Field docs double as the recipe reference."""

    name: str = "run"
    description: str = ""
    # data
    data: str = Field("mnist", description="dataset spec: mnist, digits, faces, ring8, grid25, folder:PATH")
    data_options: Dict[str, Any] = Field(default_factory=dict, description="extra keywords for the data loader")
    image_size: int = Field(32, gt=0)
    conditional: bool = False
    # networks and objective
    objective: Component = Component(name="gan")
    z_dim: int = Field(100, gt=0)
    generator: Component = Component(name="dcgan")
    discriminator: Component = Component(name="dcgan")
    loss: str = "ns"
    regularizer: Literal[REGULARIZERS] = "none"  # type: ignore[valid-type]
    reg_weight: float = Field(10.0, ge=0)
    reg_every: int = Field(1, ge=1, description="lazy regularization interval (D steps)")
    reg_schedule: Literal["constant", "linear"] = Field(
        "constant", description="linear: reg_weight falls to 0 between reg_decay_start and reg_decay_end")
    reg_decay_start: float = Field(0.0, ge=0, le=1, description="fraction of steps where a linear reg schedule starts")
    reg_decay_end: float = Field(1.0, ge=0, le=1, description="fraction of steps where a linear reg schedule reaches 0")
    augment: Component = Component(name="none")
    packing: int = Field(1, ge=1, description="PacGAN: D judges this many samples at once")
    label_smoothing: float = Field(0.0, ge=0, lt=0.5, description="one-sided: real target 1-s")
    instance_noise: float = Field(0.0, ge=0, description="std of Gaussian noise on D inputs, annealed to 0")
    # transfer learning
    init_from: Optional[str] = Field(None, description="start G and D from this run's latest weights (new optimizers), "
                                                       "a checkpoint directory, or pretrained:NAME (G only)")
    freeze_d: int = Field(0, ge=0, description="FreezeD: keep D's input layer and first K blocks fixed")
    # optimisation
    steps: int = Field(2000, ge=0, description="generator updates")
    batch_size: int = Field(64, gt=0)
    lr_g: float = Field(2e-4, gt=0)
    lr_d: float = Field(2e-4, gt=0)
    betas: Tuple[float, float] = (0.5, 0.999)
    lr_schedule: Literal["constant", "linear"] = "constant"
    lr_decay_start: float = Field(0.5, ge=0, le=1, description="fraction of steps after which linear decay starts")
    n_critic: int = Field(1, ge=1)
    ema: float = Field(0.999, ge=0, lt=1, description="EMA decay of G weights; 0 disables")
    ema_start: int = Field(0, ge=0)
    # machinery
    seed: int = 0
    device: Literal["auto", "cpu", "cuda", "mps"] = "auto"
    amp: Literal["off", "bf16", "fp16"] = "off"
    compile: bool = Field(False, description="torch.compile G and D (falls back to eager with a warning)")
    channels_last: bool = Field(False, description="channels-last memory format for image networks")
    # health monitor
    monitor: bool = Field(True, description="watch for mode collapse, D overfitting, vanishing gradients, divergence "
                                            "and worsening quality")
    health: Dict[str, Any] = Field(default_factory=dict, description="monitor thresholds (health.overfit_threshold=0.6)")
    max_rollbacks: int = Field(3, ge=0, description="divergence rollbacks (each halves the learning rates) before stopping")
    holdout: Union[Literal["auto"], int] = Field(
        "auto", description="real items kept out of training for the monitor's overfitting check: auto (5%, at most "
                            "256, when the monitor is on and the objective supports it), a count, or 0 for none")
    # evaluation during training
    metrics: List[str] = Field(default_factory=list, description="fid, kid, is, prdc, modes, stacked_modes")
    eval_every: int = Field(0, ge=0, description="evaluate every N steps (0: only at the end when metrics are set)")
    eval_n: int = Field(2000, ge=2, description="generated samples per evaluation")
    extractor: str = Field("auto", description="auto, mnist, raw or inception")
    best_metric: Optional[str] = Field(None, description="result key that picks checkpoints/best (default: first metric's)")
    # outputs
    log_every: int = Field(50, ge=1)
    sample_every: int = Field(500, ge=1)
    checkpoint_every: int = Field(500, ge=1)
    keep_checkpoints: int = Field(3, ge=1)
    num_samples: int = Field(64, gt=0, description="size of the fixed latent batch drawn at each sample step")
    progress: bool = True
    report: bool = Field(True, description="write report.html into the run directory when training ends")
    tensorboard: bool = Field(True, description="also log scalars and samples for TensorBoard when it is installed")

    # Registry lookups raise ConfigError (a ValueError), which pydantic reports against the key.
    @field_validator("data")
    @classmethod
    def _data_known(cls, v: str) -> str:
        from .data import DATASETS

        DATASETS.get(v.split(":", 1)[0])
        return v

    @field_validator("metrics", mode="before")
    @classmethod
    def _metrics_known(cls, v: Any) -> List[str]:
        from .metrics import METRICS

        names = [m.strip() for m in v.split(",") if m.strip()] if isinstance(v, str) else list(v or [])
        for name in names:
            METRICS.get(name)
        return names

    @field_validator("health")
    @classmethod
    def _health_known(cls, v: Dict[str, Any]) -> Dict[str, Any]:
        from .train.health import HealthConfig

        HealthConfig.from_dict(v)
        return v

    @field_validator("holdout", mode="before")
    @classmethod
    def _holdout_valid(cls, v: Any) -> Union[str, int]:
        if v == "auto" or (isinstance(v, int) and not isinstance(v, bool) and v >= 0):
            return v
        raise ValueError(f"holdout must be auto or a count >= 0, got {v!r}")

    @field_validator("best_metric")
    @classmethod
    def _best_known(cls, v: Optional[str]) -> Optional[str]:
        from .evaluation import check_best_metric

        check_best_metric(v)
        return v

    @field_validator("extractor")
    @classmethod
    def _extractor_known(cls, v: str) -> str:
        from .metrics import EXTRACTORS

        if v != "auto":
            EXTRACTORS.get(v)
        return v

    @field_validator("loss")
    @classmethod
    def _loss_known(cls, v: str) -> str:
        from .losses import LOSSES

        LOSSES.get(v)
        return v

    @field_validator("objective")
    @classmethod
    def _objective_known(cls, v: Component) -> Component:
        from .objectives import OBJECTIVES

        return _check_component(OBJECTIVES, v, ("cfg", "data_info"))

    @field_validator("generator")
    @classmethod
    def _generator_known(cls, v: Component) -> Component:
        from .nets import GENERATORS

        return _check_component(GENERATORS, v, NET_RESERVED)

    @field_validator("discriminator")
    @classmethod
    def _discriminator_known(cls, v: Component) -> Component:
        from .nets import DISCRIMINATORS

        return _check_component(DISCRIMINATORS, v, NET_RESERVED)

    @field_validator("augment")
    @classmethod
    def _augment_known(cls, v: Component) -> Component:
        from .augment import AUGMENTS

        return _check_component(AUGMENTS, v, ("batch_size",))

    @model_validator(mode="after")
    def _combinations(self) -> "TrainConfig":
        lipschitz = self.regularizer == "gp" or self.discriminator.kwargs().get("spectral_norm")
        if self.loss == "wasserstein" and not lipschitz:
            # Unconstrained critics diverge; say so up front instead of letting a run blow up.
            raise ValueError("loss=wasserstein needs a Lipschitz constraint; add regularizer=gp "
                             "or discriminator.spectral_norm=true")
        if self.packing > 1 and self.conditional:
            raise ValueError("packing>1 mixes several samples per D input, so it cannot be conditional; "
                             "use packing=1 or conditional=false")
        if self.reg_schedule == "linear" and self.reg_decay_end <= self.reg_decay_start:
            raise ValueError(f"reg_decay_end ({self.reg_decay_end}) must be after reg_decay_start ({self.reg_decay_start})")
        if self.batch_size % self.packing:
            raise ValueError(f"batch size {self.batch_size} is not divisible by packing={self.packing}; "
                             f"choose a batch size that is a multiple of {self.packing}")
        from .losses import get_loss

        if self.label_smoothing > 0 and not get_loss(self.loss).smoothable:
            raise ValueError(f"label_smoothing is defined for loss=ns, minimax or lsgan, not loss={self.loss}")
        return self


# ----------------------------------------------------------------------------- loading

def recipe_dir() -> Path:
    return Path(str(resources.files("ganforge") / "recipes"))


def list_recipes() -> List[Tuple[str, str]]:
    """(name, one-line description) of every shipped recipe, sorted by name."""
    out = []
    for path in sorted(recipe_dir().glob("*.yaml")):
        raw = yaml.safe_load(path.read_text()) or {}
        out.append((path.stem, str(raw.get("description", "")).strip().splitlines()[0] if raw.get("description") else ""))
    return out


def load_recipe(recipe: Union[str, Path, None]) -> Dict[str, Any]:
    """A recipe name (``dcgan-mnist``) or a YAML path -> raw dict."""
    recipe = recipe or "dcgan-mnist"
    path = Path(recipe)
    if not (path.suffix in (".yaml", ".yml") and path.exists()):
        path = recipe_dir() / f"{recipe}.yaml"
        if not path.exists():
            names = ", ".join(n for n, _ in list_recipes())
            raise ConfigError(f"unknown recipe '{recipe}'; choose one of: {names} (or a path to a .yaml file)")
    raw = yaml.safe_load(path.read_text()) or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"recipe {path} must be a YAML mapping of keys to values")
    raw.setdefault("name", path.stem)
    return raw


def parse_override(item: str) -> Tuple[List[str], Any]:
    if "=" not in item or item.startswith("="):
        raise ConfigError(f"override '{item}' must look like key=value (for example steps=500)")
    key, value = item.split("=", 1)
    try:
        parsed = yaml.safe_load(value) if value != "" else ""
    except yaml.YAMLError:
        parsed = value
    return key.strip().split("."), parsed


def apply_overrides(raw: Dict[str, Any], overrides: Union[List[str], Dict[str, Any], None]) -> Dict[str, Any]:
    """Return a copy of ``raw`` with dotted-key overrides applied (list of ``k=v`` or dict)."""
    raw = yaml.safe_load(yaml.safe_dump(raw))  # deep copy of plain data
    items = overrides.items() if isinstance(overrides, dict) else [parse_override(o) for o in (overrides or [])]
    for key, value in items:
        parts = key.split(".") if isinstance(key, str) else key
        node = raw
        for part in parts[:-1]:
            if not isinstance(node.get(part), dict):
                node[part] = {} if part not in node else {"name": node[part]}
            node = node[part]
        node[parts[-1]] = value
    return raw


def _format_error(err: ValidationError) -> str:
    first = err.errors()[0]
    key = ".".join(str(p) for p in first["loc"]) or "config"
    msg = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        valid = ", ".join(sorted(TrainConfig.model_fields))
        return f"unknown key '{key}'; valid keys: {valid}"
    if first["type"] == "literal_error":
        return f"bad value for '{key}': {msg}"
    return f"bad value for '{key}': {msg}" if key != "config" else msg


COMPONENT_KEYS = ("generator", "discriminator", "objective", "augment")


def build_config(raw: Dict[str, Any]) -> TrainConfig:
    for key in COMPONENT_KEYS:
        if isinstance(raw.get(key), str):
            raw[key] = {"name": raw[key]}
        elif isinstance(raw.get(key), dict) and "name" not in raw[key]:  # options for the default component
            raw[key] = {"name": TrainConfig.model_fields[key].default.name, **raw[key]}
    try:
        return TrainConfig(**raw)
    except ValidationError as err:
        raise ConfigError(_format_error(err)) from None


def resolve_config(recipe: Union[str, Path, Dict[str, Any], TrainConfig, None] = None,
                   overrides: Union[List[str], Dict[str, Any], None] = None) -> TrainConfig:
    """Recipe name/path/dict/config plus overrides -> validated :class:`TrainConfig`."""
    if isinstance(recipe, TrainConfig):
        raw = recipe.model_dump(mode="json")
    elif isinstance(recipe, dict):
        raw = dict(recipe)
    else:
        raw = load_recipe(recipe)
    return build_config(apply_overrides(raw, overrides))


def config_to_yaml(cfg: TrainConfig) -> str:
    return yaml.safe_dump(cfg.model_dump(mode="json"), sort_keys=False)


def config_from_file(path: Union[str, Path]) -> TrainConfig:
    return build_config(yaml.safe_load(Path(path).read_text()))
