"""Tuning trials of the media recipes: each trial trains a recipe with a few overrides and the
recipe's metrics evaluated every ``eval_every`` steps during training, so one run gives the
score's course; prints one markdown table per recipe (trial, step, scores) plus the machine line.
``--from-runs`` reprints the tables from run directories these trials made (their config names
the trial).

    OMP_NUM_THREADS=1 python benchmarks/media_trials.py --trials audio-hinge,text-gumbel-small
    python benchmarks/media_trials.py --from-runs runs/trials/*
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Dict, List, Tuple

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_info, print_machine  # noqa: E402

QUIET = ["progress=false", "report=false", "tensorboard=false"]
# the previous textgan-words recipe (the GAN alone, the CNN generator), which the first text trials start from
GAN_ONLY = ["generator={name: charcnn, width: 128, blocks: 5, relaxation: gumbel, tau: 0.5}",
            "discriminator={name: charcnn, width: 128, blocks: 5}", "objective={name: gan, regularizer: gp, reg_weight: 10}",
            "batch_size=64", "ema=0.999"]
TEXT = ["metrics=[words,ngrams]", "eval_n=500", "eval_every=300", "checkpoint_every=600", "sample_every=600"]
SMALL = ["generator.width=64", "discriminator.width=64", "generator.blocks=3", "discriminator.blocks=3",
         "lr_g=0.0005", "lr_d=0.0005"]
# maximum-likelihood pre-training, then the GAN (objective mle-gan); 2,000 strings per evaluation
MLE_GRU = ["generator={name: chargru, width: 256, decode: sample, tau: 0.5}", "discriminator={name: charcnn, width: 64, "
           "blocks: 3}", "ema=0.99", "batch_size=64"]
TEXT_2K = ["metrics=[words,ngrams]", "eval_n=2000", "eval_every=250", "checkpoint_every=1000", "sample_every=1000"]
AUDIO = ["metrics=[notes]", "eval_n=300", "eval_every=150", "checkpoint_every=300", "sample_every=300"]
HINGE = ["loss=hinge", "objective.regularizer=none", "discriminator.spectral_norm=true", "n_critic=1",
         "lr_g=0.0002", "lr_d=0.0002"]
# name: (recipe, steps, overrides); the runs in the README were stopped early by hand
TRIALS: Dict[str, Tuple[str, int, List[str]]] = {
    "text-gumbel-small": ("textgan-words", 2400, GAN_ONLY + SMALL + TEXT),
    "text-gumbel-small-221": ("textgan-words", 221, GAN_ONLY + SMALL + TEXT + ["eval_every=221"]),
    "text-hard": ("textgan-words", 479, GAN_ONLY + SMALL + ["generator.hard=true"] + TEXT + ["eval_every=479"]),
    "text-softmax": ("textgan-words", 597, GAN_ONLY + SMALL + ["generator.relaxation=softmax"] + TEXT
                     + ["eval_every=597"]),
    "text-gru": ("textgan-words", 2400, GAN_ONLY + ["generator={name: chargru, width: 256, tau: 0.5}", "discriminator.width=64",
                                          "discriminator.blocks=3", "lr_g=0.0005", "lr_d=0.0005"] + TEXT + ["eval_every=200"]),
    "text-mle": ("textgan-words", 3500, MLE_GRU + ["objective={name: mle-gan, pretrain_steps: 3500, pretrain_lr: 0.003, "
                                                   "regularizer: gp}"]
                 + TEXT_2K),
    "text-mle-gan": ("textgan-words", 3500, MLE_GRU + ["objective={name: mle-gan, pretrain_steps: 1500, "
                                                       "pretrain_lr: 0.003, regularizer: gp, reg_weight: 10}"] + TEXT_2K),
    "text-mle-gan-256": ("textgan-words", 2750, MLE_GRU + ["batch_size=256", "objective={name: mle-gan, pretrain_steps: "
                                                           "2000, pretrain_lr: 0.003, regularizer: gp, reg_weight: 10}"]
                         + TEXT_2K),
    # the language model alone for 10,000 steps at the recipe's settings (its GAN phase: resume the run,
    # ganforge train --resume runs/trials/text-mle-10k steps=10500 eval_every=250 [objective.mle_weight=1])
    "text-mle-10k": ("textgan-words", 10000, ["objective.pretrain_steps=10000", "eval_every=2000"]),
    "audio-hinge": ("wavegan-notes", 3000, HINGE + AUDIO + ["eval_every=250"]),
    "audio-hinge-packing2": ("wavegan-notes", 3000, HINGE + ["objective.packing=2"] + AUDIO),
    "audio-hinge-nn": ("wavegan-notes", 3000, HINGE + ["generator.upsample=nn"] + AUDIO),
}
COLUMNS = {"textgan-words": ["real_words", "novel_real_words", "unique", "js_4"],
           "wavegan-notes": ["notes_covered", "notes_high_quality", "pitches_covered", "timbres_covered"]}


def evaluations(run: Path) -> List[dict]:
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines() if line.strip()]
    return [r for r in rows if r.get("eval")]


def table(recipe: str, trials: List[Tuple[str, Path]], every: int = 1) -> str:
    cols = ["trial", "step"] + COLUMNS[recipe]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for name, run in trials:
        for r in evaluations(run):
            if r["step"] % every:
                continue
            cells = [name, str(r["step"])] + [f"{r[c]:.4g}" if isinstance(r.get(c), float) else str(r.get(c, ""))
                                              for c in COLUMNS[recipe]]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", default=",".join(TRIALS))
    parser.add_argument("--root", type=Path, default=Path("runs/trials"))
    parser.add_argument("--steps", type=int, default=None, help="cut every trial to this many steps")
    parser.add_argument("--from-runs", type=Path, nargs="*", default=None)
    parser.add_argument("--every", type=int, default=1, help="print the evaluations at multiples of this step")
    args = parser.parse_args()
    done: Dict[str, List[Tuple[str, Path]]] = {}
    if args.from_runs is not None:
        for run in args.from_runs:
            trial = json.loads((run / "trial.json").read_text()) if (run / "trial.json").exists() else {}
            name = trial.get("trial", run.name)
            recipe = trial.get("recipe") or TRIALS.get(name, ("textgan-words",))[0]
            done.setdefault(recipe, []).append((name, run))
    else:
        import ganforge

        torch.set_num_threads(1)
        for name in args.trials.split(","):
            recipe, steps, overrides = TRIALS[name]
            steps = args.steps or steps
            start = time.process_time()
            run = ganforge.train(recipe, out=args.root / name, overrides=QUIET + overrides + [f"steps={steps}"])
            (run / "trial.json").write_text(json.dumps({"trial": name, "recipe": recipe, "steps": steps,
                                                        "cpu_s": round(time.process_time() - start, 1)}))
            done.setdefault(recipe, []).append((name, run))
    for recipe, trials in done.items():
        print(f"\n#### {recipe}\n")
        print(table(recipe, trials, args.every))
    print()
    print_machine(machine_info())


if __name__ == "__main__":
    main()
