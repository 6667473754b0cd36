"""Benchmark the table GAN: encoding fit time, training time and the evaluation table.

Tables (both ship inside installed packages, no network):
  * penguins: 344 rows x 8 columns (palmerpenguins)
  * diamonds: 53,940 rows x 10 columns, 3 ordered categories + 7 numbers (the CSV bundled with
    plotnine; skipped with a note when plotnine is not installed: pip install plotnine)

Each table is split 80/20; the tabular recipe trains on the 80% and is evaluated against the
20% it never saw. Prints machine info and a markdown table; the default run takes a few
minutes on one CPU thread.

    OMP_NUM_THREADS=1 python benchmarks/tabular.py [--steps-scale 0.5] [--only penguins]
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

import ganforge
from ganforge.data.tables import table_dataset
from ganforge.tabular import evaluate_table
from ganforge.tabular.efficacy import split

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_info, print_machine

EVAL_ROWS = 10_000  # real/synthetic rows compared per table (bounds the downstream-model time)


def penguins() -> pd.DataFrame:
    from palmerpenguins import load_penguins

    return load_penguins()


def diamonds() -> pd.DataFrame:
    spec = importlib.util.find_spec("plotnine")
    if spec is None:
        return None
    # Read the bundled CSV directly: importing plotnine itself pulls in its plotting stack.
    return pd.read_csv(Path(spec.submodule_search_locations[0]) / "data" / "diamonds.csv")


# name -> (loader, recipe overrides, downstream target)
TABLES = {
    "penguins": (penguins, ["steps=1500", "batch_size=200"], "species"),
    "diamonds": (diamonds, ["steps=3000", "batch_size=500"], "cut"),
}


def scaled(overrides, scale: float):
    out = []
    for item in overrides:
        key, value = item.split("=", 1)
        out.append(f"steps={max(1, round(int(value) * scale))}" if key == "steps" else item)
    return out


def run_table(name: str, df: pd.DataFrame, overrides, target: str, root: Path) -> dict:
    train_df, test_df = split(df, 0.2, seed=0, stratify=target)
    started = time.perf_counter()
    table_dataset(name, train_df)  # what every run pays before its first step: type, fit, encode
    fit_s = time.perf_counter() - started
    started = time.perf_counter()
    run = ganforge.train("tabular", out=root / name, data=train_df, overrides=overrides + ["progress=false"])
    train_s = time.perf_counter() - started  # includes its own fit, as users experience it
    real = train_df.sample(min(len(train_df), EVAL_ROWS), random_state=0)
    hold = test_df.sample(min(len(test_df), EVAL_ROWS), random_state=0)
    report = evaluate_table(run, real, hold, n=len(real), target=target)
    steps = int(next(o for o in overrides if o.startswith("steps=")).split("=")[1])
    return {"name": name, "shape": f"{len(df):,} x {df.shape[1]}", "fit_s": fit_s, "steps": steps,
            "train_s": train_s, "report": report}


def markdown(rows) -> str:
    lines = ["| table | rows x cols | fit s | steps | train s (with fit) | mean KS | mean TVD | pearson diff "
             "| cramér V diff | efficacy real | efficacy synth | DCR synth / holdout | copies |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        rep = r["report"]
        eff, pairs, priv = rep["efficacy"], rep["pairs"], rep["privacy"]
        key = "f1_macro" if eff["task"] == "classification" else "r2"

        def f(v):
            return "-" if v is None else f"{v:.3f}"

        lines.append(
            f"| {r['name']} | {r['shape']} | {r['fit_s']:.1f} | {r['steps']} | {r['train_s']:.0f} "
            f"| {f(rep['summary']['mean_ks'])} | {f(rep['summary']['mean_tvd'])} "
            f"| {f(pairs['mean_abs_diff_pearson'])} | {f(pairs['mean_abs_diff_cramers_v'])} "
            f"| {key} {eff['real'][key]:.3f} | {eff['synthetic'][key]:.3f} "
            f"| {priv['dcr_synth_median']:.3f} / {priv['dcr_holdout_median']:.3f} | {priv['exact_copy_rate']:.1%} |")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps-scale", type=float, default=1.0, help="multiply every table's training steps")
    parser.add_argument("--only", choices=sorted(TABLES), action="append", help="run only this table (repeatable)")
    args = parser.parse_args(argv)
    print_machine(machine_info())
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only or TABLES:
            loader, overrides, target = TABLES[name]
            df = loader()
            if df is None:
                print(f"skipping {name}: its table ships with plotnine (pip install plotnine)", file=sys.stderr)
                continue
            rows.append(run_table(name, df, scaled(overrides, args.steps_scale), target, Path(tmp)))
            print(f"{name}: done in {rows[-1]['fit_s'] + rows[-1]['train_s'] + rows[-1]['report']['seconds']:.0f} s",
                  file=sys.stderr)
    print()
    print(markdown(rows))
    print("\nKS / TVD: per-column marginal distance (0 = identical); pair diffs: mean |real - synthetic| "
          "association; efficacy: downstream random forest trained on real vs synthetic rows, scored on "
          "real held-out rows; DCR: median distance to the closest training row (synthetic vs held-out real).")


if __name__ == "__main__":
    main()
