"""Benchmark inpainting and denoising on held-out faces against the classical methods.

  * inpaint-faces   the 20 held-out LFW faces (faces, split=test), each with --per-image free-form
                    masks and as many box masks drawn from a fixed seed; baselines: the mean of the
                    known pixels, scikit-image's biharmonic inpainting and, with
                    opencv-python-headless installed, OpenCV's Telea and Navier-Stokes inpainting.
                    Also the recipe with the gated-convolution generator and without the
                    adversarial term (--recipes-only skips these two).
  * denoise-faces   the same faces with --per-image draws of Gaussian noise at the recipe's sigma;
                    baselines: the noisy input, non-local means (told the true sigma), total
                    variation at the best of a few weights on these images (an oracle setting) and,
                    with PyWavelets installed, BayesShrink wavelet denoising.

Each recipe is trained from scratch (or reused with --reuse); the CPU seconds are the training
process's own (one torch thread), so they mean the same on a busy machine. Prints the machine
line and a markdown table; --json saves the rows.

    OMP_NUM_THREADS=1 python benchmarks/restoration.py [--out runs/bench-restoration] [--reuse]
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import List, Sequence

import torch

import ganforge
from ganforge.data import load_dataset
from ganforge.train.checkpoint import latest_checkpoint
from ganforge.translate.inpaint import InpaintModel
from ganforge.translate.restore import heldout_cases, restoration_scores

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_info, print_machine  # noqa: E402

RECIPES = ("inpaint-faces", "denoise-faces")
# (label, recipe, overrides): the recipes, the gated-convolution generator and the L1-only ablation.
ROWS = [
    ("inpaint-faces", "inpaint-faces", []),
    ("inpaint-faces, generator=gated", "inpaint-faces", ["generator={name: gated, width: 16}"]),
    ("inpaint-faces, lambda_adv=0", "inpaint-faces", ["objective.lambda_adv=0"]),
    ("denoise-faces", "denoise-faces", []),
]


def train(recipe: str, out: Path, reuse: bool, overrides: Sequence[str]) -> float:
    """CPU seconds spent training ``recipe`` into ``out`` (nan when an existing run is reused)."""
    if reuse and latest_checkpoint(out) is not None:
        return float("nan")
    cpu = time.process_time()
    ganforge.train(recipe, out=out, overrides=["progress=false", *overrides])
    return time.process_time() - cpu


def evaluate(run: Path, per_image: int) -> List[dict]:
    model = InpaintModel(run)
    faces = load_dataset("faces", model.min_size, split="test")
    images = faces.get(torch.arange(len(faces)))[0]
    kinds = ["freeform", "box"] if model.noise_sigma == 0 else ["none"]
    rows = []
    for kind in kinds:
        clean, inputs, masks = heldout_cases(images, kind, per_image, model.noise_sigma)
        for row in restoration_scores(model, clean, inputs, masks, model.noise_sigma):
            rows.append({"masks": kind if kind != "none" else f"noise sigma {model.noise_sigma:g}", **row})
    return rows


def table(results) -> str:
    lines = ["| run | corruption | method | PSNR (dB) | SSIM | hole PSNR (dB) | train CPU |",
             "|---|---|---|---|---|---|---|"]
    for recipe, cpu, rows in results:
        for i, row in enumerate(rows):
            hole = f"{row['hole_psnr']:.2f}" if "hole_psnr" in row else ""
            spent = (f"{cpu / 60:.1f} min" if cpu == cpu else "reused") if i == 0 else ""
            first = i == 0 or row["masks"] != rows[i - 1]["masks"]
            lines.append(f"| {recipe if i == 0 else ''} | {row['masks'] if first else ''} | {row['method']} | "
                         f"{row['psnr']:.2f} | {row['ssim']:.4f} | {hole} | {spent} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("runs/bench-restoration"), help="folder for the runs")
    parser.add_argument("--reuse", action="store_true", help="evaluate existing runs under --out without training")
    parser.add_argument("--only", choices=RECIPES, action="append", help="benchmark only this recipe (repeatable)")
    parser.add_argument("--recipes-only", action="store_true", help="skip the variant rows (gated, lambda_adv=0)")
    parser.add_argument("--per-image", type=int, default=8, help="held-out masks (or noise draws) per face")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="override for every recipe (repeatable), e.g. --set steps=500")
    parser.add_argument("--json", type=Path, default=None, help="also save the rows here")
    args = parser.parse_args()
    torch.set_num_threads(1)
    results = []
    for i, (label, recipe, extra) in enumerate(ROWS):
        if args.only and recipe not in args.only or args.recipes_only and extra:
            continue
        run = args.out / f"{i}-{recipe}"
        cpu = train(recipe, run, args.reuse, [*extra, *args.overrides])
        results.append((label, cpu, evaluate(run, args.per_image)))
        print(f"done {label}", file=sys.stderr, flush=True)
    info = machine_info()
    print_machine(info)
    print()
    print(table(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {"machine": info, "overrides": args.overrides, "per_image": args.per_image,
                   "results": [{"config": r, "train_cpu_s": c, "rows": rows} for r, c, rows in results]}
        args.json.write_text(json.dumps(payload, indent=1, default=float))


if __name__ == "__main__":
    main()
