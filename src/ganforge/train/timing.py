"""Where a run's time goes: a small phase timer handed to the Trainer and to ``api.train``.

Each phase accumulates wall seconds (``time.perf_counter``) and process CPU seconds
(``time.process_time``: all threads of this process, so it stays meaningful on a busy machine
where wall time is not). Phases nest and time is exclusive: a checkpoint written while an
evaluation keeps its best model counts as "checkpoints", not twice. Whatever no phase claims
(logging, the health monitor, the progress bar) is reported as "other".

The run writes ``timing.json`` (see :meth:`PhaseTimer.write`); ``ganforge train`` prints it.
"""
from __future__ import annotations

import json
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional

TIMING = "timing.json"
# Display order; phases not listed (none today) follow in the order they were first used.
PHASES = ("startup", "data cache", "training steps", "evaluation", "sampling", "checkpoints", "report", "other")


class PhaseTimer:
    """``with timer("evaluation"): ...`` adds the block's wall and CPU seconds to that phase."""

    def __init__(self) -> None:
        self.wall: Dict[str, float] = {}
        self.cpu: Dict[str, float] = {}
        self._stack: List[List[float]] = []  # per open phase: [child wall, child cpu]
        self._wall0, self._cpu0 = time.perf_counter(), time.process_time()
        # CPU spent before the timer existed (interpreter start, imports): the "startup" phase.
        self.cpu["startup"] = self._cpu0

    @contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        self._stack.append([0.0, 0.0])
        try:
            yield
        finally:
            child_wall, child_cpu = self._stack.pop()
            dw, dc = time.perf_counter() - wall, time.process_time() - cpu
            self.wall[phase] = self.wall.get(phase, 0.0) + dw - child_wall
            self.cpu[phase] = self.cpu.get(phase, 0.0) + dc - child_cpu
            if self._stack:  # the enclosing phase must not count this block again
                self._stack[-1][0] += dw
                self._stack[-1][1] += dc

    def summary(self) -> Dict[str, Dict[str, Optional[float]]]:
        """{phase: {"wall_s", "cpu_s"}} in display order plus "other" and "total". Wall seconds
        run from the timer's creation, so "startup" has CPU seconds only (wall None)."""
        total_wall = time.perf_counter() - self._wall0
        total_cpu = time.process_time()
        names = [p for p in PHASES if p in self.cpu or p in self.wall] + \
                [p for p in self.cpu if p not in PHASES]
        out: Dict[str, Dict[str, Optional[float]]] = {
            p: {"wall_s": self.wall.get(p), "cpu_s": self.cpu.get(p, 0.0)} for p in names}
        out["other"] = {"wall_s": max(0.0, total_wall - sum(self.wall.values())),
                        "cpu_s": max(0.0, total_cpu - sum(self.cpu.values()))}
        out["total"] = {"wall_s": total_wall, "cpu_s": total_cpu}
        return out

    def write(self, run_dir: Path) -> Path:
        """Write ``timing.json`` into the run atomically and return its path."""
        path = Path(run_dir) / TIMING
        tmp = path.with_name(path.name + ".tmp")
        rounded = {p: {k: (None if v is None else round(v, 3)) for k, v in d.items()} for p, d in self.summary().items()}
        tmp.write_text(json.dumps(rounded, indent=1))
        tmp.replace(path)
        return path


def read_timing(run_dir: Path) -> Optional[Dict[str, Dict[str, Optional[float]]]]:
    """The run's ``timing.json``, or None when it has none (or it cannot be read)."""
    try:
        return json.loads((Path(run_dir) / TIMING).read_text())
    except (OSError, ValueError):
        return None


def format_timing(timing: Dict[str, Dict[str, Optional[float]]]) -> List[str]:
    """Lines of a plain-text table: phase, wall s, CPU s, share of the total CPU time."""
    total = timing.get("total", {}).get("cpu_s") or 0.0
    lines = [f"  {'phase':<15} {'wall s':>8} {'CPU s':>8} {'CPU %':>6}"]
    for phase, row in timing.items():
        wall = "" if row.get("wall_s") is None else f"{row['wall_s']:.1f}"
        cpu = row.get("cpu_s") or 0.0
        share = f"{100 * cpu / total:.0f}" if total and phase != "total" else ""
        lines.append(f"  {phase:<15} {wall:>8} {cpu:>8.1f} {share:>6}")
    return lines
