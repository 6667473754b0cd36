import numpy as np
import pytest

from ganforge.errors import ConfigError, DataError
from ganforge.metrics import density_coverage, prdc, precision_recall
from ganforge.metrics.knn import knn_radii

# 1-D sets small enough to check by hand (k = 2 throughout).
REAL = np.array([0.0, 1.0, 2.0, 3.0, 10.0, 11.0])[:, None]
FAKE = np.array([0.4, 0.6, 2.5, 2.6])[:, None]


def test_knn_radius_excludes_the_point_itself():
    # 2nd-nearest other point: 0->2, 1->1, 2->1, 3->2, 10->7 (0,1,2,3 are 10,9,8,7 away; 11 is 1), 11->8.
    assert knn_radii(REAL, 2) == pytest.approx([2, 1, 1, 2, 7, 8])
    assert knn_radii(FAKE, 2) == pytest.approx([2.1, 1.9, 1.9, 2.0])
    assert knn_radii(np.array([[0.0], [0.0], [5.0]]), 1) == pytest.approx([0, 0, 5])  # duplicates count


def test_precision_recall_by_hand():
    # precision: every fake lies in the ball of a nearby real (0.4, 0.6 near 0/1; 2.5, 2.6 near 2/3).
    # recall: 10 and 11 are 7.4+ from the nearest fake, whose radius is at most 2.1 -> 4/6.
    assert precision_recall(REAL, FAKE, k=2) == pytest.approx({"precision": 1.0, "recall": 4 / 6})


def test_outlier_fake_lowers_precision_and_inflates_recall():
    # 50 is 39 from the nearest real (radius 8): precision 4/5. Its own 2-NN radius is 47.5, which
    # swallows 3, 10 and 11 -> recall 1 (the outlier sensitivity that density/coverage fix).
    fake = np.vstack([FAKE, [[50.0]]])
    assert precision_recall(REAL, fake, k=2) == pytest.approx({"precision": 0.8, "recall": 1.0})


def test_density_coverage_by_hand():
    # Real balls holding each fake: 0.4 -> {0, 1}, 0.6 -> {0, 1}, 2.5 -> {2, 3}, 2.6 -> {2, 3}:
    # density = 8 / (k * M) = 8 / 8 = 1. Balls of 10 (r 7) and 11 (r 8) miss 2.6 (7.4, 8.4 away):
    # coverage = 4 / 6.
    assert density_coverage(REAL, FAKE, k=2) == pytest.approx({"density": 1.0, "coverage": 4 / 6})


def test_density_counts_overlapping_balls_but_not_their_boundaries():
    # A fake at 0.5 sits in the balls of 0 (r 2), 1 (r 1), 2 (r 1, 1.5 away: no) and 3 (r 2, 2.5: no):
    # density 2 / k = 1. At 1.0 it lies exactly on the boundaries of 2 and 3, which the strict <
    # of Naeem et al. does not count either: still 1, where <= would give 2.
    assert density_coverage(REAL, np.array([[0.5]]), k=2)["density"] == pytest.approx(1.0)
    assert density_coverage(REAL, np.array([[1.0]]), k=2)["density"] == pytest.approx(1.0)
    assert density_coverage(REAL, np.array([[1.5]]), k=2)["density"] == pytest.approx(2.0)  # 0, 1, 2, 3


def test_prdc_identical_sets_and_blocking(monkeypatch):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 5))
    full = prdc(x, x, k_pr=3, k_dc=5)
    assert full["precision"] == full["recall"] == full["coverage"] == 1.0
    assert full["density"] > 0.9
    monkeypatch.setattr("ganforge.metrics.knn._BLOCK_BYTES", 8 * 300 * 7)  # 7-row blocks
    y = rng.normal(size=(200, 5)) + 0.5
    blocked = prdc(x, y)
    monkeypatch.undo()
    assert blocked == pytest.approx(prdc(x, y))


def test_prdc_errors():
    with pytest.raises(ConfigError):
        precision_recall(REAL, FAKE, k=4)  # only 4 fakes: k must be < 4
    with pytest.raises(DataError):
        prdc(np.ones((10, 2)), np.ones((10, 3)))


def test_precomputed_real_radii_give_the_same_scores():
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(60, 4)), rng.normal(0.3, 1.2, size=(50, 4))
    assert precision_recall(real, fake, k=3, real_radii=knn_radii(real, 3)) == precision_recall(real, fake, k=3)
