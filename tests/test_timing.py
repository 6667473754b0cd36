"""The phase timer behind timing.json: exclusive nested phases, the file a run writes, the CLI table."""
import json
import time

from click.testing import CliRunner

import ganforge
from ganforge.cli import cli
from ganforge.train.timing import PhaseTimer, format_timing, read_timing


def _busy(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_nested_phases_count_once():
    timer = PhaseTimer()
    with timer("evaluation"):
        _busy(0.05)
        with timer("checkpoints"):
            _busy(0.05)
    s = timer.summary()
    assert 0.04 < s["checkpoints"]["cpu_s"] < 0.2
    assert 0.04 < s["evaluation"]["cpu_s"] < 0.2  # the nested checkpoint is not counted again
    assert s["startup"]["wall_s"] is None and s["startup"]["cpu_s"] > 0
    parts = sum(v["cpu_s"] for k, v in s.items() if k != "total")
    assert abs(parts - s["total"]["cpu_s"]) < 1e-6


def test_run_writes_timing_and_the_cli_prints_it(tmp_path, tiny_mnist):
    overrides = [o for o in tiny_mnist if not o.startswith("report=")] + ["metrics=[fid]", "eval_every=3"]
    run = ganforge.train("dcgan-mnist", out=tmp_path / "run", overrides=overrides)
    timing = read_timing(run)
    for phase in ("startup", "data cache", "training steps", "evaluation", "sampling", "checkpoints", "report",
                  "other", "total"):
        assert phase in timing, phase
    assert timing["training steps"]["cpu_s"] > 0 and timing["evaluation"]["cpu_s"] > 0
    assert "Where the time went" in (run / "report.html").read_text()
    lines = format_timing(timing)
    assert lines[0].split() == ["phase", "wall", "s", "CPU", "s", "CPU", "%"] and lines[-1].split()[0] == "total"

    out = tmp_path / "cli"
    result = CliRunner().invoke(cli, ["train", "dcgan-mnist", *tiny_mnist, "metrics=[]", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "where the time went" in result.output and "training steps" in result.output
    assert json.loads((out / "timing.json").read_text())["total"]["cpu_s"] > 0
