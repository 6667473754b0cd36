"""Hostile image folders: decompression bombs are skipped and counted (the limit is raised only
by data_options.max_image_pixels), and symlink loops or links back to the folder are reported,
never followed and never made a class."""
import numpy as np
import pytest
from PIL import Image

from ganforge.data import load_dataset
from ganforge.data.folder import scan_folder

from .cases import write_bomb_header


@pytest.fixture
def photos(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    for i in range(3):
        Image.fromarray(np.full((8, 8, 3), 60 * i, np.uint8)).save(folder / f"ok{i}.png")
    return folder


def test_a_decompression_bomb_is_skipped_and_counted(photos, capsys):
    write_bomb_header(photos / "bomb.png")
    ds = load_dataset(f"folder:{photos}", 8)
    assert len(ds) == 3 and ds.skipped == 1
    err = capsys.readouterr().err
    assert "skipped 1 unreadable image(s) of 4" in err
    assert "bomb.png" in err and "256,000,000 pixels" in err and "data_options.max_image_pixels" in err


@pytest.mark.parametrize("side", [80, 120])  # over the limit, and over twice the limit (Pillow's error)
def test_the_pixel_limit_is_an_option(photos, side):
    Image.fromarray(np.zeros((side, side, 3), np.uint8)).save(photos / "big.png")
    limited = load_dataset(f"folder:{photos}", 8, max_image_pixels=5000)
    assert len(limited) == 3 and limited.skipped == 1
    unlimited = load_dataset(f"folder:{photos}", 8, max_image_pixels=0)
    assert len(unlimited) == 4 and unlimited.skipped == 0


def test_symlink_loops_and_links_to_the_folder_are_not_classes(tmp_path, capsys):
    root = tmp_path / "classes"
    for name in ("cats", "dogs"):
        (root / name).mkdir(parents=True)
        Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(root / name / "a.png")
    elsewhere = tmp_path / "birds"
    elsewhere.mkdir()
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(elsewhere / "b.png")
    (root / "loop").symlink_to("loop")
    (root / "ping").symlink_to("pong")
    (root / "pong").symlink_to("ping")
    (root / "self").symlink_to(".")
    (root / "up").symlink_to("..")
    (root / "root").symlink_to(root)
    (root / "gone").symlink_to("nowhere")
    (root / "birds").symlink_to(elsewhere)  # a link to a real folder elsewhere is a class like any other
    files, labels, classes = scan_folder(root)
    assert classes == ("birds", "cats", "dogs")
    assert len(files) == 3 and labels == [0, 1, 2]
    err = capsys.readouterr().err
    assert "not following 6 symlink(s)" in err and "loop, ping, pong (symlink loops)" in err
    assert "root, self, up (links back to the folder or above it)" in err
    assert len([line for line in err.splitlines() if line.strip()]) == 1


def test_a_class_folder_holding_a_loop_still_trains(tmp_path):
    root = tmp_path / "flat"
    root.mkdir()
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(root / "a.png")
    (root / "again").symlink_to(root)
    ds = load_dataset(f"folder:{root}", 8)
    assert len(ds) == 1 and ds.num_classes == 0
