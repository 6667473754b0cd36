"""Running one command line in-process the way a user's shell would see it, and checking the
promise every bad input and every fault must keep: exit 2, one line on stderr, no traceback,
and the run directory absent or untouched.

Shared by the fuzz tests and ``benchmarks/reliability.py`` (which prints the README's table)."""
from __future__ import annotations

import hashlib
import os
import shutil
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence

from click.testing import CliRunner

# Small, fast settings for the runs the cases start from (seconds on one CPU core).
TINY = ["steps=2", "batch_size=16", "generator.width=16", "discriminator.width=16", "log_every=1",
        "sample_every=1", "checkpoint_every=1", "keep_checkpoints=3", "progress=false", "num_samples=16",
        "metrics=[]", "report=false", "plots=false", "tensorboard=false", "monitor=false"]


@dataclass
class Outcome:
    """What one invocation did, as the user sees it."""

    code: int
    stderr: str
    stdout: str
    crashed: Optional[BaseException]  # an exception that escaped the command line (a traceback)

    @property
    def lines(self) -> List[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]

    def kept_promise(self) -> Optional[str]:
        """None when the outcome is a clean refusal; else what went wrong, in words."""
        if self.crashed is not None:
            return f"traceback: {type(self.crashed).__name__}: {self.crashed}"
        if self.code != 2:
            return f"exit {self.code}"
        if len(self.lines) != 1:
            return f"{len(self.lines)} stderr lines: {self.lines[:3]}"
        if not self.lines[0].startswith("ganforge: error: "):
            return f"not a ganforge error line: {self.lines[0]}"
        return None


def invoke(args: Sequence[str], cwd: Path) -> Outcome:
    """``ganforge ARGS`` in ``cwd``, in this process (the command line's own error handling,
    warnings shown as ``python -m ganforge`` shows them)."""
    from ganforge.cli import _show_warning, cli

    before, shown = Path.cwd(), warnings.showwarning
    os.chdir(cwd)
    warnings.showwarning = _show_warning
    try:
        result = CliRunner().invoke(cli, list(args), prog_name="ganforge")
    finally:
        warnings.showwarning = shown
        os.chdir(before)
    crashed = result.exception if result.exception is not None and not isinstance(result.exception, SystemExit) else None
    return Outcome(result.exit_code, result.stderr, result.stdout, crashed)


def tree_state(root: Path) -> Dict[str, str]:
    """Every path under ``root`` -> its content hash (folders: ""), to tell "untouched"."""
    if not root.exists():
        return {}
    state = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            state[rel] = "link:" + os.readlink(path)
        elif path.is_dir():
            state[rel] = ""
        else:
            state[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def train_tiny(recipe: str, out: Path, extra: Sequence[str] = ()) -> Path:
    """A finished seconds-long run of ``recipe`` (checkpoints at steps 0, 1 and 2)."""
    import ganforge

    return ganforge.train(recipe, out=out, overrides=[*TINY, *extra])


@contextmanager
def copy_of(run: Path, where: Path) -> Iterator[Path]:
    """A private copy of a run directory, removed afterwards."""
    target = where / run.name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(run, target, symlinks=True)
    try:
        yield target
    finally:
        shutil.rmtree(target, ignore_errors=True)
