"""Transformer nets next to a CNN at an equal CPU budget on MNIST (32 px).

Rows: DCGAN (``dcgan-mnist``), the transformer GAN (``transgan-mnist``: TransGAN generator + ViTGAN
discriminator) and, with --hybrids, each transformer net paired with the other family's DCGAN
net. For each row two short probe runs measure the CPU seconds per generator step (process time,
one torch thread, the difference of a P-step and a 2P-step run, so start-up does not count);
then a run of budget / cost steps is trained and its EMA generator is evaluated on 2,000 samples:
FID, KID and precision/recall on the shipped MNIST classifier's features, and the classifier
two-sample test's held-out AUC (0.5 = indistinguishable from real digits).

    OMP_NUM_THREADS=1 python benchmarks/transformers.py --budget 600 [--hybrids] [--json FILE]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import List, Sequence, Tuple

import torch

import ganforge
from ganforge.data import load_dataset
from ganforge.metrics.run_evaluator import RunEvaluator

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_info, print_machine  # noqa: E402

QUIET = ["progress=false", "report=false", "metrics=[]", "monitor=false", "sample_every=1000000"]
ROWS: List[Tuple[str, str, List[str]]] = [
    ("DCGAN (CNN G + CNN D)", "dcgan-mnist", []),
    ("TransGAN G + ViTGAN D", "transgan-mnist", []),
]
HYBRIDS: List[Tuple[str, str, List[str]]] = [
    ("TransGAN G + DCGAN D", "transgan-mnist", ["discriminator={name: dcgan, width: 32}"]),
    ("DCGAN G + ViTGAN D", "transgan-mnist", ["generator={name: dcgan, width: 32}"]),
]


def cpu_train(recipe: str, out: Path, overrides: Sequence[str]) -> float:
    cpu = time.process_time()
    ganforge.train(recipe, out=out, overrides=[*QUIET, *overrides])
    return time.process_time() - cpu


def bench(label: str, recipe: str, extra: List[str], budget: float, probe: int, evaluator, root: Path,
          name: str) -> dict:
    short = cpu_train(recipe, root / f"{name}-p1", extra + [f"steps={probe}", f"checkpoint_every={probe}"])
    long = cpu_train(recipe, root / f"{name}-p2", extra + [f"steps={2 * probe}", f"checkpoint_every={2 * probe}"])
    per_step = max((long - short) / probe, 1e-6)
    steps = max(probe, int(budget / per_step))
    run = root / name
    spent = cpu_train(recipe, run, extra + [f"steps={steps}", f"checkpoint_every={steps}", f"log_every={steps}"])
    gen = ganforge.load(run)
    scores = evaluator(lambda n: gen.sample(n, seed=1))
    return {"config": label, "recipe": recipe, "overrides": extra, "steps": steps, "train_cpu_s": round(spent, 1),
            "cpu_s_per_1k_steps": round(1000 * per_step, 1), **{k: float(v) for k, v in scores.items()}}


def table(rows) -> str:
    cols = [("config", "config"), ("steps", "steps"), ("train_cpu_s", "train CPU s"),
            ("cpu_s_per_1k_steps", "CPU s / 1k steps"), ("fid", "FID"), ("kid", "KID x 1000"),
            ("precision", "precision"), ("recall", "recall"), ("c2st_auc", "C2ST AUC")]
    lines = ["| " + " | ".join(h for _, h in cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        cells = []
        for key, _ in cols:
            v = r.get(key)
            v = v * 1000 if key == "kid" else v
            cells.append(f"{v:.4g}" if isinstance(v, float) else str(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=600.0, help="training CPU seconds per row")
    parser.add_argument("--probe", type=int, default=20, help="steps of the shorter timing run")
    parser.add_argument("--eval-n", type=int, default=2000)
    parser.add_argument("--hybrids", action="store_true", help="also pair each transformer net with a DCGAN net")
    parser.add_argument("--json", type=Path, default=None, help="also save the rows here")
    args = parser.parse_args()
    torch.set_num_threads(1)
    evaluator = RunEvaluator(load_dataset("mnist", 32), ["fid", "kid", "prdc", "c2st"], n=args.eval_n)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (label, recipe, extra) in enumerate(ROWS + (HYBRIDS if args.hybrids else [])):
            rows.append(bench(label, recipe, extra, args.budget, args.probe, evaluator, Path(tmp), f"row{i}"))
            print(f"done {label}: {rows[-1]}", file=sys.stderr, flush=True)
    info = machine_info()
    print(f"\nMNIST 32 px, {args.budget:.0f} CPU s of training per row, {args.eval_n} samples, "
          "MNIST-classifier features\n")
    print(table(rows))
    print()
    print_machine(info)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"machine": info, "budget_cpu_s": args.budget, "rows": rows}, indent=1))


if __name__ == "__main__":
    torch.manual_seed(0)
    main()
