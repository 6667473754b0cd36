"""A full disk, for real: a small tmpfs (skipped cleanly where it cannot be mounted). Whatever
write runs out of space (config, metrics row, sample picture, checkpoint), the command says so
in one line naming the last good checkpoint, exits 2, leaves every earlier checkpoint intact
and no temporary file behind; resuming on the still-full disk says the same."""
import errno
import os
import shutil
import subprocess
import sys

import pytest

from ganforge.train import checkpoint as ckpt

from .harness import invoke, train_tiny, tree_state

TEMPORARY = (".tmp", ".tmp-", ".old-")


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    if not sys.platform.startswith("linux") or shutil.which("mount") is None:
        pytest.skip("tmpfs mounts need Linux")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip() or 'not permitted'}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def fill(disk, leave: int) -> None:
    """Use up the disk but ``leave`` bytes."""
    filler = disk / "filler"
    with open(filler, "ab", buffering=0) as fh:
        for chunk in (1 << 20, 1 << 16, 1 << 12, 1 << 9, 1):
            try:
                while True:
                    fh.write(b"\0" * chunk)
            except OSError as err:
                assert err.errno == errno.ENOSPC
    os.truncate(filler, max(0, filler.stat().st_size - leave))


def leftovers(root):
    return [str(p.relative_to(root)) for p in root.rglob("*") if any(t in p.name for t in TEMPORARY)]


def checkpoints_state(run):
    return {p.name: tree_state(p) for p in ckpt.step_checkpoints(run)}


def _assert_clean_failure(outcome, run):
    assert outcome.kept_promise() is None, outcome.kept_promise()
    line = outcome.lines[0]
    assert "no space left on device" in line
    good = ckpt.newest_intact(run)[0]
    assert f"the last good checkpoint is {ckpt.step_name(good)}" in line


@pytest.mark.parametrize("leave", [0, 4096, 16384, 65536, 262144])
def test_resume_on_a_full_disk(small_disk, tmp_path, leave):
    run = train_tiny("ring8", small_disk / "run", ["keep_checkpoints=20"])
    before = checkpoints_state(run)
    fill(small_disk, leave)
    outcome = invoke(["train", "--resume", str(run), "steps=40", "keep_checkpoints=20"], tmp_path)
    assert outcome.crashed is None, outcome.crashed
    if outcome.code != 0:
        _assert_clean_failure(outcome, run)
    if leave == 0:
        assert outcome.code == 2
    after = checkpoints_state(run)
    assert all(after[name] == state for name, state in before.items())  # earlier checkpoints untouched
    assert all(ckpt.checkpoint_problem(p) is None for p in ckpt.step_checkpoints(run))
    assert leftovers(run) == []
    rows = (run / "metrics.jsonl").read_text()
    assert rows.endswith("\n") or rows == ""  # no torn line


def test_resume_on_a_disk_still_full_says_the_same(small_disk, tmp_path):
    run = train_tiny("ring8", small_disk / "run")
    fill(small_disk, 0)
    first = invoke(["train", "--resume", str(run), "steps=10"], tmp_path)
    again = invoke(["train", "--resume", str(run), "steps=10"], tmp_path)
    for outcome in (first, again):
        assert outcome.code == 2
        _assert_clean_failure(outcome, run)
    assert "step-2" in again.lines[0]


def test_a_new_run_on_a_full_disk_leaves_nothing(small_disk, tmp_path):
    fill(small_disk, 0)
    outcome = invoke(["train", "ring8", "--out", str(small_disk / "new"), "steps=2", "progress=false"], tmp_path)
    assert outcome.kept_promise() is None, outcome.kept_promise()
    assert "no space left on device" in outcome.lines[0]
    assert not (small_disk / "new").exists()


def test_sample_onto_a_full_disk(small_disk, tmp_path):
    run = train_tiny("ring8", tmp_path / "run")
    fill(small_disk, 0)
    for out in ("s.npy", "pngs", "grid.png"):
        args = ["sample", str(run), "-n", "512", "--out", str(small_disk / out)]
        outcome = invoke(args, tmp_path)
        if out != "s.npy":  # 2-D runs write .npy only: the refusal comes first
            assert outcome.code == 2
            continue
        assert outcome.kept_promise() is None, outcome.kept_promise()
        assert "no space left on device" in outcome.lines[0]
    assert leftovers(small_disk) == []
    assert not (small_disk / "s.npy").exists()
