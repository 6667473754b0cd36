import json
import re
import shlex
import warnings

import pytest

import ganforge
from ganforge.cli import main
from ganforge.config import resolve_config
from ganforge.report import html as report_html
from ganforge.report.html import build_report, report_after_training, report_for_run
from ganforge.report.summary import reproduce_commands
from ganforge.train.rundir import load_run_config


def sections(page):
    return re.findall(r'<section class="card" id="([a-z]+)"', page)


def section(page, sid):
    """The HTML of one section of the page."""
    return re.search(rf'<section class="card" id="{sid}".*?</section>', page, re.S).group(0)


def write(run, tmp_path, **options):
    return report_for_run(run, ganforge.load, out=tmp_path / "r.html", **options).read_text()


@pytest.fixture(scope="module")
def mnist_page(mnist_run, tmp_path_factory):
    return write(mnist_run, tmp_path_factory.mktemp("report"), memorization=3)


def test_image_report_opens_on_the_summary_and_is_self_contained(mnist_page):
    page = mnist_page
    assert sections(page) == ["summary", "samples", "memorization", "training", "metrics", "progress", "health",
                              "details"]
    assert "Could not build" not in page
    # every image is embedded, figures are inline SVG; nothing is fetched from elsewhere
    assert page.count('src="data:image/png;base64,') >= 6
    assert "<svg" in section(page, "training") and "<img" not in section(page, "training")
    assert not re.search(r"(src|href)=[\"'](https?:|//|/)", page)
    assert re.findall(r"<link[^>]*>", page) == ['<link rel="icon" href="data:,">'] and "@import" not in page
    assert "prefers-color-scheme: dark" in page  # a dark theme follows the reader's system setting


def test_summary_card_has_samples_real_data_metrics_verdict_and_command(mnist_page, mnist_run):
    summary = section(mnist_page, "summary")
    assert summary.count("<img") == 2  # final samples beside a real-data grid
    assert 'alt="64 generated samples"' in summary and 'alt="64 training images"' in summary
    assert re.search(r'class="verdict v-(ok|warn|bad)"', summary)
    assert re.search(r"<td>fid <span class=\"star\"", summary)  # the best metric, starred
    best = json.loads((mnist_run / "best.json").read_text())
    assert f"@{best['step']}" in summary
    assert "6 of 6; logged every 2, 2 evaluations" in summary  # step counts from the rows, not their number
    assert "Run time" in summary
    assert "ganforge train dcgan-mnist" in summary and f"ganforge train {mnist_run}/config.yaml" in summary
    # numbers are rounded to meaningful digits, never printed raw
    assert not re.search(r"\d\.\d{7,}", re.sub(r"<svg.*?</svg>|src=\"[^\"]*\"", "", mnist_page, flags=re.S))


def test_reproduce_command_rebuilds_the_exact_config(mnist_run, ring_run):
    for run in (mnist_run, ring_run):
        cfg = load_run_config(run)
        short, exact = reproduce_commands(run, cfg)
        words = shlex.split(short)
        assert words[:3] == ["ganforge", "train", cfg.name]
        assert resolve_config(cfg.name, words[3:]) == cfg
        assert exact.endswith("config.yaml")


def test_config_and_data_are_folded(mnist_page):
    details = section(mnist_page, "details")
    assert re.search(r"<details><summary>Config .*?<pre>name: dcgan-mnist", details, re.S)
    assert "<td>shape</td><td>[1, 16, 16]</td>" in details  # one row per key, not one token per line
    assert not re.search(r"<details open><summary>Config", details)


def test_figures_are_drawn_at_display_size_with_legible_text(mnist_page):
    svgs = re.findall(r"<svg .*?</svg>", mnist_page, re.S)
    assert svgs
    sizes = [float(s) for svg in svgs for s in re.findall(r"font-size: ([\d.]+)px", svg)]
    assert sizes and min(sizes) >= 11
    for svg in svgs:  # 1 SVG unit = 1 CSS pixel: width attribute matches the view box
        width, box = re.search(r'width="(\d+)" height="\d+" role="img" viewBox="0 0 ([\d.]+)', svg).groups()
        assert abs(float(width) - float(box)) < 1


def test_short_series_get_markers_and_metrics_error_bars(mnist_page):
    training, metrics = section(mnist_page, "training"), section(mnist_page, "metrics")
    assert 'aria-label="Losses"' in training
    assert "<use " in training  # 3 logged points: drawn as markers, not a bare line
    assert 'aria-label="kid over training"' not in metrics or "kid ± std" in metrics
    assert 'aria-label="fid over training"' in metrics
    assert "kid_std" not in metrics  # a spread is an error bar, never its own panel


def test_plain_gan_has_no_duplicate_loss_panel(mnist_page):
    assert 'aria-label="Loss terms"' not in section(mnist_page, "training")


def test_loss_terms_panel_for_objectives_with_terms():
    from ganforge.report.timeline import loss_terms

    plain = [{"step": s, "loss_d": 1.0 + s, "loss_d_adv": 1.0 + s, "loss_g": 2.0, "loss_g_adv": 2.0} for s in (1, 2)]
    assert loss_terms(plain) == ()
    pix = [{"step": s, "loss_d": 1.0, "loss_d_adv": 1.0, "loss_g": 5.0, "loss_g_adv": 1.0, "loss_g_l1": 4.0}
           for s in (1, 2)]
    assert loss_terms(pix) == ("loss_g_adv", "loss_g_l1")


def test_vector_report_scatter_and_distances(ring_run, tmp_path):
    page = write(ring_run, tmp_path, memorization=2)
    assert {"summary", "samples", "training", "memorization"} <= set(sections(page))
    summary = section(page, "summary")
    assert summary.count("<svg") == 2 and "true modes" in summary  # generated beside real points
    assert "raw feature space" in page
    assert "Could not build" not in page


def test_timing_json_is_shown_when_present(ring_run, tmp_path):
    timing = {"startup": {"wall_s": None, "cpu_s": 1.5}, "training steps": {"wall_s": 60.0, "cpu_s": 90.0},
              "evaluation": {"wall_s": 15.0, "cpu_s": 20.0}, "total": {"wall_s": 75.0, "cpu_s": 111.5}}
    (ring_run / "timing.json").write_text(json.dumps(timing))  # the layout ganforge.train.timing writes
    try:
        page = write(ring_run, tmp_path, memorization=0)
    finally:
        (ring_run / "timing.json").unlink()
    assert "1 min 15 s (timing.json)" in section(page, "summary")
    assert "training steps 1 min 00 s (80%)" in section(page, "details")


def test_run_without_checkpoint_still_reports(tmp_path, tiny_ring8):
    run = ganforge.train("ring8", out=tmp_path / "run", overrides=tiny_ring8)
    import shutil

    shutil.rmtree(run / "checkpoints")
    page = write(run, tmp_path)
    assert "No samples: no checkpoint yet." in section(page, "summary")
    assert "Could not build" in section(page, "samples")  # the note says why, the rest renders
    assert {"training", "health", "details"} <= set(sections(page))


def test_cli_report_default_location(ring_run, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["report", str(ring_run), "--memorization", "0"])
    assert exc.value.code == 0
    assert (ring_run / "report.html").exists()


def test_cli_report_not_a_run(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["report", str(tmp_path)])
    assert exc.value.code == 2
    assert "not a ganforge run" in capsys.readouterr().err


def test_report_failure_after_training_only_warns(ring_run, monkeypatch):
    def broken(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(report_html, "build_report", broken)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert report_after_training(ring_run, ganforge.load) is None
    assert any("disk full" in str(w.message) for w in caught)


def test_a_broken_section_becomes_a_note(ring_run, tmp_path, monkeypatch):
    from ganforge.report import sections as report_sections

    def broken(data):
        raise RuntimeError("no plots today")

    monkeypatch.setattr(report_sections, "training", broken)
    page = build_report(ring_run, ganforge.load(ring_run), tmp_path / "r.html", memorization=0).read_text()
    assert "Could not build this section: RuntimeError: no plots today" in section(page, "training")
    assert "Could not build" not in section(page, "summary")


def test_table_histograms_from_dataframes():
    pd = pytest.importorskip("pandas")
    from ganforge.report.tables import column_panels

    fake = pd.DataFrame({"age": [1.0, 2.0, 3.0], "kind": ["a", "b", "a"]})
    real = pd.DataFrame({"age": [1.5, 2.5, 2.0], "kind": ["a", "a", "c"]})
    panels = column_panels(fake, real)
    assert len(panels) == 2 and all(p.startswith("<svg") and "real" in p for p in panels)


@pytest.mark.parametrize("value,expected", [(868.7064110932171, "868.7"), (0.0058476, "0.005848"),
                                            (8.0, "8"), (1234567, "1,234,567"), (12.5, "12.50"),
                                            ("nan", "nan"), (3.2e-7, "3.200e-07")])
def test_numbers_keep_meaningful_digits(value, expected):
    from ganforge.report.numbers import sig

    assert sig(value) == expected


def test_value_plus_minus_spread():
    from ganforge.report.numbers import duration, pm

    assert pm(42.89074728936881, 1.8181832971426108) == "42.9 ± 1.8"
    assert pm(1.00023, 0.00033) == "1.00023 ± 0.00033"
    assert pm(1.0000261, 0.0000044) == "1.000 ± 4.4e-06"  # a near-zero spread does not stretch the table
    assert duration(75) == "1 min 15 s" and duration(3.21) == "3.2 s" and duration(7300) == "2 h 01 min"
