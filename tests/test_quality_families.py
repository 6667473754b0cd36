"""Each noise-to-image family's recipe trains to the level the quality benchmark measured for it
(slow: minutes per family on one thread).

Every case reproduces its row of the family table in docs/benchmarks.md ("Quality")
(``benchmarks/quality.py``, seed 0): the same recipe, seed 0, the number of steps
that row's CPU budget bought, the same quiet overrides and progressive schedule
(``quality_runs.train_steps``) and the same 10,000-sample scoring (``quality_runs.score_run``).
The threshold allows 25% plus one FID point over the measured value, for other platforms'
arithmetic (a GAN run diverges from another one with the last bit changed, as a seed does).
"""
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"

# (recipe, steps of the table row, FID the row measured): benchmarks/results/quality.jsonl, seed 0 of
# the 600 CPU-s table. Each case trains for about ten CPU-minutes.
MEASURED = [
    ("dcgan-mnist", 14669, 1.58),
    ("mnist-cgan", 3148, 2.79),
    ("mnist-acgan", 3259, 4.16),
    ("biggan-mnist", 2303, 2.88),
]


@pytest.fixture
def runs():
    sys.path.insert(0, str(BENCH))
    try:
        import quality_runs

        yield quality_runs
    finally:
        sys.path.remove(str(BENCH))


@pytest.mark.slow
@pytest.mark.parametrize("recipe, steps, fid", MEASURED, ids=[m[0] for m in MEASURED])
def test_family_reaches_its_benchmarked_fid(recipe, steps, fid, runs, tmp_path, one_thread):
    run = runs.train_steps(recipe, 0, steps, [], tmp_path / "run")
    assert runs.score_run(run)["fid"] < 1.25 * fid + 1.0
