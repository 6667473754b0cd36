"""Corrupt run directories: every damaged file is named in one line (exit 2, no traceback, the
run untouched); with only the newest checkpoint damaged, resume, sample and eval fall back to
the newest intact one and say so."""
import json

import numpy as np
import pytest

from .cases import CHECKPOINT_DAMAGE, corrupt_cases, damage_run
from .harness import copy_of, invoke, tree_state
from .table import fill, run_corrupt_case

CASES = corrupt_cases()


def test_the_table_is_large_enough():
    assert len(CASES) >= 20


@pytest.mark.parametrize("damage,where,use", CASES, ids=[f"{d} ({w}) {u}" for d, w, u in CASES])
def test_corrupt_run_is_one_line_exit_2(damage, where, use, runs, work):
    outcome, untouched = run_corrupt_case(damage, where, use, runs["run"], work)
    assert outcome.kept_promise() is None, outcome.kept_promise()
    assert untouched, "the damaged run or the working folder changed"
    assert not (work / "pwned.txt").exists()


@pytest.mark.parametrize("damage", sorted(CHECKPOINT_DAMAGE))
def test_the_newest_intact_checkpoint_is_used_and_named(damage, runs, tmp_path):
    with copy_of(runs["run"], tmp_path) as run:
        newest = sorted((run / "checkpoints").glob("step-*"))[-1]
        CHECKPOINT_DAMAGE[damage](newest)
        outcome = invoke(fill(["sample", "{run}", "-n", "4", "--out", "s.npy"], {"run": str(run)}), tmp_path)
        assert outcome.code == 0, outcome.stderr
        assert np.load(tmp_path / "s.npy").shape == (4, 2)
        assert "step-1, the newest intact checkpoint" in outcome.stderr
        assert f"checkpoints/{newest.name}/" in outcome.stderr  # the note names the damaged file


def test_resume_falls_back_and_says_so(runs, tmp_path):
    with copy_of(runs["run"], tmp_path) as run:
        newest = sorted((run / "checkpoints").glob("step-*"))[-1]
        CHECKPOINT_DAMAGE["weights.safetensors truncated"](newest)
        outcome = invoke(["train", "--resume", str(run), "steps=3"], tmp_path)
        assert outcome.code == 0, outcome.stderr
        assert "resuming from step-1, the newest intact checkpoint" in outcome.stderr
        assert "truncated" in outcome.stderr
        rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
        assert rows[-1]["step"] == 3


def test_resume_rewrites_a_damaged_data_json(runs, tmp_path):
    with copy_of(runs["run"], tmp_path) as run:
        good = json.loads((run / "data.json").read_text())
        damage_run(run, "data.json not JSON", "run")
        outcome = invoke(["train", "--resume", str(run), "steps=3"], tmp_path)
        assert outcome.code == 0, outcome.stderr
        assert json.loads((run / "data.json").read_text()) == good


def test_a_tampered_run_is_never_partly_loaded(runs, tmp_path):
    """A refused resume writes nothing anywhere: not in the run, not in the working folder."""
    with copy_of(runs["run"], tmp_path) as run:
        damage_run(run, "state.pt a pickle payload weights_only refuses", "every checkpoint")
        before = tree_state(tmp_path)
        outcome = invoke(["train", "--resume", str(run)], tmp_path)
        assert outcome.code == 2 and "state.pt" in outcome.lines[0]
        assert tree_state(tmp_path) == before
