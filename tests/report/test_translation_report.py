"""The report of image-to-image runs: input / output / target examples with PSNR and SSIM."""
import re

import numpy as np
from PIL import Image

import ganforge
from ganforge.config import resolve_config
from ganforge.report.html import report_for_run
from ganforge.report.translation import example_data

from .test_report import section, sections


def build_report(run, out, **options):
    return report_for_run(run, ganforge.load, out=out, **options)


def _sections(page):
    return set(sections(page))


def _rows(page):
    """Number of images in each example row of the input / output / target section."""
    return [row.count("<img") for row in re.findall(r'<div class="tri">(.*?)</div>', section(page, "samples"), re.S)]


def _captions(page, pattern):
    return re.findall(pattern, page)


def test_pix2pix_report_is_written_after_training(pix2pix_run):
    page = (pix2pix_run / "report.html").read_text()
    sections = _sections(page)
    assert {"summary", "samples", "training", "metrics", "progress", "health", "details"} <= sections
    assert "memorization" not in sections
    assert "Could not" not in page
    assert _rows(page) == [3] * 6  # input | output | target
    assert len(_captions(page, r"<b>output</b><br>\d+\.\d\d dB<br>SSIM -?\d\.\d{3}")) == 6
    assert "edges2photo:test, held-out data" in page
    assert "take no training-time metrics" in page
    summary = section(page, "summary")
    assert summary.count("<img") == 3 and "input | output | target" in summary  # three examples in the summary
    assert re.search(r"<td>output PSNR</td><td class=\"num\">\d+\.\d\d dB</td>", summary)
    assert not re.search(r"(src|href)=[\"'](https?:|//|/)", page)


def test_cyclegan_report_shows_both_directions_and_cycles(cyclegan_run, tmp_path):
    page = build_report(cyclegan_run, tmp_path / "r.html", examples=4).read_text()
    assert "samples" in _sections(page) and "Could not" not in page
    # the held-out digits have known counterparts: A | A->B | A->B->A | true B, and the same from B
    assert _rows(page) == [4] * 4
    assert len(_captions(page, r"<b>A-&gt;B</b><br>\d+\.\d\d dB")) == 2
    assert len(_captions(page, r"<b>B-&gt;A</b><br>\d+\.\d\d dB")) == 2
    assert len(_captions(page, r"cycle error \d\.\d{4}")) == 4
    assert "thin2thick:test" in page


def test_superres_report_compares_with_bicubic(superres_run, tmp_path):
    page = build_report(superres_run, tmp_path / "r.html").read_text()
    assert "Could not" not in page
    assert _rows(page) == [4] * 6  # input (nearest x4) | bicubic | output | target
    assert "input (nearest x4)" in page
    assert len(_captions(page, r"<b>(?:bicubic|output)</b><br>\d+\.\d\d dB<br>SSIM")) == 12
    assert re.search(r'<tr><td>output</td><td class="num">\d+\.\d\d</td><td class="num">\d\.\d{4}</td>', page)


def test_examples_come_from_the_held_out_split_when_there_is_one(tmp_path):
    dataset, source = example_data(resolve_config("pix2pix-edges", ["image_size=16"]))
    assert source == "held-out" and dataset.name == "edges2photo:test"
    folder = tmp_path / "pairs"
    folder.mkdir()
    for i in range(2):
        Image.fromarray(np.full((20, 40, 3), 60 * i, np.uint8)).save(folder / f"{i}.png")
    dataset, source = example_data(resolve_config("pix2pix-edges", ["image_size=16", f"data=paired:{folder}"]))
    assert source == "training" and len(dataset) == 2
