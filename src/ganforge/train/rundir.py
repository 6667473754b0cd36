"""Run-directory layout: ``config.yaml``, ``data.json``, ``metrics.jsonl``, ``samples/``, ``checkpoints/``.

Every file here is written atomically (a full disk leaves the old file), and every read of a
damaged or missing file is one line naming it (:class:`~ganforge.errors.RunError`).
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Dict, Optional

from ..config import TrainConfig, config_from_file, config_to_yaml
from ..console import note
from ..errors import ConfigError, RunError
from ..files import unwritable_reason, write_text_atomic
from .checkpoint import latest_checkpoint, newest_intact, step_name

CONFIG, DATA_INFO, METRICS, HEALTH_INFO = "config.yaml", "data.json", "metrics.jsonl", "health.json"
DATA_INFO_KEYS = ("kind", "shape")  # what building a generator from data.json needs


def default_run_dir(cfg: TrainConfig, root: Path = Path("runs")) -> Path:
    return root / f"{cfg.name}-{time.strftime('%Y%m%d-%H%M%S')}"


def check_out(run_dir: Path) -> None:
    """Refuse, before any work, a run directory that cannot be created or written (``/proc/x``)."""
    reason = unwritable_reason(run_dir)
    if reason is not None:
        raise ConfigError(f"cannot use '{run_dir}' as the run directory: {reason}; pick another --out")


def prepare_new(run_dir: Path, cfg: TrainConfig) -> None:
    """Create a fresh run directory; refuse to overwrite one that already holds checkpoints."""
    if latest_checkpoint(run_dir) is not None:
        raise ConfigError(f"run directory '{run_dir}' already holds checkpoints; "
                          f"continue it with --resume {run_dir} or pick another --out")
    (run_dir / "samples").mkdir(parents=True, exist_ok=True)
    write_config(run_dir, cfg)


def write_data_info(run_dir: Path, info: Dict[str, Any]) -> None:
    write_text_atomic(Path(run_dir) / DATA_INFO, json.dumps(info, indent=1))


def read_data_info(run_dir: Path) -> Dict[str, Any]:
    """The run's ``data.json`` (shape, kind, classes of the data it was trained on)."""
    path = Path(run_dir) / DATA_INFO
    try:
        info = json.loads(path.read_text())
    except FileNotFoundError:
        raise RunError(f"{path} is missing; the run never started training (train it again)") from None
    except (OSError, UnicodeDecodeError, ValueError) as err:
        reason = err.strerror if isinstance(err, OSError) else " ".join(str(err).split())
        raise RunError(f"{path} is damaged ({reason}); it is rewritten by ganforge train --resume {run_dir}") from None
    if not isinstance(info, dict) or any(k not in info for k in DATA_INFO_KEYS):
        raise RunError(f"{path} is not a ganforge data description (needs {', '.join(DATA_INFO_KEYS)}); "
                       f"it is rewritten by ganforge train --resume {run_dir}")
    return info


def write_health_info(run_dir: Path, info: Dict[str, Any]) -> None:
    """What the health monitor could check in this run (``checks_off``: name -> why) and its split."""
    write_text_atomic(Path(run_dir) / HEALTH_INFO, json.dumps(info, indent=1))


def read_health_info(run_dir: Path) -> Dict[str, Any]:
    """The run's ``health.json``, or {} for runs from before it existed or with the monitor off."""
    path = Path(run_dir) / HEALTH_INFO
    return json.loads(path.read_text()) if path.exists() else {}


def load_run_config(run_dir: Path) -> TrainConfig:
    path = Path(run_dir) / CONFIG
    if not path.exists():
        raise ConfigError(f"'{run_dir}' is not a ganforge run (no {CONFIG}); pass a directory made by ganforge train")
    return config_from_file(path)


def require_checkpoint(run_dir: Path, purpose: str = "using") -> Path:
    """The newest intact step checkpoint; a note names newer damaged ones it skipped, and a run
    with checkpoints but none intact is one error naming the newest one's problem."""
    ckpt, problems = newest_intact(Path(run_dir))
    if ckpt is None:
        if problems:
            more = f" (and {len(problems) - 1} older one(s) damaged too)" if len(problems) > 1 else ""
            raise RunError(f"no intact checkpoint in '{run_dir}': {problems[0]}{more}")
        raise ConfigError(f"run '{run_dir}' has no checkpoint yet; train it first (or start over without --resume)")
    if problems:
        note(f"{problems[0]}; {purpose} {step_name(ckpt)}, the newest intact checkpoint"
             + (f" ({len(problems)} newer skipped)" if len(problems) > 1 else ""))
    return ckpt


def last_good_checkpoint(run_dir: Path) -> Optional[Path]:
    return newest_intact(Path(run_dir))[0]


def write_config(run_dir: Path, cfg: TrainConfig) -> None:
    write_text_atomic(Path(run_dir) / CONFIG, config_to_yaml(cfg))
