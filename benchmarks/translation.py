"""Benchmark the image-to-image recipes on held-out data against trivial baselines.

  * pix2pix-edges   edges -> photo patches of photos never seen in training (edges2photo test
                    split, center crops); baselines: the edge map itself (identity) and a flat
                    image of the training photos' mean colour.
  * cyclegan-digits thin <-> thick strokes of 1,000 held-out MNIST digits, whose true
                    counterparts are known; baseline: identity. Also the cycle error.
  * esrgan-photos   x4 super-resolution of whole held-out photos (scikit-image's chelsea and
                    camera); baseline: bicubic up-scaling.

Each recipe is trained from scratch (or reused with --reuse) and timed. Prints machine info
and a markdown table; the default run takes a few minutes per recipe on one CPU thread.

    OMP_NUM_THREADS=1 python benchmarks/translation.py [--out runs/bench] [--reuse] [--steps-scale 0.5]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import List, Tuple

import torch

import ganforge
from ganforge.config import resolve_config
from ganforge.data import load_dataset
from ganforge.data.translation_demos import photos
from ganforge.train.checkpoint import latest_checkpoint
from ganforge.translate.apply import ImageModel
from ganforge.translate.evaluate import cycle_scores, paired_scores, superres_scores

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_info, print_machine  # noqa: E402

RECIPES = ("pix2pix-edges", "cyclegan-digits", "esrgan-photos")


def train(recipe: str, out: Path, reuse: bool, steps_scale: float) -> Tuple[float, float]:
    """Train ``recipe`` into ``out``; return (wall seconds, CPU seconds of this process), nan when reused.
    CPU time is what the run costs on an idle core; wall time also counts waiting for a busy one."""
    if reuse and latest_checkpoint(out) is not None:
        return float("nan"), float("nan")
    cfg = resolve_config(recipe)
    overrides = [f"steps={max(1, round(cfg.steps * steps_scale))}", "progress=false"]
    if cfg.objective.name == "superres":
        pretrain = cfg.objective.kwargs()["pretrain_steps"]
        overrides.append(f"objective.pretrain_steps={round(pretrain * steps_scale)}")
    wall, cpu = time.perf_counter(), time.process_time()
    ganforge.train(recipe, out=out, overrides=overrides)
    return time.perf_counter() - wall, time.process_time() - cpu


def evaluate(recipe: str, run: Path) -> List[dict]:
    cfg = ganforge.load(run).cfg
    if recipe == "pix2pix-edges":
        inputs, targets = load_dataset("edges2photo", cfg.image_size, split="test").fixed_batch(10_000)
        seen = load_dataset("edges2photo", cfg.image_size).y.float().mean((0, 2, 3)) / 127.5 - 1
        return paired_scores(ImageModel(run), inputs, targets, mean_colour=seen)
    if recipe == "cyclegan-digits":
        a, b = load_dataset("thin2thick", cfg.image_size, split="test").fixed_batch(10_000)
        return cycle_scores(ImageModel(run), ImageModel(run, direction="BtoA"), a, b)
    scale = int(cfg.data_options.get("scale", 4))
    images = [torch.as_tensor(p).permute(2, 0, 1).contiguous() for p in photos("test")]
    return superres_scores(ImageModel(run, tile=128, overlap=16), images, scale)


def table(results) -> str:
    lines = ["| recipe | method | PSNR (dB) | SSIM | cycle error | train time (wall / CPU) |",
             "|---|---|---|---|---|---|"]
    for recipe, (wall, cpu), rows in results:
        for i, row in enumerate(rows):
            cycle = f"{row['cycle_error']:.4f}" if "cycle_error" in row else ""
            spent = (f"{wall / 60:.1f} / {cpu / 60:.1f} min" if wall == wall else "reused") if i == 0 else ""
            lines.append(f"| {recipe if i == 0 else ''} | {row['method']} | {row['psnr']:.2f} | {row['ssim']:.4f} "
                         f"| {cycle} | {spent} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("runs/bench-translation"), help="folder for the runs")
    parser.add_argument("--reuse", action="store_true", help="evaluate existing runs under --out without training")
    parser.add_argument("--steps-scale", type=float, default=1.0, help="multiply every recipe's steps")
    parser.add_argument("--only", choices=RECIPES, action="append", help="benchmark only this recipe (repeatable)")
    args = parser.parse_args()
    results = []
    for recipe in args.only or RECIPES:
        run = args.out / recipe
        seconds = train(recipe, run, args.reuse, args.steps_scale)
        results.append((recipe, seconds, evaluate(recipe, run)))
    print_machine(machine_info())
    print()
    print(table(results))


if __name__ == "__main__":
    main()
