"""ganforge inpaint on files of any size, masks from files, boxes and seeds; held-out scores."""
import numpy as np
import pytest
import torch
from click.testing import CliRunner
from PIL import Image

import ganforge
from ganforge.cli import cli
from ganforge.translate.inpaint import InpaintModel, parse_mask
from ganforge.translate.quality import quantize
from ganforge.translate.restore import heldout_cases, hole_psnr, restoration_scores

from .test_objective import TINY


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    inpaint = ganforge.train("inpaint-faces", out=root / "inpaint", overrides=TINY + ["steps=2"])
    denoise = ganforge.train("denoise-faces", out=root / "denoise", overrides=TINY + ["steps=2"])
    return inpaint, denoise


@pytest.fixture
def photo(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "photo.png"
    Image.fromarray(rng.integers(0, 255, (37, 50, 3), dtype=np.uint8)).save(path)
    mask = np.zeros((37, 50), np.uint8)
    mask[5:15, 20:40] = 255
    Image.fromarray(mask).save(tmp_path / "mask.png")
    return path


def test_inpaint_command_keeps_known_pixels(runs, photo, tmp_path):
    out = tmp_path / "filled.png"
    r = CliRunner().invoke(cli, ["inpaint", str(runs[0]), str(photo), "--mask", str(tmp_path / "mask.png"),
                                 "--out", str(out), "--save-masked", str(tmp_path / "masked.png"), "--tile", "32",
                                 "--overlap", "8"])
    assert r.exit_code == 0, r.output
    filled, source = np.asarray(Image.open(out)), np.asarray(Image.open(photo).convert("L"))
    assert filled.shape == (37, 50)  # the run is grayscale: the photo was converted
    outside = np.ones((37, 50), bool)
    outside[5:15, 20:40] = False
    assert np.array_equal(filled[outside], source[outside])
    assert np.asarray(Image.open(tmp_path / "masked.png"))[5:15, 20:40].min() == 255


@pytest.mark.parametrize("mask", ["box:1,2,10,8", "random", "random:4"])
def test_masks_without_a_file(runs, photo, tmp_path, mask):
    r = CliRunner().invoke(cli, ["inpaint", str(runs[0]), str(photo), "--mask", mask, "--out", str(tmp_path / "o.png")])
    assert r.exit_code == 0, r.output


def test_denoising_needs_no_mask(runs, photo, tmp_path):
    r = CliRunner().invoke(cli, ["inpaint", str(runs[1]), str(photo), "--out", str(tmp_path / "d.png")])
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("args,message", [
    (["--mask", "box:40,30,20,20"], "does not lie inside"),
    (["--mask", "box:1,2"], "box:LEFT,TOP,WIDTH,HEIGHT"),
    (["--mask", "random:x"], "seed must be"),
    (["--mask", "nowhere.png"], "is not a file"),
    ([], "pass a mask"),
])
def test_bad_masks_are_one_line_errors(runs, photo, args, message):
    r = CliRunner().invoke(cli, ["inpaint", str(runs[0]), str(photo), *args])
    assert r.exit_code == 2 and message in r.output


def test_other_commands_point_to_inpaint(runs, photo, tmp_path):
    r = CliRunner().invoke(cli, ["translate", str(runs[0]), str(photo), "--out", str(tmp_path / "t")])
    assert r.exit_code == 2 and "ganforge inpaint" in r.output
    r = CliRunner().invoke(cli, ["sample", str(runs[0]), "--out", str(tmp_path / "s.png")])
    assert r.exit_code == 2 and "ganforge inpaint" in r.output


def test_mask_file_transparency_counts_as_known(tmp_path):
    rgba = np.zeros((8, 8, 4), np.uint8)
    rgba[2:4, 2:6] = (255, 255, 255, 255)  # opaque white strokes on a transparent layer
    Image.fromarray(rgba).save(tmp_path / "m.png")
    m = parse_mask(str(tmp_path / "m.png"), 8, 8)
    assert m.shape == (1, 1, 8, 8) and m.sum() == 8 and m[0, 0, 2:4, 2:6].all()


def test_heldout_scores_have_every_baseline_and_a_perfect_model_wins():
    torch.manual_seed(0)
    images = quantize(torch.rand(3, 1, 16, 16) * 2 - 1)  # 8-bit, so returning them exactly scores +inf
    clean, inputs, masks = heldout_cases(images, "box", per_image=2)
    assert inputs.shape == (6, 2, 16, 16) and torch.equal(clean[0], clean[1])
    assert torch.equal(heldout_cases(images, "box", per_image=2)[2], masks)  # fixed held-out masks
    rows = restoration_scores(lambda x, m: clean[:len(x)] if len(x) == len(clean) else x, clean, inputs, masks)
    methods = [r["method"] for r in rows]
    assert methods[:3] == ["model", "mean fill", "biharmonic (scikit-image)"]
    assert rows[0]["psnr"] == float("inf") and all(r["psnr"] < 60 for r in rows[1:])
    noisy = restoration_scores(lambda x, m: x, *heldout_cases(images, "none", 2, noise_sigma=25), noise_sigma=25)
    assert [r["method"] for r in noisy][:3] == ["model", "noisy input", "non-local means"]
    assert noisy[0]["psnr"] == noisy[1]["psnr"] and "hole_psnr" not in noisy[0]


def test_hole_psnr_counts_only_the_holes():
    target = torch.zeros(1, 1, 4, 4)
    out = target.clone()
    out[..., 0, 0] = 1.0  # error 0.5 on [0, 1] in one pixel
    holes = torch.zeros(1, 1, 4, 4)
    holes[..., :2, :2] = 1
    assert hole_psnr(out, target, holes).item() == pytest.approx(10 * np.log10(1 / (0.25 / 4)))


def test_model_applies_to_any_size_in_tiles(runs):
    model = InpaintModel(runs[0], tile=16, overlap=4)
    x = torch.rand(1, 1, 45, 29) * 2 - 1
    m = torch.zeros(1, 1, 45, 29)
    m[..., 10:20, 5:15] = 1
    out = model(x, m)
    # Known pixels come back up to the rounding of the tile blend (exact once saved as 8-bit).
    assert out.shape == x.shape and torch.allclose(out[m == 0], x[m == 0], atol=1e-6)
