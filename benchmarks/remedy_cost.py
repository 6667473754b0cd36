"""What each limited-data remedy costs per training step, side by side in one run.

The rows of ``quality.py --limited`` (the default recipe on 500 digits, each remedy at its
paper's setting), plus ADA with the FIR resampler on its depthwise convolutions instead of the
CPU's banded-matrix products (``ganforge.fir``), timed with the Trainer's own step in interleaved
repeats (every row sees the same machine load).

    OMP_NUM_THREADS=1 python benchmarks/remedy_cost.py [--steps 10] [--repeats 5]

Prints the machine line and a markdown table: ms per step (process CPU time with one thread)
and the ratio to "nothing". A remedy's table row in ``quality.py --limited`` gets that many
times fewer steps for the same CPU budget.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_info, print_machine  # noqa: E402
from quality import LIMITED_DATA, REMEDIES  # noqa: E402
from throughput import clock, time_steps  # noqa: E402

from ganforge import fir  # noqa: E402
from ganforge.config import resolve_config  # noqa: E402
from ganforge.train.rundir import prepare_new  # noqa: E402
from ganforge.train.trainer import Trainer  # noqa: E402

QUIET = ["monitor=false", "metrics=[]", "progress=false"]
CONV_FIR = "ADA, FIR on convolutions"


def trainer(extra, root: Path) -> Trainer:
    cfg = resolve_config("dcgan-mnist", QUIET + LIMITED_DATA + list(extra))
    run = Path(tempfile.mkdtemp(dir=root))
    prepare_new(run, cfg)
    return Trainer(cfg, run)


def step(t: Trainer, conv_fir: bool):
    def run():
        saved = fir.MATRIX_MAX_LENGTH
        fir.MATRIX_MAX_LENGTH = 0 if conv_fir else saved
        try:
            t.train_step(False)
        finally:
            fir.MATRIX_MAX_LENGTH = saved
    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=10, help="steps per timed repeat")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    rows = dict(REMEDIES)
    rows[CONV_FIR] = REMEDIES["ADA (target r_t 0.6)"]
    times = {name: [] for name in rows}
    with tempfile.TemporaryDirectory() as root:
        steps = {name: step(trainer(extra, Path(root)), name == CONV_FIR) for name, extra in rows.items()}
        for fn in steps.values():  # warm-up
            for _ in range(3):
                fn()
        for _ in range(args.repeats):  # interleaved
            for name, fn in steps.items():
                times[name].append(time_steps(fn, args.steps))
    print_machine(machine_info())
    print(f"clock: {'process CPU time (one thread)' if clock() is time.process_time else 'wall time'}; "
          f"median of {args.repeats} repeats of {args.steps} steps")
    base = statistics.median(times["nothing"])
    print("| remedy | ms per step | x nothing |")
    print("| --- | ---: | ---: |")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"| {name} | {med * 1000:.1f} | {med / base:.2f} |")


if __name__ == "__main__":
    torch.manual_seed(0)
    main()
