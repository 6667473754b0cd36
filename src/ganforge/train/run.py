"""Starting or resuming a run: config -> run directory -> Trainer -> fit."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Union

from .. import distributed as dist
from ..config import TrainConfig, resolve_config
from ..data.tables import FRAME_FILE, prepare_frame, save_frame
from ..errors import ConfigError
from .rundir import default_run_dir, load_run_config, prepare_new, require_checkpoint, write_config
from .timing import PhaseTimer
from .trainer import Trainer


def run_training(recipe: Union[str, Path, Dict[str, Any], TrainConfig, None] = None,
                 out: Union[str, Path, None] = None, resume: Union[str, Path, None] = None,
                 overrides: Optional[Sequence[str]] = None, timer: Optional[PhaseTimer] = None, **kw: Any) -> Path:
    """Train a GAN and return its run directory (``ganforge.train`` adds the end-of-training report).

    ``recipe`` is a shipped recipe name, a YAML path, a dict or a TrainConfig; ``overrides``
    are ``key=value`` strings and keyword arguments are overrides too (``steps=500``).
    ``resume`` continues an existing run exactly from its latest checkpoint. ``data`` may be a
    pandas DataFrame (``train("tabular", data=df)``): it is saved as the run's ``table.csv``.
    ``timer`` collects where the time goes (see ``timing.PhaseTimer``).
    """
    frame = None if isinstance(kw.get("data", ""), (str, Path)) else kw.pop("data")  # a pandas DataFrame
    override_list: List[str] = list(overrides or []) + [f"{k}={v}" for k, v in kw.items()]
    if resume is not None and frame is not None:
        raise ConfigError("a resumed run reads the table it was started with; drop data= when resuming")
    if resume is not None:
        run_dir = Path(resume)
        cfg = resolve_config(load_run_config(run_dir), override_list)
        latest = require_checkpoint(run_dir)
    else:
        cfg = resolve_config(recipe, override_list)
    dist.setup(cfg.device)  # no-op unless launched by torchrun
    try:
        # The Trainer is built (data loaded, networks constructed, extractors found) before
        # anything is written, so a config that cannot run leaves no run directory behind.
        if resume is not None:
            trainer = Trainer(cfg, run_dir, timer)
            if dist.is_main():
                write_config(run_dir, cfg)
            trainer.load_checkpoint(latest)
            return trainer.fit()
        # rank 0 names the run (the default name holds a timestamp) and creates it
        run_dir = dist.broadcast_object(Path(out) if out is not None else default_run_dir(cfg))
        if frame is None:
            trainer = Trainer(cfg, run_dir, timer)
        else:  # kept inside the run as CSV, so the run resumes and evaluates alone
            frame = prepare_frame(frame, what="the DataFrame")
            cfg = resolve_config(cfg, {"data": f"csv:{(run_dir / FRAME_FILE).resolve()}"})
        if dist.is_main():
            prepare_new(run_dir, cfg)
            if frame is not None:
                save_frame(frame, run_dir / FRAME_FILE)
        dist.barrier()
        if frame is not None:
            trainer = Trainer(cfg, run_dir, timer)
        return trainer.fit()
    finally:
        dist.teardown()
