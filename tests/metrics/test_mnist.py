import json
import math
from importlib import resources

import pytest
import torch

from ganforge.metrics import create_extractor, list_extractors, make_stacked_mnist, stacked_mnist_modes
from ganforge.metrics.mnist_net import embedded_digits, heldout_mask, pretrained_metadata
from ganforge.metrics.stacked_mnist import classify_stacked, stacked_mode_stats


@pytest.fixture(scope="module")
def mnist():
    return create_extractor("mnist")


def test_registry_names():
    assert list_extractors() == ["audio", "inception", "mnist", "mnist-frames", "raw"]


def test_shipped_weights_reach_98_percent_on_heldout(mnist):
    x, y = embedded_digits()
    held = torch.as_tensor(heldout_mask(y))
    assert int(held.sum()) == 1000 and torch.bincount(y[held]).tolist() == [100] * 10
    probs = mnist.probs(x[held])
    acc = (probs.argmax(1) == y[held]).float().mean().item()
    assert acc >= 0.98
    meta = pretrained_metadata()
    assert meta["heldout_accuracy"] == pytest.approx(acc, abs=2e-3)
    assert meta["input_size"] == [1, 28, 28] and "seed" in meta
    weights = resources.files("ganforge").joinpath("weights", "mnist_classifier.safetensors")
    assert len(weights.read_bytes()) < 2 * 2**20


def test_mnist_extractor_shapes_and_conversion(mnist):
    x, _ = embedded_digits()
    digits = x[:8]
    f28, p28 = mnist.features_and_probs(digits)
    assert f28.shape == (8, 128) and p28.shape == (8, 10) and mnist.feature_dim == 128
    assert torch.allclose(mnist.features(digits), f28, atol=1e-5)
    assert torch.allclose(p28.sum(1), torch.ones(8), atol=1e-5)
    # 3 identical channels at 32 x 32 classify like the 1-channel 28 x 28 digit.
    big = torch.nn.functional.interpolate(digits, size=32, mode="bilinear").expand(-1, 3, -1, -1)
    assert torch.equal(mnist.probs(big).argmax(1), p28.argmax(1))


def test_stacked_mnist_data_and_modes(mnist):
    x, y = make_stacked_mnist(1200, size=32, seed=0)
    assert x.shape == (1200, 3, 32, 32) and x.dtype == torch.float32 and y.dtype == torch.long
    assert x.min() >= -1 and x.max() <= 1 and 0 <= y.min() and y.max() < 1000
    x2, y2 = make_stacked_mnist(5, seed=0)
    assert torch.equal(x2, x[:5]) and torch.equal(y2, y[:5])
    pred = classify_stacked(x, mnist)
    assert (pred == y).float().mean() > 0.95  # all three digits right at once
    assert abs(stacked_mode_stats(pred)["modes_covered"] - len(torch.unique(y))) <= 15  # ~700 expected
    assert stacked_mnist_modes(x[:300], mnist) == stacked_mode_stats(pred[:300])
    collapsed = stacked_mode_stats(torch.full((100,), 123))
    assert collapsed["modes_covered"] == 1 and collapsed["kl_to_uniform"] == pytest.approx(math.log(1000))
    uniform = stacked_mode_stats(torch.arange(1000).repeat(3))
    assert uniform == {"modes_covered": 1000.0, "kl_to_uniform": 0.0}


def test_metadata_is_json():
    text = resources.files("ganforge").joinpath("weights", "mnist_classifier.json").read_text()
    assert json.loads(text)["heldout_accuracy"] >= 0.98
