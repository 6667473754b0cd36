"""Mode coverage on the 2-D Gaussian mixtures (PacGAN protocol), several GAN variants, many seeds.

Every configuration trains with the batch size and the number of discriminator updates of the
dataset's best recipe (``ring8-best`` / ``grid25-best``; WGAN-GP's 5 critic steps per generator
step therefore mean a fifth of the generator steps), so the variants differ only in what they
change. Each run is then scored on 2,500 samples drawn with ``load(run).sample``: a
sample is high quality within 3 standard deviations of its nearest mean; a mode is covered when
it has at least one high-quality sample; reverse KL compares the modes' histogram with uniform.

    python benchmarks/mode_coverage.py                      # both datasets, all configs, 10 seeds
    python benchmarks/mode_coverage.py --datasets ring8 --configs gan,best --seeds 3
    python benchmarks/mode_coverage.py --steps-scale 0.1    # quick smoke run (not comparable)
    python benchmarks/mode_coverage.py --jobs 2             # one process (one thread) per core
    python benchmarks/mode_coverage.py --from-results a.jsonl b.jsonl   # tables from saved runs

Prints one markdown table per dataset (mean +- standard error over seeds, and the median) with
machine information, and appends one JSON line per run to benchmarks/results/mode_coverage.jsonl.
"""
from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import torch

import ganforge
from ganforge.config import resolve_config
from ganforge.metrics import GRID25_MEANS, GRID25_STD, RING8_MEANS, RING8_STD, mode_coverage

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_info, print_machine  # noqa: E402

N_SAMPLES = 2500  # PacGAN protocol
RESULTS = Path(__file__).resolve().parent / "results" / "mode_coverage.jsonl"

DATASETS = {
    "ring8": {"plain": "ring8", "best": "ring8-best", "means": RING8_MEANS, "std": RING8_STD},
    "grid25": {"plain": "grid25", "best": "grid25-best", "means": GRID25_MEANS, "std": GRID25_STD},
}

# name -> (label, base recipe kind, overrides). Baselines start from the plain recipe; WGAN-GP
# uses the settings of Gulrajani et al. (5 critic steps, Adam(0.5, 0.9), lr 1e-4, lambda 10).
# The GAN, PacGAN and hinge baselines keep Adam(0.5, 0.999), the setting they were measured with
# (ring8's own recipe has since moved to (0, 0.9)).
ADAM = "betas=[0.5,0.999]"
CONFIGS = {
    "gan": ("GAN (non-saturating)", "plain", [ADAM]),
    "pacgan2": ("PacGAN2", "plain", ["packing=2", ADAM]),
    "wgan-gp": ("WGAN-GP", "plain", ["loss=wasserstein", "regularizer=gp", "reg_weight=10", "n_critic=5",
                                     "lr_g=0.0001", "lr_d=0.0001", "betas=[0.5,0.9]"]),
    "hinge-sn": ("hinge + spectral norm", "plain", ["loss=hinge", "discriminator.spectral_norm=true", ADAM]),
    "best": ("best recipe", "best", []),
}
# Extra table rows sampled from the same runs: config -> [(row, label, sampling keywords)].
DRS_PERCENTILE = 0.0
SAMPLINGS = {
    "best": [("best-drs", f"best recipe + DRS (gamma at percentile {DRS_PERCENTILE:g})",
              {"rejection": DRS_PERCENTILE})],
}
LABELS = {**{name: spec[0] for name, spec in CONFIGS.items()},
          **{row: label for extra in SAMPLINGS.values() for row, label, _ in extra}}

# Published numbers (Lin et al., PacGAN, NeurIPS 2018, Table 1): modes, % high quality, reverse KL.
PUBLISHED = {
    "ring8": ("PacGAN4 (published)", 7.8, 95.9, 0.07),
    "grid25": ("PacGAN4 (published)", 24.8, 93.6, 0.04),
}

QUIET = ["progress=false", "report=false", "metrics=[]", "sample_every=1000000", "checkpoint_every=1000000"]


def budget(dataset: str, config: str, scale: float) -> list:
    """The best recipe's batch size and number of D updates, shared by every configuration."""
    _, kind, overrides = CONFIGS[config]
    best = resolve_config(DATASETS[dataset]["best"])
    n_critic = resolve_config(DATASETS[dataset][kind], overrides).n_critic
    d_updates = best.steps * best.n_critic * scale
    return [f"steps={max(1, round(d_updates / n_critic))}", f"batch_size={best.batch_size}"]


def run_one(dataset: str, config: str, seed: int, scale: float, workdir: str) -> list:
    torch.set_num_threads(1)  # one thread per run: reproducible arithmetic, CPU time comparable
    _, kind, overrides = CONFIGS[config]
    recipe = DATASETS[dataset][kind]
    ov = budget(dataset, config, scale) + overrides + QUIET + [f"seed={seed}"]
    cpu0, wall0 = time.process_time(), time.perf_counter()
    run = ganforge.train(recipe, out=Path(workdir) / f"{dataset}-{config}-{seed}", overrides=ov)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    gen, rows = ganforge.load(run), []
    for row, _, sampling in [(config, None, {})] + SAMPLINGS.get(config, []):
        x = gen.sample(N_SAMPLES, seed=seed, **sampling)
        r = mode_coverage(x, DATASETS[dataset]["means"], DATASETS[dataset]["std"])
        rows.append({"dataset": dataset, "config": row, "recipe": recipe, "overrides": overrides,
                     "sampling": sampling, "seed": seed, "steps": resolve_config(recipe, ov).steps,
                     "steps_scale": scale, "modes": r["modes_covered"], "num_modes": r["num_modes"],
                     "high_quality": r["high_quality_fraction"], "reverse_kl": r["reverse_kl"],
                     "cpu_s": round(cpu, 2), "wall_s": round(wall, 2)})
    return rows


def mean_se(values: list) -> tuple:
    finite = all(math.isfinite(v) for v in values)
    if not finite:
        return float("inf"), float("nan")
    m = statistics.fmean(values)
    se = statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else float("nan")
    return m, se


def fmt(values: list, digits: int, scale: float = 1.0) -> tuple:
    m, se = mean_se([v * scale for v in values])
    med = statistics.median(v * scale for v in values)
    ms = "inf" if math.isinf(m) else f"{m:.{digits}f}" + ("" if math.isnan(se) else f" ± {se:.{digits}f}")
    return ms, ("inf" if math.isinf(med) else f"{med:.{digits}f}")


def table(dataset: str, rows: dict) -> str:
    k = int(DATASETS[dataset]["means"].shape[0])
    out = [f"### {dataset} ({k} modes, {N_SAMPLES} samples per run)", "",
           "| config | seeds | steps | modes (mean ± se) | modes (median) | high quality % (mean ± se) "
           "| HQ % (median) | reverse KL (mean ± se) | KL (median) | CPU s / run |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for config, runs in rows.items():
        modes, hq, kl = fmt([r["modes"] for r in runs], 2), fmt([r["high_quality"] for r in runs], 1, 100.0), \
            fmt([r["reverse_kl"] for r in runs], 3)
        cpu = statistics.fmean(r["cpu_s"] for r in runs)
        out.append(f"| {LABELS[config]} | {len(runs)} | {runs[0]['steps']} | {modes[0]} | {modes[1]} | {hq[0]} "
                   f"| {hq[1]} | {kl[0]} | {kl[1]} | {cpu:.0f} |")
    name, m, h, kl = PUBLISHED[dataset]
    out.append(f"| *{name}, reference* | | | *{m}* | | *{h}* | | *{kl}* | | |")
    return "\n".join(out)


def parse_list(text: str, valid: dict, what: str) -> list:
    names = [n.strip() for n in text.split(",") if n.strip()]
    bad = [n for n in names if n not in valid]
    if bad:
        raise SystemExit(f"unknown {what} {', '.join(bad)}; choose from: {', '.join(valid)}")
    return names


def run_all(jobs: list, scale: float, workdir: str, processes: int):
    """Results of ``run_one`` for every (dataset, config, seed), in order; in parallel worker
    processes (spawned, one thread each) when ``processes`` > 1."""
    if processes <= 1:
        for d, c, s in jobs:
            yield from run_one(d, c, s, scale, workdir)
        return
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(processes, mp_context=ctx) as pool:
        futures = [pool.submit(run_one, d, c, s, scale, workdir) for d, c, s in jobs]
        for future in futures:
            yield from future.result()


def print_saved(paths: list) -> int:
    """Tables from JSON lines written by earlier runs (several files may be combined)."""
    runs = [json.loads(line) for path in paths for line in Path(path).read_text().splitlines() if line.strip()]
    machine_keys = ("cpu", "cores", "torch_threads", "torch", "python", "device", "jobs")
    for info in sorted({tuple((k, r.get(k)) for k in machine_keys) for r in runs}):
        print_machine({k: v for k, v in info if v is not None})
    order = list(CONFIGS) + [row for extra in SAMPLINGS.values() for row, _, _ in extra]
    for dataset in DATASETS:
        rows = {}
        for name in sorted({r["config"] for r in runs if r["dataset"] == dataset}, key=order.index):
            rows[name] = sorted((r for r in runs if r["dataset"] == dataset and r["config"] == name),
                                key=lambda r: r["seed"])
        if rows:
            print("\n" + table(dataset, rows) + "\n")
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--datasets", default="ring8,grid25", help="comma-separated: ring8, grid25")
    p.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated: " + ", ".join(CONFIGS))
    p.add_argument("--seeds", type=int, default=10, help="seeds per configuration (0 .. N-1)")
    p.add_argument("--first-seed", type=int, default=0)
    p.add_argument("--steps-scale", type=float, default=1.0, help="multiply every configuration's steps")
    p.add_argument("--jobs", type=int, default=1, help="runs in parallel, one process with one thread each")
    p.add_argument("--results", type=Path, default=RESULTS, help="JSON lines file to append to")
    p.add_argument("--no-save", action="store_true", help="do not append results")
    p.add_argument("--from-results", type=Path, nargs="+", metavar="JSONL",
                   help="print the tables from saved results instead of training")
    args = p.parse_args(argv)
    if args.from_results:
        return print_saved(args.from_results)
    datasets = parse_list(args.datasets, DATASETS, "dataset")
    configs = parse_list(args.configs, CONFIGS, "config")
    torch.set_num_threads(1)
    info = {**machine_info(), "jobs": args.jobs}
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
    if not args.no_save:
        args.results.parent.mkdir(parents=True, exist_ok=True)
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    jobs = [(d, c, s) for d in datasets for c in configs for s in seeds]
    names = [row for c in configs for row in [c] + [extra[0] for extra in SAMPLINGS.get(c, [])]]
    rows = {d: {name: [] for name in names} for d in datasets}
    with tempfile.TemporaryDirectory(prefix="ganforge-modes-") as tmp:
        for r in run_all(jobs, args.steps_scale, tmp, args.jobs):
            rows[r["dataset"]][r["config"]].append(r)
            print(f"  {r['dataset']} {r['config']} seed {r['seed']}: {r['modes']:.0f}/{r['num_modes']:.0f} modes, "
                  f"{100 * r['high_quality']:.1f}% HQ, KL {r['reverse_kl']:.3f}, {r['cpu_s']:.0f} CPU s",
                  file=sys.stderr, flush=True)
            if not args.no_save:
                with open(args.results, "a") as f:
                    f.write(json.dumps({**r, **info, "time": stamp}) + "\n")
    print_machine(info)
    for dataset in datasets:
        print("\n" + table(dataset, rows[dataset]) + "\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
