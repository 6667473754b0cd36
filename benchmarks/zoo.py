"""Architecture zoo benchmark: every zoo recipe trained for the same CPU time on MNIST.

For each recipe: a short timing run gives seconds per 1k generator steps, then a run of
``--budget`` seconds' worth of steps is trained and its EMA generator evaluated with
``ganforge.metrics.run_evaluator.RunEvaluator`` (MNIST-classifier features: FID, KID, precision, recall).
Prints a markdown table plus the machine description; ``--json`` also saves the rows.

    OMP_NUM_THREADS=2 PYTHONPATH=src python benchmarks/zoo.py --budget 120 --image-size 32
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_info, print_machine  # noqa: E402

import ganforge  # noqa: E402
from ganforge.config import resolve_config  # noqa: E402
from ganforge.data import load_dataset  # noqa: E402
from ganforge.metrics.run_evaluator import RunEvaluator, seeded_batches  # noqa: E402

RECIPES = ["dcgan-mnist", "mnist-cgan", "mnist-acgan", "sngan-mnist", "biggan-mnist", "stylegan2-mnist",
           "r3gan-mnist", "progan-mnist"]
QUIET = ["progress=false", "metrics=[]", "monitor=false", "sample_every=1000000"]


def run_for(recipe: str, steps: int, out: Path, extra) -> float:
    """Train ``steps`` and return the seconds per generator step measured by the Trainer itself
    (``images_per_s`` in metrics.jsonl), so start-up time does not count."""
    log_every = max(1, steps // 5)
    ganforge.train(recipe, out=out, overrides=QUIET + [f"steps={steps}", f"checkpoint_every={steps}",
                                                       f"log_every={log_every}"] + extra)
    rates = [r["images_per_s"] for r in map(json.loads, (out / "metrics.jsonl").read_text().splitlines())
             if "images_per_s" in r]
    batch = resolve_config(recipe, extra).batch_size
    return batch / statistics.median(rates)


def bench(recipe: str, budget: float, probe: int, extra, evaluator, root: Path) -> dict:
    per_step = run_for(recipe, probe, root / f"{recipe}-probe", extra)
    steps = max(probe, int(budget / per_step))
    if recipe == "progan-mnist":  # fit the whole growth schedule into the budget
        extra = extra + [f"objective.stage_steps={max(1, steps // 5)}"]
    run = root / recipe
    per_step = run_for(recipe, steps, run, extra)
    gen = ganforge.load(run)
    scores = evaluator(seeded_batches(gen.sample, 1))  # a fresh batch per call, not one batch repeated
    return {"recipe": recipe, "steps": steps, "train_s": round(per_step * steps, 1),
            "s_per_1k_steps": round(1000 * per_step, 1), **{k: float(v) for k, v in scores.items()}}


def table(rows) -> str:
    cols = ["recipe", "steps", "train_s", "s_per_1k_steps", "fid", "kid", "precision", "recall"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        cells = [f"{r.get(c):.4g}" if isinstance(r.get(c), float) else str(r.get(c, "")) for c in cols]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=120.0, help="training seconds per recipe")
    parser.add_argument("--probe", type=int, default=10, help="steps of the timing run")
    parser.add_argument("--image-size", type=int, default=32)
    parser.add_argument("--eval-n", type=int, default=2000)
    parser.add_argument("--recipes", default=",".join(RECIPES))
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    extra = [f"image_size={args.image_size}"]
    dataset = load_dataset("mnist", args.image_size)
    evaluator = RunEvaluator(dataset, ["fid", "kid", "prdc"], n=args.eval_n)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for recipe in args.recipes.split(","):
            rows.append(bench(recipe, args.budget, args.probe, extra, evaluator, Path(tmp)))
            print(f"done {recipe}: {rows[-1]}", file=sys.stderr, flush=True)
    info = machine_info()
    print(f"\nZoo on MNIST {args.image_size} px, {args.budget:.0f} s of training per recipe, "
          f"{args.eval_n} samples, MNIST-classifier features\n")
    print(table(rows))
    print()
    print_machine(info)
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "budget_s": args.budget, "rows": rows}, indent=1))


if __name__ == "__main__":
    torch.manual_seed(0)
    main()
