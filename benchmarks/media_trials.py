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
TEXT = ["metrics=[words,ngrams]", "eval_n=500", "eval_every=300", "checkpoint_every=600", "sample_every=600"]
SMALL = ["generator.width=64", "discriminator.width=64", "generator.blocks=3", "discriminator.blocks=3",
         "lr_g=0.0005", "lr_d=0.0005"]
AUDIO = ["metrics=[notes]", "eval_n=300", "eval_every=150", "checkpoint_every=300", "sample_every=300"]
HINGE = ["loss=hinge", "objective.regularizer=none", "discriminator.spectral_norm=true", "n_critic=1",
         "lr_g=0.0002", "lr_d=0.0002"]
# name: (recipe, steps, overrides); the runs in the README were stopped early by hand
TRIALS: Dict[str, Tuple[str, int, List[str]]] = {
    "text-gumbel-small": ("textgan-words", 2400, SMALL + TEXT),
    "text-gumbel-small-221": ("textgan-words", 221, SMALL + TEXT + ["eval_every=221"]),
    "text-hard": ("textgan-words", 479, SMALL + ["generator.hard=true"] + TEXT + ["eval_every=479"]),
    "text-softmax": ("textgan-words", 597, SMALL + ["generator.relaxation=softmax"] + TEXT + ["eval_every=597"]),
    "text-gru": ("textgan-words", 2400, ["generator={name: chargru, width: 256, tau: 0.5}", "discriminator.width=64",
                                          "discriminator.blocks=3", "lr_g=0.0005", "lr_d=0.0005"] + TEXT + ["eval_every=200"]),
    "audio-hinge": ("wavegan-notes", 3000, HINGE + AUDIO + ["eval_every=250"]),
    "audio-hinge-packing2": ("wavegan-notes", 3000, HINGE + ["objective.packing=2"] + AUDIO),
    "audio-hinge-nn": ("wavegan-notes", 3000, HINGE + ["generator.upsample=nn"] + AUDIO),
}
COLUMNS = {"textgan-words": ["real_words", "novel_real_words", "unique", "js_4"],
           "wavegan-notes": ["notes_covered", "notes_high_quality", "pitches_covered", "timbres_covered"]}


def evaluations(run: Path) -> List[dict]:
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines() if line.strip()]
    return [r for r in rows if r.get("eval")]


def table(recipe: str, trials: List[Tuple[str, Path]]) -> str:
    cols = ["trial", "step"] + COLUMNS[recipe]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for name, run in trials:
        for r in evaluations(run):
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
        print(table(recipe, trials))
    print()
    print_machine(machine_info())


if __name__ == "__main__":
    main()
