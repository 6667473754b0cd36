"""Run-directory layout: ``config.yaml``, ``data.json``, ``metrics.jsonl``, ``samples/``, ``checkpoints/``."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Dict

from ..config import TrainConfig, config_from_file, config_to_yaml
from ..errors import ConfigError
from .checkpoint import latest_checkpoint

CONFIG, DATA_INFO, METRICS, HEALTH_INFO = "config.yaml", "data.json", "metrics.jsonl", "health.json"


def default_run_dir(cfg: TrainConfig, root: Path = Path("runs")) -> Path:
    return root / f"{cfg.name}-{time.strftime('%Y%m%d-%H%M%S')}"


def prepare_new(run_dir: Path, cfg: TrainConfig) -> None:
    """Create a fresh run directory; refuse to overwrite one that already holds checkpoints."""
    if latest_checkpoint(run_dir) is not None:
        raise ConfigError(f"run directory '{run_dir}' already holds checkpoints; "
                          f"continue it with --resume {run_dir} or pick another --out")
    (run_dir / "samples").mkdir(parents=True, exist_ok=True)
    write_config(run_dir, cfg)


def write_data_info(run_dir: Path, info: Dict[str, Any]) -> None:
    (run_dir / DATA_INFO).write_text(json.dumps(info, indent=1))


def read_data_info(run_dir: Path) -> Dict[str, Any]:
    return json.loads((Path(run_dir) / DATA_INFO).read_text())


def write_health_info(run_dir: Path, info: Dict[str, Any]) -> None:
    """What the health monitor could check in this run (``checks_off``: name -> why) and its split."""
    (Path(run_dir) / HEALTH_INFO).write_text(json.dumps(info, indent=1))


def read_health_info(run_dir: Path) -> Dict[str, Any]:
    """The run's ``health.json``, or {} for runs from before it existed or with the monitor off."""
    path = Path(run_dir) / HEALTH_INFO
    return json.loads(path.read_text()) if path.exists() else {}


def load_run_config(run_dir: Path) -> TrainConfig:
    path = Path(run_dir) / CONFIG
    if not path.exists():
        raise ConfigError(f"'{run_dir}' is not a ganforge run (no {CONFIG}); pass a directory made by ganforge train")
    return config_from_file(path)


def require_checkpoint(run_dir: Path) -> Path:
    ckpt = latest_checkpoint(run_dir)
    if ckpt is None:
        raise ConfigError(f"run '{run_dir}' has no checkpoint yet; train it first (or start over without --resume)")
    return ckpt


def write_config(run_dir: Path, cfg: TrainConfig) -> None:
    (run_dir / CONFIG).write_text(config_to_yaml(cfg))
