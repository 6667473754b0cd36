"""Quality benchmark: every noise-to-image recipe trained for the same CPU budget on MNIST and
scored with one protocol, beside two reference rows measured in the same run.

    python benchmarks/quality.py                            # every family, 600 CPU-s each, 2 seeds
    python benchmarks/quality.py --recipes dcgan-mnist,sngan-mnist --budget 300 --seeds 3 --jobs 2
    python benchmarks/quality.py --limited                  # 500 digits: no remedy vs each remedy, 3 seeds, 300 CPU-s
    python benchmarks/quality.py --stacked                  # Stacked MNIST modes (PacGAN protocol), 3 seeds, 300 CPU-s
    python benchmarks/quality.py --stacked --rows "stacked-mnist recipe" --budget 1200   # one row, longer
    python benchmarks/quality.py --limited --steps 6000     # every row the same generator steps (papers' protocol)
    python benchmarks/quality.py --default-run              # `ganforge train` as shipped vs the previous default
    python benchmarks/quality.py --from-results benchmarks/results/quality.jsonl   # print saved rows again

Every run is its own process with one torch thread (``--jobs N`` runs N at once); budgets are
process CPU seconds spent in training steps (start-up, data and scoring excluded), so rows are
comparable on a shared machine where wall time is not. Scoring: 10,000 samples, MNIST-classifier
features, against the 5,000 embedded digits (see quality_runs.py). Reference rows: real vs real
(held-out digits against the others: the floor) and the pytorch/examples DCGAN loop written by
hand (handwritten_dcgan.py) at the same budget. Results are appended to a JSON-lines file as each
run finishes, and runs already in it are skipped, so an interrupted benchmark resumes.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Dict, List

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from machine import machine_info  # noqa: E402
from quality_runs import run_task  # noqa: E402
from quality_tables import print_tables  # noqa: E402

FAMILIES = ["dcgan-mnist", "mnist-cgan", "mnist-acgan", "sngan-mnist", "biggan-mnist", "stylegan2-mnist",
            "r3gan-mnist", "progan-mnist", "transgan-mnist"]
PREVIOUS_DEFAULT = str(HERE / "configs" / "dcgan-mnist-v0.yaml")  # frozen copy of the earlier default recipe
# The default recipe without its own R1, so that "nothing" is no remedy at all and R1 is one row.
LIMITED_DATA = ["data_options.subset=500", "regularizer=none"]
# Remedies on the DCGAN-class default recipe, each with its paper's recommended setting where it has one.
REMEDIES: Dict[str, List[str]] = {
    "nothing": [],
    "DiffAugment (color,translation,cutout)": ["augment.name=diffaugment", "augment.policy=color,translation,cutout"],
    "ADA (target r_t 0.6)": ["augment.name=ada"],
    "LeCam (0.3)": ["objective.lecam_weight=0.3"],
    "bCR (10, 10)": ["objective.bcr_real=10", "objective.bcr_fake=10"],
    "Diffusion-GAN noise": ["augment.name=diffusion"],
    "R1 (gamma 1, lazy every 16)": ["regularizer=r1", "reg_weight=1", "reg_every=16"],
    # The augmentation papers' own baseline is a regularised GAN (StyleGAN2 with R1): on top of R1
    "R1 + DiffAugment": ["regularizer=r1", "reg_weight=1", "reg_every=16", "augment.name=diffaugment",
                         "augment.policy=color,translation,cutout"],
    "R1 + ADA": ["regularizer=r1", "reg_weight=1", "reg_every=16", "augment.name=ada"],
}
STACKED_FLOOR = "real stacks (held-out digits: the floor)"
# Stacked MNIST rows: (recipe, overrides). The baselines are the plain DCGAN of the previous default
# recipe on Stacked MNIST, alone and with PacGAN's packing of 2, at the same CPU budget.
STACKED = {
    "stacked-mnist recipe": ("stacked-mnist", []),
    "plain DCGAN": (PREVIOUS_DEFAULT, ["data=stacked-mnist"]),
    "PacGAN2 (plain DCGAN, packing=2)": (PREVIOUS_DEFAULT, ["data=stacked-mnist", "packing=2"]),
}


def tasks(args) -> List[Dict[str, Any]]:
    """The runs one invocation asks for, each a dict that names its row and seed."""
    seeds = range(args.seeds)
    if args.default_run:
        recipes = {"dcgan-mnist (default)": "dcgan-mnist", "previous default (frozen copy)": PREVIOUS_DEFAULT}
        return [{"mode": "default-run", "kind": "shipped", "row": row, "recipe": r, "seed": s}
                for row, r in recipes.items() for s in seeds]
    # --steps: a fixed number of generator steps per row instead of a CPU budget
    length = {"steps": args.steps} if args.steps else {"budget": args.budget}
    if args.limited:
        return [{"mode": "limited", "kind": "recipe", "row": row, "recipe": args.limited_recipe, "seed": s,
                 **length, "extra": LIMITED_DATA + extra} for row, extra in REMEDIES.items() for s in seeds]
    if args.stacked:
        real = [{"mode": "stacked", "kind": "real", "row": STACKED_FLOOR, "seed": s} for s in seeds]
        return real + [{"mode": "stacked", "kind": "recipe", "row": row, "recipe": r, "seed": s, **length,
                 "extra": extra} for row, (r, extra) in STACKED.items() for s in seeds]
    out = [{"mode": "families", "kind": "real", "row": "real vs real (held-out digits)", "seed": 0}]
    out += [{"mode": "families", "kind": "handwritten", "row": "hand-written DCGAN (pytorch/examples)", "seed": s,
             "budget": args.budget} for s in seeds]
    out += [{"mode": "families", "kind": "recipe", "row": r, "recipe": r, "seed": s, **length}
            for r in args.recipes.split(",") for s in seeds]
    return out


def selected(args) -> List[Dict[str, Any]]:
    """``tasks(args)``, only the rows named by ``--rows`` when given."""
    rows = None if args.rows is None else {r.strip() for r in args.rows.split(",")}
    return [t for t in tasks(args) if rows is None or t["row"] in rows]


def task_key(task: Dict[str, Any]) -> str:
    keys = ("mode", "kind", "row", "recipe", "seed", "budget", "extra") + (("steps",) if task.get("steps") else ())
    return json.dumps({k: task.get(k) for k in keys}, sort_keys=True)


def read_results(path: Path) -> List[Dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def run_all(todo: List[Dict[str, Any]], jobs: int, results: Path, info: Dict[str, Any]) -> None:
    """Run the tasks (``jobs`` worker processes, spawned so each sets its own thread count) and
    append each finished row to ``results`` at once."""
    results.parent.mkdir(parents=True, exist_ok=True)
    ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        futures = {pool.submit(run_task, t): t for t in todo}
        for fut in as_completed(futures):
            task = futures[fut]
            try:
                row = fut.result()
            except Exception as err:  # noqa: BLE001 - one failed run is reported, the others go on
                print(f"FAILED {task['row']} seed {task['seed']}: {err}", file=sys.stderr, flush=True)
                continue
            row.update(machine=info, key=task_key(task), time=time.strftime("%Y-%m-%dT%H:%M:%S"))
            with open(results, "a") as fh:
                fh.write(json.dumps(row) + "\n")
            score = (f"modes {row['modes_covered']:.0f}, KL {row['kl_to_uniform']:.3f}" if "modes_covered" in row
                     else f"fid {row.get('fid', float('nan')):.2f}")
            print(f"done {row['row']} seed {row['seed']}: {score} ({row.get('wall_s', 0):.0f} s wall)",
                  file=sys.stderr, flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--recipes", default=",".join(FAMILIES), help="comma-separated recipes or YAML paths")
    ap.add_argument("--budget", type=float, default=None,
                    help="CPU seconds of training per run (default 600; 300 for --limited/--stacked)")
    ap.add_argument("--seeds", type=int, default=None, help="seeds per row (default 2; 3 for --limited/--stacked)")
    ap.add_argument("--jobs", type=int, default=1, help="runs at once, one torch thread each")
    ap.add_argument("--steps", type=int, default=None,
                    help="train every recipe row for this many generator steps instead of a CPU budget")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--limited", action="store_true", help="500 digits (10%%): no remedy vs each remedy")
    mode.add_argument("--stacked", action="store_true", help="Stacked MNIST mode coverage, 26,000 samples")
    mode.add_argument("--default-run", action="store_true",
                      help="`ganforge train` as shipped (everything included) vs the previous default recipe")
    ap.add_argument("--limited-recipe", default="dcgan-mnist")
    ap.add_argument("--rows", default=None,
                    help="only these rows (comma-separated, as named in the table), e.g. one row at a longer budget")
    ap.add_argument("--results", type=Path, default=None,
                    help="JSON-lines file (default benchmarks/results/quality*.jsonl)")
    ap.add_argument("--keep-runs", type=Path, default=None, help="keep every run's directory under this folder")
    ap.add_argument("--from-results", type=Path, default=None, help="print the tables of a results file and exit")
    args = ap.parse_args(argv)
    if args.from_results is not None:
        print_tables(read_results(args.from_results))
        return 0
    if args.seeds is None:
        args.seeds = 3 if (args.limited or args.stacked) else 2
    if args.budget is None:  # 500 digits overfit within minutes; Stacked MNIST: the budget a laptop user tries first
        args.budget = 300.0 if (args.limited or args.stacked) else 600.0
    name = "quality" + ("-limited" if args.limited else "-stacked" if args.stacked else
                        "-default" if args.default_run else "")
    results = args.results or HERE / "results" / f"{name}.jsonl"
    info = machine_info()
    info.update(torch_threads=1, jobs=args.jobs)
    done = {r.get("key") for r in read_results(results)}
    todo = [t for t in selected(args) if task_key(t) not in done]
    if args.keep_runs is not None:  # keep each run's directory, e.g. to export the default run's generator
        for t in todo:
            name = re.sub(r"[^A-Za-z0-9.-]+", "_", f"{t['mode']}-{t['row']}-seed{t['seed']}")
            t["keep_dir"] = str(args.keep_runs.resolve() / name)
    print(f"{len(todo)} runs to do ({len(done)} already in {results})", file=sys.stderr, flush=True)
    run_all(todo, args.jobs, results, info)
    wanted = {task_key(t) for t in selected(args)}
    print_tables([r for r in read_results(results) if r.get("key") in wanted])
    return 0


if __name__ == "__main__":
    sys.exit(main())
