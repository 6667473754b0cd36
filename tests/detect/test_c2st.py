"""The classifier two-sample test on constructed cases: a perfect generator (a second sample of
the same data) sits at chance, a collapsed or noisy one is caught; the p-value is the paper's
binomial tail; the detector saves and loads."""
import math

import pytest
import torch
from scipy.stats import binom

from ganforge.data import load_dataset
from ganforge.errors import ConfigError, DataError
from ganforge.metrics import evaluate
from ganforge.metrics.c2st import best_threshold, binomial_p_value, classifier_two_sample_test
from ganforge.metrics.detector import Detector, load_detector, quantize_images, save_detector

FAST = dict(width=8, epochs=4)


@pytest.fixture(scope="module")
def digits():
    """Two disjoint random halves of the embedded MNIST digits at 16 px, in [-1, 1]."""
    data = load_dataset("mnist", 16)
    x, _ = data.get(torch.randperm(len(data), generator=torch.Generator().manual_seed(0))[:800])
    return x[:400], x[400:]


def test_p_value_is_the_binomial_tail():
    # Lopez-Paz & Oquab (2017), Sec. 2: under H0, n_te * accuracy ~ Binomial(n_te, 1/2).
    assert binomial_p_value(10, 10) == pytest.approx(0.5 ** 10)
    assert binomial_p_value(0, 10) == pytest.approx(1.0)
    assert binomial_p_value(60, 100) == pytest.approx(sum(binom.pmf(k, 100, 0.5) for k in range(60, 101)))


def test_threshold_maximises_accuracy_and_prefers_zero():
    assert best_threshold(torch.tensor([5.0, 6.0, 7.0, 8.0]), torch.tensor([0.0, 0.0, 1.0, 1.0])) == 6.5
    assert best_threshold(torch.tensor([1.0, 1.0, 1.0, 1.0]), torch.tensor([1.0, 1.0, 0.0, 0.0])) == 0.0


def test_perfect_generator_is_at_chance(digits):
    real, same = digits
    result = classifier_two_sample_test(real, same, seed=0, **FAST)
    assert 0.35 < result.auc < 0.65
    assert 0.35 < result.accuracy < 0.65 and result.p_value > 0.01
    assert result.n_test == 400 and result.n_train == 400


def test_collapsed_generator_is_caught(digits):
    real, other = digits
    collapsed = other[:1].expand(400, -1, -1, -1)
    result = classifier_two_sample_test(real, collapsed, seed=0, **FAST)
    assert result.auc > 0.95 and result.accuracy > 0.9 and result.p_value < 1e-20


def test_faint_noise_is_caught_and_sub_quantum_noise_is_not(digits):
    real, other = digits
    noisy = (other + 0.1 * torch.randn(other.shape, generator=torch.Generator().manual_seed(1))).clamp(-1, 1)
    assert classifier_two_sample_test(real, noisy, seed=0, width=8, epochs=8).auc > 0.8
    # Below half an 8-bit step the saved PNGs are identical to real data: nothing to detect.
    tiny = other + 0.001
    assert torch.equal(quantize_images(tiny), quantize_images(other))
    assert classifier_two_sample_test(real, tiny, seed=0, **FAST).auc < 0.65


def test_vectors_use_an_mlp():
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(500, 2, generator=g), torch.randn(500, 2, generator=g)
    assert classifier_two_sample_test(a, b, seed=0, **FAST).auc < 0.65
    assert classifier_two_sample_test(a, b * 0.2 + 2.0, seed=0, **FAST).auc > 0.95


def test_same_seed_same_result_and_global_rng_untouched(digits):
    real, other = digits
    torch.manual_seed(123)
    before = torch.random.get_rng_state()
    r1 = classifier_two_sample_test(real[:100], other[:100], seed=3, **FAST)
    assert torch.equal(torch.random.get_rng_state(), before)
    r2 = classifier_two_sample_test(real[:100], other[:100], seed=3, **FAST)
    assert (r1.auc, r1.accuracy) == (r2.auc, r2.accuracy)


def test_bad_inputs_fail_clearly(digits):
    real, other = digits
    with pytest.raises(DataError, match="at least 10"):
        classifier_two_sample_test(real[:5], other[:5])
    with pytest.raises(DataError, match="shape"):
        classifier_two_sample_test(real, other[:, :, :8])


def test_detector_saves_and_loads(tmp_path, digits):
    real, other = digits
    det = classifier_two_sample_test(real[:100], other[:1].expand(100, -1, -1, -1), seed=0, **FAST).detector
    save_detector(det, tmp_path / "d", {"trained_on": {"real": "mnist"}})
    loaded, config = load_detector(tmp_path / "d")
    assert config["shape"] == [1, 16, 16] and config["trained_on"]["real"] == "mnist"
    assert torch.allclose(loaded.probability(real[:8]), det.probability(real[:8]))
    assert float(loaded.offset) == float(det.offset)
    with pytest.raises(ConfigError, match="not a detector folder"):
        load_detector(tmp_path)
    with pytest.raises(ConfigError, match="images"):
        Detector((2, 3))


def test_c2st_in_the_evaluator(digits):
    real, other = digits
    pool = iter(other.split(100))
    result = evaluate(lambda n: next(pool)[:n], real, "c2st", n=400, batch_size=100, c2st_epochs=3)
    assert set(result) == {"c2st_auc", "c2st_accuracy", "c2st_p_value"} and 0.3 < result["c2st_auc"] < 0.7
    with pytest.raises(ConfigError, match="c2st"):
        evaluate(lambda n: other[:n], None, "c2st", n=100)
    assert not math.isnan(result["c2st_p_value"])
