"""The report's Diagnosis section says what ``ganforge doctor`` says, right after the summary."""
import re

from ganforge.report.html import build_report

from .test_doctor import make_run, overfit_rows, train_row


def page_sections(page):
    return re.findall(r'<section class="card" id="([a-z]+)"', page)


def diagnosis(page):
    return re.search(r'<section class="card" id="diagnosis".*?</section>', page, re.DOTALL).group(0)


def test_diagnosis_follows_the_summary_with_the_change_and_command(tmp_path):
    run = make_run(tmp_path / "run", overfit_rows())
    page = build_report(run, None, out=tmp_path / "r.html", progress=False).read_text()
    assert page_sections(page)[:2] == ["summary", "diagnosis"]
    part = diagnosis(page)
    assert "Could not build" not in part
    assert "<dd>interrupted at step 1,000 of 1,500, newest checkpoint at step 1,000</dd>" in part
    assert "<dt>fid</dt><dd>best 100 at step 150, last 150 at step 900</dd>" in part
    assert "<dt>D overfitting</dt><dd>yes, from step 700; r_v peaked at 0.70 at step 600</dd>" in part
    assert "d_overfitting" in part and "700-1,000" in part and "still raised" in part
    assert "augment.name=diffaugment augment.policy=color,translation,cutout" in part
    assert f"ganforge train --resume {run} augment.name=diffaugment" in part


def test_diagnosis_of_a_healthy_run_has_nothing_to_change(tmp_path):
    rows = [train_row(step) for step in range(50, 1501, 50)]
    run = make_run(tmp_path / "run", rows, checkpoints=(1500,))
    part = diagnosis(build_report(run, None, out=tmp_path / "r.html", progress=False).read_text())
    assert "finished at step 1,500 of 1,500" in part and "No health flag was raised" in part
    assert "What to change" not in part and "ganforge train" not in part
