"""How right is the health monitor? Labelled healthy and sick runs, flags scored per flag.

Trains every case of ``diagnosis_suite.py`` (each shipped recipe as a healthy run, and induced
pathologies labelled with the flag they should raise), then reruns each sick case with the change
its flag suggests. One process and one torch thread per run, under ``nice``; each finished run is
appended to ``benchmarks/results/diagnosis.jsonl`` at once, so an interrupted suite resumes where
it stopped (a case whose definition changed is run again).

    python benchmarks/diagnosis.py                  # run what is missing, then print the tables
    python benchmarks/diagnosis.py --cases z-dim-1,lr-10
    python benchmarks/diagnosis.py --no-run         # tables from the saved results only
    python benchmarks/diagnosis.py --no-fix         # skip the reruns with the suggested change

Tables: per flag, precision and recall over the suite; first detection against the step where
the evaluation metric stopped improving; false flags on the healthy runs; and how many flagged
sick runs recovered with the suggested change (see ``diagnosis_tables.recovered``). Ground truth
comes from the case's construction, checked against the outcome on fresh samples (see
``diagnosis_tables.truth``).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

HERE = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("GANFORGE_DIAGNOSIS_ROOT", HERE.parent))  # the tree, also from a snapshot
sys.path.insert(0, str(HERE))
from diagnosis_suite import CASES, SMALL, Case, overrides_for, register_faults  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "diagnosis.jsonl"
WORK = ROOT / "runs" / "suite"


def recipe_content(case: Case) -> Dict[str, Any]:
    """The case's recipe as data, without its name and description: a recipe whose settings
    change makes its cases run again, one moved to another file does not."""
    from ganforge.config import load_recipe

    raw = load_recipe(case.recipe_source(HERE))
    return {k: v for k, v in raw.items() if k not in ("name", "description")}


def spec_hash(case: Case, fix: List[str]) -> str:
    # labels are left out: relabelling a case does not change what it trains
    text = json.dumps([recipe_content(case), list(case.overrides), fix], sort_keys=True)
    return hashlib.sha1(text.encode()).hexdigest()[:10]


def load_results() -> Dict[str, Dict[str, Any]]:
    rows: Dict[str, Dict[str, Any]] = {}
    if RESULTS.exists():
        for line in RESULTS.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                rows[row["run"]] = row  # the latest result of each run wins
    return rows


def summarize(run_dir: Path, case: Case, fix: List[str], status: str, cpu: float, recheck: bool = False,
              independent: Optional[Dict[str, float]] = None) -> Dict[str, Any]:
    """What the tables need from one finished run directory (``recheck``: flags recomputed from
    the logged statistics with today's checks, for runs made before a threshold changed)."""
    from ganforge.train.diagnosis import diagnose

    d = diagnose(run_dir, recheck_with={} if recheck else None)
    rows = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines() if line.strip()]
    evals = [[r["step"], r[d.metric]] for r in rows if r.get("eval") and d.metric and d.metric in r]
    return {"run": case.name + ("+fix" if fix else ""), "case": case.name, "spec": spec_hash(case, fix),
            "independent": independent or (independent_quality(run_dir, d.metric, case.eval_data)
                                           if d.metric else None),
            "rechecked": recheck,
            "recipe": case.recipe_name, "overrides": list(case.overrides), "fix": fix, "labels": list(case.labels),
            "status": status, "steps": d.steps, "last_step": d.step, "cpu_s": round(cpu, 1),
            "metric": d.metric, "direction": _direction(d.metric), "evals": evals,
            "flags": {s.name: [s.first, s.last, s.count] for s in d.flags},
            "rollbacks": [start for _, start in d.rollbacks],
            "checks_off": d.checks_off, "suggested": {n: list(r.overrides) for n, r in d.remedies.items()}}


def independent_quality(run_dir: Path, metric: str, data: str = "") -> Optional[Dict[str, Any]]:
    """Ground truth from fresh samples (n=2000, other seeds) against ``data`` (default: the
    run's own): the run's metric for the best and the last checkpoint ("best", "latest") and how
    much of the data the last one reaches ("reach": the share of modes covered on 2-D mixtures,
    improved recall on images) with how realistic it is ("realism": the share of samples within
    3 std of a mode, improved precision on images)."""
    import ganforge
    from ganforge.data import load_dataset
    from ganforge.metrics.run_evaluator import RunEvaluator

    out: Dict[str, Any] = {}
    for which in ("best", "latest"):
        if which == "best" and not (run_dir / "checkpoints" / "best").is_dir():
            continue
        gen = ganforge.load(run_dir, checkpoint=which, device="cpu")
        cfg = gen.cfg
        dataset = load_dataset(data or cfg.data, cfg.image_size, **({} if data else cfg.data_options))
        image = dataset.kind == "image"
        names = list(dict.fromkeys(list(cfg.metrics) + (["prdc"] if image and which == "latest" else [])))
        evaluator = RunEvaluator(dataset, names, cfg.extractor, 2000)
        seeds = iter(range(10_000, 10_100))
        results = evaluator(lambda n: gen.sample(n, seed=next(seeds)))
        out[which] = results.get(metric)
        if which == "latest" and (image or dataset.modes is not None):
            out["reach"] = results["recall"] if image else results["modes_covered"] / len(dataset.modes[0])
            out["realism"] = results["precision"] if image else results["high_quality"]
    return out


def _direction(metric: Optional[str]) -> str:
    from ganforge.metrics import METRIC_DIRECTION

    return METRIC_DIRECTION.get(metric or "", "min")


def run_one(name: str, fix: List[str]) -> None:
    """Child process: train one case (plus ``fix`` overrides) and append its result row."""
    import torch

    torch.set_num_threads(1)
    import ganforge

    register_faults()
    case = CASES[name]
    out = WORK / (name + ("+fix" if fix else ""))
    shutil.rmtree(out, ignore_errors=True)
    cpu0 = time.process_time()
    try:
        ganforge.train(case.recipe_source(HERE), out=out, overrides=overrides_for(case, WORK / "data") + fix)
        status = "finished"
    except Exception as err:  # a run the monitor stopped is a result too
        status = f"stopped: {type(err).__name__}"
    cpu = time.process_time() - cpu0
    (out / "cpu_seconds").write_text(f"{cpu:.1f}")  # kept with the run, should the summary fail
    row = summarize(out, case, fix, status, cpu)
    with open(RESULTS, "a") as fh:
        fh.write(json.dumps(row) + "\n")


def launch(name: str, fix: List[str], snapshot: Path) -> None:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(snapshot), "GANFORGE_DIAGNOSIS_ROOT": str(ROOT)}
    script = snapshot / "benchmarks" / Path(__file__).name
    cmd = ["nice", "-n", "10", sys.executable, str(script), "--child", name, "--fix", json.dumps(fix)]
    print(f"running {name}{' with ' + ' '.join(fix) if fix else ''}", file=sys.stderr, flush=True)
    subprocess.call(cmd, env=env)


def snapshot_source() -> Path:
    """A frozen copy of the package and of these scripts, so editing the tree never changes a
    suite already running (results and run directories still go to the tree's own places)."""
    target = WORK / "src" / time.strftime("%Y%m%d-%H%M%S")
    shutil.copytree(ROOT / "src" / "ganforge", target / "ganforge", ignore=shutil.ignore_patterns("__pycache__"))
    (target / "benchmarks").mkdir()
    for script in HERE.glob("*.py"):
        shutil.copy(script, target / "benchmarks" / script.name)
    shutil.copytree(HERE / "configs", target / "benchmarks" / "configs")  # the frozen recipes cases build on
    return target


def fix_for(row: Dict[str, Any]) -> List[str]:
    """The change the monitor suggests for the sick case's own label: what ``ganforge doctor``
    printed for the sick run (what a user would apply), else the same remedy computed here."""
    case = CASES[row["case"]]
    if case.injected:
        return []  # no setting causes it: the rollback is the remedy, the run itself shows the outcome
    suggested = row.get("suggested", {}).get(case.labels[0])
    if suggested:
        return list(suggested)
    from ganforge.config import resolve_config
    from ganforge.data.dataset import holdout_size
    from ganforge.train.remedies import remedy, run_context

    cfg = resolve_config(case.recipe_source(HERE), list(case.overrides))
    items = SMALL[case.name] - holdout_size(SMALL[case.name]) if case.name in SMALL else 10**9
    return list(remedy(case.labels[0], run_context(cfg, items)).overrides)


def run_suite(names: List[str], fixes: bool) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    snapshot = None
    for name in names:
        case = CASES[name]
        done = load_results()
        if done.get(name, {}).get("spec") != spec_hash(case, []):
            snapshot = snapshot or snapshot_source()
            launch(name, [], snapshot)
        if fixes and not case.healthy and name in load_results():
            fix = fix_for(load_results()[name])
            if fix and load_results().get(name + "+fix", {}).get("spec") != spec_hash(case, fix):
                snapshot = snapshot or snapshot_source()
                launch(name, fix, snapshot)


def summarize_existing(names: List[str]) -> None:
    """Result rows for run directories whose child died before writing one (no training)."""
    from ganforge.train.diagnosis import diagnose

    rows = load_results()
    for name in names:
        for key in (name, name + "+fix"):
            run_dir = WORK / key
            if key in rows or not (run_dir / "metrics.jsonl").exists() or not (run_dir / "config.yaml").exists():
                continue
            status = diagnose(run_dir).status
            fix = fix_for({"case": name}) if key.endswith("+fix") else []
            cpu_file = run_dir / "cpu_seconds"
            cpu = float(cpu_file.read_text()) if cpu_file.exists() else 0.0
            outcome = "finished" if status == "finished" else f"stopped: {status}"
            row = summarize(run_dir, CASES[name], fix, outcome, cpu)
            with open(RESULTS, "a") as fh:
                fh.write(json.dumps(row) + "\n")


def reevaluate(names: List[str]) -> None:
    """Recompute the ground-truth evaluation of saved runs (after its definition changed)."""
    for key, row in list(load_results().items()):
        run_dir = WORK / key
        if row["case"] in names and row["metric"] and (run_dir / "checkpoints").is_dir():
            row["independent"] = independent_quality(run_dir, row["metric"], CASES[row["case"]].eval_data)
            with open(RESULTS, "a") as fh:
                fh.write(json.dumps(row) + "\n")


def recheck_all(names: List[str]) -> None:
    """Append result rows with flags recomputed from each saved run's statistics."""
    rows = load_results()
    for key, row in list(rows.items()):
        run_dir = WORK / key
        if row["case"] not in names or not (run_dir / "metrics.jsonl").exists():
            continue
        new = summarize(run_dir, CASES[row["case"]], row["fix"], row["status"], row["cpu_s"], recheck=True,
                        independent=row.get("independent"))
        with open(RESULTS, "a") as fh:
            fh.write(json.dumps(new) + "\n")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", help="comma-separated case names (default: all)")
    parser.add_argument("--no-run", action="store_true", help="only print tables from saved results")
    parser.add_argument("--no-fix", action="store_true", help="skip the reruns with the suggested change")
    parser.add_argument("--summarize", action="store_true", help="write result rows for saved runs that lack one")
    parser.add_argument("--reevaluate", action="store_true", help="recompute the saved runs' ground-truth evaluation")
    parser.add_argument("--recheck", action="store_true",
                        help="recompute the saved runs' flags from their logged statistics (no training)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--fix", default="[]", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return run_one(args.child, json.loads(args.fix))
    register_faults()  # the saved config of that case names it
    names = args.cases.split(",") if args.cases else list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        parser.error(f"unknown cases {unknown}; choose from {', '.join(CASES)}")
    if args.summarize:
        summarize_existing(names)
    elif args.reevaluate:
        reevaluate(names)
    elif args.recheck:
        recheck_all(names)
    elif not args.no_run:
        run_suite(names, not args.no_fix)
    from diagnosis_tables import print_tables

    print_tables(load_results())


if __name__ == "__main__":
    main()
