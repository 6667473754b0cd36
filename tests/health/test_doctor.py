"""``ganforge doctor`` reads a run directory and prints the expected diagnosis."""
import json
import os
import time

from click.testing import CliRunner

from ganforge.cli import cli
from ganforge.config import resolve_config
from ganforge.train.diagnosis import diagnose, format_diagnosis
from ganforge.train.rundir import write_config, write_health_info


def make_run(path, rows, steps=1500, overrides=(), health=None, checkpoints=(500, 1000), best=True):
    """A run directory as the Trainer leaves it, without any weights (doctor never loads them)."""
    cfg = resolve_config("dcgan-mnist", [f"steps={steps}", *overrides])
    path.mkdir(parents=True)
    write_config(path, cfg)
    write_health_info(path, health if health is not None else {"checks_off": {}, "holdout": 10, "train_items": 90})
    (path / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    for step in checkpoints:
        (path / "checkpoints" / f"step-{step:08d}").mkdir(parents=True)
    if best:
        (path / "checkpoints" / "best").mkdir(parents=True)
    old = time.time() - 3600  # written an hour ago: not in progress
    os.utime(path / "metrics.jsonl", (old, old))
    return path


def train_row(step, overfit=0.05, flags=()):
    return {"step": step, "loss_d": 0.6, "loss_g": 2.0, "overfit": overfit, "flags": list(flags)}


def overfit_rows(last=1000):
    rows = []
    for step in range(50, last + 1, 50):
        r_v = 0.05 if step < 600 else 0.7
        rows.append(train_row(step, r_v, ["d_overfitting"] if step >= 700 else []))
        if step % 150 == 0:
            rows.append({"step": step, "eval": True, "fid": 100.0 if step <= 450 else 60.0 + step / 10})
    return rows


def test_doctor_on_an_interrupted_overfitting_run(tmp_path):
    run = make_run(tmp_path / "run", overfit_rows())
    d = diagnose(run)
    assert d.status == "interrupted" and d.step == 1000 and d.checkpoint == 1000
    assert d.best == (150, 100.0) and d.last == (900, 150.0)
    text = format_diagnosis(d)
    lines = text.splitlines()
    assert lines[0] == f"run {run} (dcgan-mnist): interrupted at step 1,000 of 1,500, newest checkpoint step 1,000"
    assert lines[1] == "fid: best 100 at step 150, last 150 at step 900"
    assert "  d_overfitting          steps 700-1,000 (7)" in lines
    assert "D overfitting: yes, from step 700; r_v peaked at 0.70 at step 600" in lines
    assert ("what to change (d_overfitting): D memorises the 90 training items; augment what D sees (DiffAugment): "
            "augment.name=diffaugment augment.policy=color,translation,cutout") in lines
    assert f"  ganforge train --resume {run} augment.name=diffaugment augment.policy=color,translation,cutout" in lines
    assert (f"  ganforge train {run}/config.yaml augment.name=diffaugment augment.policy=color,translation,cutout "
            f"--out {run}-fixed") in lines


def test_doctor_on_a_healthy_finished_run(tmp_path):
    rows = [train_row(s) for s in range(50, 1501, 50)] + [{"step": 1500, "eval": True, "fid": 35.0}]
    run = make_run(tmp_path / "run", rows, checkpoints=(1500,))
    text = format_diagnosis(diagnose(run))
    assert "finished at step 1,500 of 1,500" in text and "health: no flags raised" in text
    assert "D overfitting: no; r_v peaked at 0.05" in text and "ganforge train" not in text


def test_doctor_on_a_run_stopped_by_divergence(tmp_path):
    rows = [train_row(50), {"step": 0, "event": "rollback", "from_step": 100, "lr_scale": 0.5, "rollbacks": 1,
                            "flags": ["divergence"]},
            {"step": 100, "loss_d": 0.0, "loss_g": 2e5, "flags": ["divergence"]}]
    run = make_run(tmp_path / "run", rows, overrides=["lr_g=10", "lr_d=10", "max_rollbacks=1"], checkpoints=(0,),
                   best=False)
    text = format_diagnosis(diagnose(run))
    assert "stopped after divergence at step 100 of 1,500" in text
    assert "rollbacks              1 (step 100 -> 0; learning rates halved each time)" in text
    assert "  divergence             steps 100-100 (1)" in text
    assert f"ganforge train --resume {run} lr_g=0.0002 lr_d=0.0002" in text


def test_doctor_on_a_run_in_progress_and_checks_that_were_off(tmp_path):
    health = {"checks_off": {"d_overfitting": "D judges input-output pairs, not lone held-out images"},
              "holdout": 0, "train_items": 4000}
    run = make_run(tmp_path / "run", [train_row(50, overfit=None)], health=health, checkpoints=())
    os.utime(run / "metrics.jsonl")  # just written
    text = format_diagnosis(diagnose(run))
    assert "in progress at step 50 of 1,500, no checkpoint yet" in text
    assert "D overfitting: not measured (D judges input-output pairs, not lone held-out images)" in text


def test_doctor_cli(tmp_path):
    run = make_run(tmp_path / "run", overfit_rows())
    result = CliRunner().invoke(cli, ["doctor", str(run)])
    assert result.exit_code == 0 and "what to change (d_overfitting)" in result.output
    bad = CliRunner().invoke(cli, ["doctor", str(tmp_path / "nothing")])
    assert bad.exit_code == 2 and "not a ganforge run" in bad.output


def test_doctor_on_a_run_that_recovered_from_a_rollback(tmp_path):
    rows = [train_row(s) for s in range(50, 301, 50)]
    rows.append({"step": 250, "event": "rollback", "from_step": 350, "lr_scale": 0.5, "rollbacks": 1,
                 "flags": ["divergence"]})
    rows += [train_row(s) for s in range(300, 1501, 50)] + [{"step": 1500, "eval": True, "fid": 40.0}]
    run = make_run(tmp_path / "run", rows, checkpoints=(1500,))
    d = diagnose(run)
    assert [(s.name, s.first, s.active) for s in d.flags] == [("divergence", 350, False)]
    text = format_diagnosis(d)
    assert "  divergence             steps 350-350 (1), cleared since" in text
    assert "what to change: nothing now, every flag cleared before the end of the log" in text
    assert "ganforge train" not in text
