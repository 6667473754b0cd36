"""benchmarks/quality.py: which runs each mode asks for, resuming from saved rows, the printed tables;
the limited-data subset it trains on."""
import importlib
import json
import sys
from pathlib import Path

import numpy as np
import pytest

from ganforge.config import resolve_config
from ganforge.data import load_dataset
from ganforge.errors import DataError

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def bench():
    sys.path.insert(0, str(BENCH))
    try:
        yield importlib.import_module("quality")
    finally:
        sys.path.remove(str(BENCH))


def test_family_mode_has_both_reference_rows_and_every_family(bench):
    class A:
        default_run = limited = stacked = False
        seeds, budget, steps, recipes = 2, 600.0, None, ",".join(bench.FAMILIES)

    tasks = bench.tasks(A)
    rows = {t["row"] for t in tasks}
    assert "real vs real (held-out digits)" in rows and "hand-written DCGAN (pytorch/examples)" in rows
    assert set(bench.FAMILIES) <= rows
    assert len([t for t in tasks if t["row"] == "dcgan-mnist"]) == 2
    assert all(t["budget"] == 600.0 for t in tasks if t["kind"] != "real")


def test_limited_mode_trains_each_remedy_on_500_digits(bench):
    class A:
        default_run = stacked = False
        limited, seeds, budget, steps, limited_recipe = True, 3, 300.0, None, "dcgan-mnist"

    tasks = bench.tasks(A)
    assert {t["row"] for t in tasks} == set(bench.REMEDIES) and len(tasks) == 3 * len(bench.REMEDIES)
    assert all("data_options.subset=500" in t["extra"] for t in tasks)
    # the default recipe's own R1 is off, so "nothing" is no remedy and R1 is a row of its own
    nothing = next(t for t in tasks if t["row"] == "nothing")["extra"]
    assert resolve_config("dcgan-mnist", nothing).objective.kwargs()["regularizer"] == "none"
    r1 = next(t for t in tasks if t["row"].startswith("R1"))["extra"]
    assert resolve_config("dcgan-mnist", r1).objective.kwargs()["regularizer"] == "r1"


def test_fixed_steps_replace_the_budget_and_are_a_different_run(bench):
    class A:
        default_run = stacked = False
        limited, seeds, budget, steps, limited_recipe = True, 1, 300.0, 6000, "dcgan-mnist"

    fixed = bench.tasks(A)
    assert all(t["steps"] == 6000 and "budget" not in t for t in fixed)
    A.steps = None
    budgeted = bench.tasks(A)
    assert all(t["budget"] == 300.0 and "steps" not in t for t in budgeted)
    assert not {bench.task_key(t) for t in fixed} & {bench.task_key(t) for t in budgeted}


def test_stacked_mode_has_a_real_floor_row_per_seed(bench):
    class A:
        default_run = limited = False
        stacked, seeds, budget, steps = True, 3, 300.0, None

    tasks = bench.tasks(A)
    floor = [t for t in tasks if t["kind"] == "real"]
    assert [t["seed"] for t in floor] == [0, 1, 2] and {t["row"] for t in floor} == {bench.STACKED_FLOOR}
    assert {t["row"] for t in tasks if t["kind"] == "recipe"} == set(bench.STACKED)


@pytest.mark.slow
def test_stacked_floor_is_sampling_noise(bench):
    sys.path.insert(0, str(BENCH))
    try:
        from quality_runs import stacked_real
    finally:
        sys.path.remove(str(BENCH))
    real = stacked_real(0)
    # 26 stacks per mode on average: sampling noise alone gives KL ~ 999 / (2 * 26,000) = 0.019
    assert real["modes_covered"] == 1000 and 0.015 < real["kl_to_uniform"] < 0.03


def test_results_are_printed_again_and_finished_runs_skipped(bench, tmp_path, capsys):
    path = tmp_path / "r.jsonl"
    machine = {"cpu": "test", "cores": 2}
    rows = [{"mode": "families", "kind": "recipe", "row": "dcgan-mnist", "seed": s, "budget": 60.0, "steps": 700 + s,
             "train_cpu_s": 60.0, "cpu_s_per_1k_steps": 85.0, "fid": 20.0 + s, "kid": 1.0, "precision": 0.7,
             "recall": 0.6, "density": 0.8, "coverage": 0.7, "machine": machine} for s in range(2)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert bench.main(["--from-results", str(path)]) == 0
    out = capsys.readouterr().out
    assert "| dcgan-mnist | 2 | 700 | 85.0 | 60 | 20.50 (20.00-21.00) |" in out
    assert "machine: cpu=test, cores=2" in out


def test_mnist_subset_is_fixed_and_class_balanced():
    a = load_dataset("mnist", 16, subset=500)
    b = load_dataset("mnist", 16, subset=500)
    assert len(a) == 500 and np.bincount(a.y.numpy()).tolist() == [50] * 10
    assert (a.x == b.x).all()
    with pytest.raises(DataError, match="subset=6000"):
        load_dataset("mnist", 16, subset=6000)


def test_stacked_recipe_trains_and_counts_modes(tmp_path):
    import ganforge

    run = ganforge.train("stacked-mnist", out=tmp_path / "run", overrides=[
        "image_size=16", "steps=2", "generator.width=8", "discriminator.width=8", "eval_n=200", "progress=false",
        "report=false", "sample_every=2", "checkpoint_every=2", "log_every=1", "data_options.size=500"])
    evals = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines() if '"eval"' in line]
    assert 1 <= evals[-1]["modes_covered"] <= 200 and evals[-1]["kl_to_uniform"] > 0
