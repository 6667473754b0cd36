"""Typed config tree and its validation.

A run's config is one :class:`TrainConfig`: run-wide keys (data, optimisation, machinery,
outputs) plus components named by registry (``generator``, ``discriminator``, ``objective``,
``augment``), each with its own typed options (``generator.width=32``). Options that only
some objectives understand live in those objectives (``objective.regularizer=r1``); the old
top-level spellings (``regularizer=r1``) are still read and moved there. Everything, values
and types included, is checked here, before anything is built or written; every mistake is
a :class:`ConfigError` with one line naming the key.

A recipe is a YAML file in ``ganforge/recipes/`` (or any path). Overrides use dotted keys
(``generator.width=32``) with YAML-typed values (``betas=[0.0,0.9]``).
"""
from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any, Dict, List, Literal, Optional, Tuple, Union

import yaml
from pydantic import AllowInfNan, BaseModel, ConfigDict, Field, Strict, ValidationError, model_validator
from typing_extensions import Annotated

from .errors import ConfigError
from .options import OptionInfo, option_error, options_model, type_name, value_problem
from .registry import did_you_mean, lookup
from .schedules import SCHEDULES

Int = Annotated[int, Strict()]
Float = Annotated[float, Strict(), AllowInfNan(False)]
Bool = Annotated[bool, Strict()]
Str = Annotated[str, Strict()]
Beta = Annotated[float, Strict(), Field(ge=0, lt=1)]  # an Adam beta: torch refuses others mid-build
BIG = 10**9  # bounds "absurdly large" counts: a billion steps, samples or batches is a typo


class Component(BaseModel):
    """A registry entry by name plus its keyword options (``generator.width=32``,
    ``augment.policy=color,translation``); options are checked against the entry's signature."""

    model_config = ConfigDict(extra="allow", validate_assignment=True)
    name: Str

    def kwargs(self) -> Dict[str, Any]:
        return dict(self.model_extra or {})

    def get(self, key: str, default: Any = None) -> Any:
        """One option as set in the config, or ``default`` (the entry's own default applies)."""
        return (self.model_extra or {}).get(key, default)


# Component keys -> the registry kind that names them.
COMPONENTS = {"generator": "generator", "discriminator": "discriminator", "objective": "objective",
              "augment": "augmentation"}

# Keys that moved from the top level into the objectives that use them, with their old
# defaults: an old config.yaml (or an old-style override) holding the default for an objective
# that does not take the key loses it quietly; any other value is an error.
MOVED_TO_OBJECTIVE: Dict[str, Any] = {
    "conditional": False, "packing": 1, "instance_noise": 0.0, "freeze_d": 0, "regularizer": "none",
    "reg_weight": 10.0, "reg_every": 1, "reg_schedule": "constant", "reg_decay_start": 0.0, "reg_decay_end": 1.0,
}


class TrainConfig(BaseModel):
    """Everything one run needs. Field descriptions double as the recipe reference."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    name: Str = Field("run", description="run name (the default run directory is runs/NAME-TIME)")
    description: Str = Field("", description="one line shown by ganforge recipes")
    # data
    data: Str = Field("mnist", description="dataset spec: mnist, digits, faces, ring8, grid25, folder:PATH, ...")
    data_options: Dict[str, Any] = Field(default_factory=dict, description="options of the dataset (data_options.flip=false)")
    image_size: Int = Field(32, gt=0, le=8192, description="side of the square training images, px")
    # networks and objective
    objective: Component = Field(Component(name="gan"), description="what one D step and one G step compute")
    z_dim: Int = Field(100, gt=0, le=1_000_000, description="latent size")
    generator: Component = Field(Component(name="dcgan"), description="the generator network")
    discriminator: Component = Field(Component(name="dcgan"), description="the discriminator network")
    loss: Str = Field("ns", description="adversarial loss family: ns, minimax, hinge, wasserstein, lsgan, ragan, rpgan")
    augment: Component = Field(Component(name="none"), description="D-input augmentation: none, diffaugment, ada, diffusion")
    label_smoothing: Float = Field(0.0, ge=0, lt=0.5, description="one-sided: real target 1-s")
    # transfer learning
    init_from: Optional[Str] = Field(None, description="start G and D from this run's latest weights (new optimizers), "
                                                       "a checkpoint directory, or a model folder / pretrained:NAME (G only)")
    # optimisation
    steps: Int = Field(2000, ge=0, le=BIG, description="generator updates")
    batch_size: Int = Field(64, gt=0, le=1_000_000, description="samples per step (per process)")
    lr_g: Float = Field(2e-4, gt=0, description="generator learning rate (Adam)")
    lr_d: Float = Field(2e-4, gt=0, description="discriminator learning rate (Adam)")
    betas: Tuple[Beta, Beta] = Field((0.5, 0.999), description="Adam betas")
    beta2_final: Optional[Float] = Field(None, ge=0, lt=1, description="Adam beta2 reached along the lr schedule "
                                                                       "(R3GAN: 0.9 -> 0.99); none keeps betas fixed")
    lr_schedule: Literal[SCHEDULES] = Field(  # type: ignore[valid-type]
        "constant", description="linear or cosine (R3GAN's): decay to lr_final x lr between lr_decay_start and "
                                "lr_decay_end")
    lr_decay_start: Float = Field(0.5, ge=0, le=1, description="fraction of steps after which the lr decay starts")
    lr_decay_end: Float = Field(1.0, ge=0, le=1, description="fraction of steps where the lr decay ends")
    lr_final: Float = Field(0.0, ge=0, le=1, description="learning rate at the end of the decay, as a fraction")
    n_critic: Int = Field(1, ge=1, le=1000, description="D updates per G update")
    ema: Float = Field(0.999, ge=0, lt=1, description="EMA decay of G weights; 0 disables")
    ema_start: Int = Field(0, ge=0, le=BIG, description="step from which the EMA tracks G")
    ema_rampup: Optional[Float] = Field(None, gt=0, le=1, description="StyleGAN2-ADA's EMA ramp-up: the average's "
                                        "half-life at most this fraction of the steps done (0.05 there); none: off")
    # machinery
    seed: Int = Field(0, ge=0, le=2**31 - 1, description="one seed drives everything")
    device: Literal["auto", "cpu", "cuda", "mps"] = Field("auto", description="auto picks cuda, then mps, then cpu")
    amp: Literal["off", "bf16", "fp16"] = Field("off", description="mixed precision on CUDA")
    compile: Bool = Field(False, description="torch.compile G and D (falls back to eager with a warning)")
    channels_last: Bool = Field(False, description="channels-last memory format for image networks")
    # health monitor
    monitor: Bool = Field(True, description="watch for mode collapse, D overfitting, vanishing gradients, divergence "
                                            "and worsening quality")
    health: Dict[str, Any] = Field(default_factory=dict, description="monitor thresholds (health.overfit_threshold=0.6)")
    max_rollbacks: Int = Field(3, ge=0, le=1000, description="divergence rollbacks (each halves the learning rates) "
                                                              "before stopping")
    holdout: Union[Literal["auto"], Annotated[int, Strict(), Field(ge=0, le=BIG)]] = Field(
        "auto", description="real items kept out of training for the monitor's overfitting check: auto (5%, at most "
                            "256, when the monitor is on and D judges lone samples), a count, or 0 for none")
    # evaluation during training
    metrics: List[Str] = Field(default_factory=list, description="fid, kid, is, prdc, modes, stacked_modes")
    eval_every: Int = Field(0, ge=0, le=BIG, description="evaluate every N steps (0: only at the end when metrics are set)")
    eval_n: Int = Field(2000, ge=2, le=BIG, description="generated samples per evaluation")
    extractor: Str = Field("auto", description="auto, mnist, raw or inception")
    best_metric: Optional[Str] = Field(None, description="result key that picks checkpoints/best (default: first metric's)")
    # outputs
    log_every: Int = Field(50, ge=1, le=BIG, description="steps between metrics.jsonl rows")
    sample_every: Int = Field(500, ge=1, le=BIG, description="steps between sample grids")
    checkpoint_every: Int = Field(500, ge=1, le=BIG, description="steps between checkpoints")
    keep_checkpoints: Int = Field(3, ge=1, le=10_000, description="step checkpoints kept on disk")
    num_samples: Int = Field(64, gt=0, le=100_000, description="size of the fixed latent batch drawn at each sample step")
    progress: Bool = Field(True, description="progress bar on the console")
    report: Bool = Field(True, description="write report.html into the run directory when training ends")
    plots: Bool = Field(True, description="refresh loss_curves.png at every sample step")
    tensorboard: Bool = Field(True, description="also log scalars and samples for TensorBoard when it is installed")

    @model_validator(mode="before")
    @classmethod
    def _split_metrics(cls, raw: Any) -> Any:
        if isinstance(raw, dict) and isinstance(raw.get("metrics"), str):
            raw = {**raw, "metrics": [m.strip() for m in raw["metrics"].split(",") if m.strip()]}
        return raw

    @model_validator(mode="after")
    def _registered(self) -> "TrainConfig":
        """Names against their registries, component options against their entries, then each
        component's own cross-checks (``check_config``): one mechanism for every registry."""
        lookup("loss").get(self.loss)
        lookup("dataset").get(self.data.split(":", 1)[0])
        for name in self.metrics:
            lookup("metric").get(name)
        if self.extractor != "auto":
            lookup("feature extractor").get(self.extractor)
        if self.best_metric is not None:
            lookup("best_metric").get(self.best_metric)
        for key, kind in COMPONENTS.items():
            _check_component(self, key, kind)
        data = lookup("dataset")
        data.validate(self.data.split(":", 1)[0], self.data_options, key="data_options")
        _check_group(self.health, "health")
        for key, kind in COMPONENTS.items():
            check = getattr(lookup(kind).get(getattr(self, key).name), "check_config", None)
            if check is not None:
                check(self)
        if self.lr_schedule != "constant" and self.lr_decay_end <= self.lr_decay_start:
            raise ConfigError(f"lr_decay_end ({self.lr_decay_end}) must be after lr_decay_start ({self.lr_decay_start})")
        return self


def _check_component(cfg: TrainConfig, key: str, kind: str) -> None:
    comp: Component = getattr(cfg, key)
    registry = lookup(kind)
    factory = registry.get(comp.name)
    options = comp.kwargs()
    if key == "objective":
        accepted = {i.name for i in registry.options(comp.name)}
        for moved in [k for k in options if k in MOVED_TO_OBJECTIVE and k not in accepted]:
            if options[moved] != MOVED_TO_OBJECTIVE[moved]:
                valid = ", ".join(sorted(accepted)) or "none"
                raise ConfigError(f"objective {comp.name} does not support {moved}; its options: {valid}")
            delattr(comp, moved)
            options.pop(moved)
    elif key == "augment" and comp.name != "none":
        uses = getattr(lookup("objective").get(cfg.objective.name), "components", ("generator", "discriminator"))
        if "augment" not in uses:
            raise ConfigError(f"objective {cfg.objective.name} does not support augment; set augment=none")
    model = options_model(factory, registry.reserved)
    try:
        model.model_validate(options)
    except ValidationError as err:
        raise ConfigError(option_error(err, model, f"{kind} '{comp.name}'", key)) from None


def _check_group(values: Dict[str, Any], kind: str) -> None:
    """Options of a fixed part (the health monitor) registered as an option group."""
    groups = lookup("option group")
    model = options_model(groups.get(kind), groups.reserved)
    try:
        model.model_validate(values)
    except ValidationError as err:
        raise ConfigError(option_error(err, model, kind, kind)) from None


def format_error(err: ValidationError) -> str:
    """The first validation error as one line naming the key."""
    first = err.errors()[0]
    key = ".".join(str(p) for p in first["loc"]) or "config"
    msg = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        top = first["loc"][0] if first["loc"] else key
        valid = ", ".join(sorted(TrainConfig.model_fields))
        return f"unknown key '{key}'; valid keys: {valid}{did_you_mean(str(top), TrainConfig.model_fields)}"
    if key == "config":
        return msg
    return f"bad value for '{key}': {value_problem(first)}"


def build_config(raw: Dict[str, Any]) -> TrainConfig:
    """A plain dict (a recipe with overrides applied, a run's config.yaml) -> TrainConfig."""
    raw = normalize(raw)
    try:
        return TrainConfig(**raw)
    except ValidationError as err:
        raise ConfigError(format_error(err)) from None


def normalize(raw: Dict[str, Any]) -> Dict[str, Any]:
    """Components as ``{"name": ..., options}`` and moved keys inside the objective (old spellings)."""
    raw = dict(raw)
    for key in COMPONENTS:
        if isinstance(raw.get(key), str):
            raw[key] = {"name": raw[key]}
        elif isinstance(raw.get(key), dict) and "name" not in raw[key]:  # options for the default component
            raw[key] = {"name": TrainConfig.model_fields[key].default.name, **raw[key]}
    moved = {k: raw.pop(k) for k in list(raw) if k in MOVED_TO_OBJECTIVE}
    if moved:
        objective = raw.get("objective") if isinstance(raw.get("objective"), dict) else {"name": "gan"}
        raw["objective"] = {**moved, **objective}  # the objective's own spelling wins
    return raw


def config_to_yaml(cfg: TrainConfig) -> str:
    return yaml.safe_dump(cfg.model_dump(mode="json"), sort_keys=False)


def describe_config(cfg: TrainConfig) -> List[OptionInfo]:
    """Every key of ``cfg``'s tree with its type, default and description: the run-wide keys,
    then each component's options, the dataset's and the health monitor's (``ganforge options``)."""
    rows = [OptionInfo(k, type_name(f.annotation), f.get_default(call_default_factory=True), f.description or "")
            for k, f in TrainConfig.model_fields.items()]
    for key, kind in COMPONENTS.items():
        comp = getattr(cfg, key)
        rows += [OptionInfo(f"{key}.{i.name}", i.type, i.default, i.description)
                 for i in lookup(kind).options(comp.name)]
    terms = lookup("loss term")  # every term any objective may take by config, with its own options
    rows += [OptionInfo(f"objective.terms.{name}.{i.name}", i.type, i.default, i.description)
             for name in terms.names() for i in terms.options(name)]
    dataset = cfg.data.split(":", 1)[0]
    rows += [OptionInfo(f"data_options.{i.name}", i.type, i.default, i.description)
             for i in lookup("dataset").options(dataset)]
    rows += [OptionInfo(f"health.{i.name}", i.type, i.default, i.description)
             for i in lookup("option group").options("health")]
    return rows


# ----------------------------------------------------------------------------- recipes and overrides

def recipe_dir() -> Path:
    return Path(str(resources.files("ganforge") / "recipes"))


class _Loader(yaml.SafeLoader):
    """Safe YAML whose floats follow YAML 1.2: ``1e6`` and ``3e-4`` are numbers (PyYAML's 1.1
    rules need ``1.0e+6``, so ``lr_g=1e6`` would be refused as "not a number")."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"))


def safe_yaml(text: str) -> Any:
    """Plain data from YAML text (never a Python object), floats as YAML 1.2 reads them."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)


def read_yaml(path: Path) -> Any:
    """Plain YAML data from ``path``; a syntax error or a language tag (``!!python/...``) is a
    one-line ConfigError naming the file and line. Only plain data is ever built."""
    try:
        return safe_yaml(Path(path).read_text())
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = " ".join(str(getattr(err, "problem", None) or err).split())
        raise ConfigError(f"{where}: not a valid config ({problem}); fix the YAML there") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"cannot read {path}: {err.strerror if isinstance(err, OSError) else err}") from None


def list_recipes() -> List[Tuple[str, str]]:
    """(name, one-line description) of every shipped recipe, sorted by name."""
    out = []
    for path in sorted(recipe_dir().glob("*.yaml")):
        raw = read_yaml(path) or {}
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
            raise ConfigError(f"unknown recipe '{recipe}'{did_you_mean(str(recipe), [n for n, _ in list_recipes()])}; "
                              f"choose one of: {names} (or a path to a .yaml file)")
    raw = read_yaml(path) or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"recipe {path} must be a YAML mapping of keys to values")
    raw.setdefault("name", path.stem)
    return raw


def parse_override(item: str) -> Tuple[List[str], Any]:
    if "=" not in item or item.startswith("="):
        raise ConfigError(f"override '{item}' must look like key=value (for example steps=500)")
    key, value = item.split("=", 1)
    try:
        parsed = safe_yaml(value) if value != "" else ""
    except yaml.YAMLError:
        parsed = value
    return key.strip().split("."), parsed


def apply_overrides(raw: Dict[str, Any], overrides: Union[List[str], Dict[str, Any], None]) -> Dict[str, Any]:
    """Return a copy of ``raw`` with dotted-key overrides applied (list of ``k=v`` or dict).
    Old top-level spellings of moved keys land in the objective (``regularizer`` ->
    ``objective.regularizer``), so an override beats the recipe whichever spelling each uses."""
    raw = normalize(yaml.safe_load(yaml.safe_dump(raw)))  # deep copy of plain data
    items = overrides.items() if isinstance(overrides, dict) else [parse_override(o) for o in (overrides or [])]
    for key, value in items:
        parts = key.split(".") if isinstance(key, str) else list(key)
        if len(parts) == 1 and parts[0] in MOVED_TO_OBJECTIVE:
            parts = ["objective"] + parts
        node = raw
        for part in parts[:-1]:
            if not isinstance(node.get(part), dict):
                default = TrainConfig.model_fields[part].default.name if node is raw and part in COMPONENTS else None
                node[part] = {} if part not in node and default is None else {"name": node.get(part, default)}
            node = node[part]
        node[parts[-1]] = value
    return raw


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


def config_from_file(path: Union[str, Path]) -> TrainConfig:
    """A run's ``config.yaml`` -> TrainConfig (older layouts are migrated, see MOVED_TO_OBJECTIVE)."""
    raw = read_yaml(Path(path))
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: not a ganforge config (expected a mapping of keys to values)")
    try:
        return build_config(raw)
    except ConfigError as err:
        raise ConfigError(f"{path}: {err}") from None
