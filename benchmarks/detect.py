"""What the classifier two-sample test (ganforge detect, eval --metrics c2st) reports for generators
of known quality on MNIST at 32 px, with the command's defaults (detector width 32, at most 10
epochs, half of the items held out):

  * real vs real        two disjoint halves of the 5,000 embedded digits: no difference to find
  * pretrained:mnist    the shipped generator (FID 9.1 with the MNIST extractor)
  * dcgan-mnist, short  the default recipe stopped after --short-steps steps: a poor generator
  * collapsed           one generated digit repeated: the worst case

Each row: --n generated items (the real side subsampled to as many), one test per seed; the
median and range of the held-out ROC AUC and accuracy over --seeds seeds, and the CPU seconds of
one test (one torch thread). Prints the machine line and a markdown table.

    OMP_NUM_THREADS=1 python benchmarks/detect.py [--seeds 3] [--n 2000] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List, Tuple

import torch

import ganforge
from ganforge.data import load_dataset
from ganforge.metrics.c2st import classifier_two_sample_test

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_info, print_machine  # noqa: E402

Tensor = torch.Tensor


def digits() -> Tensor:
    data = load_dataset("mnist", 32)
    return data.get(torch.arange(len(data)))[0]


def rows(n: int, short_steps: int, work: Path) -> List[Tuple[str, Callable[[int], Tuple[Tensor, Tensor]]]]:
    """(label, seed -> (real, generated)) for every row."""
    real = digits()
    good = ganforge.load("pretrained:mnist")
    run = ganforge.train("dcgan-mnist", out=work / "short", overrides=[f"steps={short_steps}", "progress=false",
                                                                       "report=false", "metrics=[]"])
    poor = ganforge.load(run)

    def halves(seed):
        perm = torch.randperm(len(real), generator=torch.Generator().manual_seed(seed))
        k = min(n, len(real) // 2)
        return real[perm[:k]], real[perm[k:2 * k]]

    return [
        ("real vs real (disjoint halves of the digits)", halves),
        ("pretrained:mnist (FID 9.1)", lambda seed: (real, good.sample(n, seed=seed))),
        (f"dcgan-mnist stopped at step {short_steps}", lambda seed: (real, poor.sample(n, seed=seed))),
        ("collapsed (one generated digit repeated)",
         lambda seed: (real, good.sample(1, seed=seed).expand(n, -1, -1, -1).contiguous())),
    ]


def measure(make, seeds: int) -> Dict[str, float]:
    aucs, accs, cpus = [], [], []
    for seed in range(seeds):
        real, fake = make(seed)
        cpu = time.process_time()
        result = classifier_two_sample_test(real, fake, seed=seed)
        cpus.append(time.process_time() - cpu)
        aucs.append(result.auc)
        accs.append(result.accuracy)
    return {"auc": statistics.median(aucs), "auc_min": min(aucs), "auc_max": max(aucs),
            "accuracy": statistics.median(accs), "n_test": result.n_test, "cpu_s": statistics.median(cpus)}


def table(results: List[Tuple[str, Dict[str, float]]], seeds: int) -> str:
    lines = [f"| generated items | held-out AUC (median of {seeds}, range) | held-out accuracy | "
             "held-out items | CPU s per test |", "|---|---|---|---|---|"]
    for label, r in results:
        lines.append(f"| {label} | {r['auc']:.3f} ({r['auc_min']:.3f}-{r['auc_max']:.3f}) | {r['accuracy']:.3f} | "
                     f"{r['n_test']} | {r['cpu_s']:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="tests per row (detector and sampling seeds)")
    parser.add_argument("--n", type=int, default=2000, help="generated items per test")
    parser.add_argument("--short-steps", type=int, default=150, help="training steps of the poor run")
    parser.add_argument("--json", type=Path, default=None, help="also save the rows here")
    args = parser.parse_args()
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as work:
        results = [(label, measure(make, args.seeds)) for label, make in rows(args.n, args.short_steps, Path(work))]
    info = machine_info()
    print_machine(info)
    print()
    print(table(results, args.seeds))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": info, "seeds": args.seeds, "n": args.n,
                                         "rows": [{"row": label, **r} for label, r in results]}, indent=1))


if __name__ == "__main__":
    main()
