import math

import numpy as np
import pytest
import torch

from ganforge.errors import ConfigError
from ganforge.metrics import METRIC_DIRECTION, METRICS, RING8_MEANS, RING8_STD, evaluate, make_stacked_mnist
from ganforge.metrics.evaluator import default_cache_dir
from ganforge.metrics.extractors import RawExtractor
from ganforge.metrics.mnist_net import embedded_digits


class CountingRaw(RawExtractor):
    """The raw extractor, counting the rows it has seen."""

    def __init__(self):
        super().__init__()
        self.rows = 0

    def features(self, x):
        self.rows += len(x)
        return super().features(x)


def gaussian_sampler(shift=0.0, seed=0):
    g = torch.Generator().manual_seed(seed)
    return lambda bs: torch.randn(bs, 4, generator=g) + shift


REAL = torch.randn(600, 4, generator=torch.Generator().manual_seed(123))


def test_metric_names_and_directions():
    assert METRICS.names() == ["c2st", "fid", "is", "kid", "modes", "ngrams", "notes", "prdc", "stacked_modes",
                               "temporal", "words"]
    keys = {k for name in METRICS.names() for k in METRICS.get(name).keys}
    assert keys - set(METRIC_DIRECTION) == {"kid_std", "is_std", "novel"}  # novelty alone is not better
    assert METRIC_DIRECTION["fid"] == "min" and METRIC_DIRECTION["precision"] == "max"


def test_unknown_metric_lists_choices():
    with pytest.raises(ConfigError) as err:
        evaluate(gaussian_sampler(), REAL, ["fid", "nope"], n=10)
    assert "nope" in str(err.value) and "stacked_modes" in str(err.value)
    with pytest.raises(ConfigError, match="kid_subsetz"):
        evaluate(gaussian_sampler(), REAL, "kid", n=10, kid_subsetz=3)
    with pytest.raises(ConfigError, match="means"):
        evaluate(gaussian_sampler(), None, "modes", n=10)
    with pytest.raises(ConfigError, match="probabilities"):
        evaluate(gaussian_sampler(), None, "is", n=10, extractor="raw")


def test_results_and_cache_reuse(tmp_path):
    ext = CountingRaw()
    kw = dict(extractor=ext, n=500, batch_size=128, cache_key="gauss-4-raw", cache_dir=tmp_path,
              kid_subsets=10, kid_subset_size=200)
    first = evaluate(gaussian_sampler(), REAL, "fid,kid,prdc", **kw)
    assert set(first) == {"fid", "kid", "kid_std", "precision", "recall", "density", "coverage"}
    assert all(isinstance(v, float) for v in first.values())
    assert first["fid"] < 0.2 and abs(first["kid"]) < 0.05 and first["precision"] > 0.8
    assert ext.rows == 600 + 500
    assert (tmp_path / "gauss-4-raw.npz").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["gauss-4-raw.npz"]  # no temp files left over

    ext.rows = 0
    second = evaluate(gaussian_sampler(), REAL, "fid,kid,prdc", **kw)
    assert ext.rows == 500  # real features came from the cache
    assert second == pytest.approx(first)

    ext.rows = 0
    only_cache = evaluate(gaussian_sampler(), None, ["fid"], **kw)
    assert ext.rows == 500 and only_cache["fid"] == pytest.approx(first["fid"])

    ext.rows = 0
    shifted = evaluate(gaussian_sampler(), REAL + 2.0, "fid", **kw)  # changed data: cache is stale
    assert ext.rows == 600 + 500 and shifted["fid"] > 10


def test_missing_real_without_cache(tmp_path):
    with pytest.raises(ConfigError, match="real"):
        evaluate(gaussian_sampler(), None, "fid", n=10, cache_key="absent", cache_dir=tmp_path)


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("GANFORGE_CACHE", str(tmp_path))
    assert default_cache_dir() == tmp_path
    monkeypatch.delenv("GANFORGE_CACHE")
    assert default_cache_dir().parts[-2:] == (".cache", "ganforge")


def test_fid_separates_distributions():
    near = evaluate(gaussian_sampler(0.0), REAL, "fid", n=600)["fid"]
    far = evaluate(gaussian_sampler(1.0), REAL, "fid", n=600)["fid"]
    assert far > 3.0 > 0.3 > near


def test_modes_on_ring():
    g = torch.Generator().manual_seed(0)

    def ring(bs):
        comp = torch.randint(8, (bs,), generator=g)
        return RING8_MEANS[comp] + RING8_STD * torch.randn(bs, 2, generator=g).clamp(-2, 2)

    r = evaluate(ring, None, ["modes"], n=800, batch_size=100, means=RING8_MEANS, std=RING8_STD)
    assert r["modes_covered"] == 8 and r["high_quality"] == 1.0 and r["reverse_kl"] < 0.02
    collapsed = evaluate(lambda bs: RING8_MEANS[:1].expand(bs, 2), None, "modes", n=50,
                         means=RING8_MEANS, std=RING8_STD)
    assert collapsed["modes_covered"] == 1 and collapsed["reverse_kl"] == pytest.approx(math.log(8))


def stream(x):
    """A sample_fn handing out the rows of x in order."""
    pos = [0]

    def sample(bs):
        pos[0] += bs
        return x[pos[0] - bs:pos[0]]

    return sample


def test_stacked_modes_with_mnist_classifier():
    x, y = make_stacked_mnist(600, seed=1)
    r = evaluate(stream(x), None, ["stacked_modes"], extractor="inception", n=600, batch_size=200)
    # extractor='inception' is not needed for this metric, so no Inception weights are required.
    assert abs(r["modes_covered"] - len(torch.unique(y))) <= 10 and 0 < r["kl_to_uniform"] < 1.0


def test_inception_score_of_real_digits_with_mnist_classifier():
    x, _ = embedded_digits()
    x = x[torch.randperm(len(x), generator=torch.Generator().manual_seed(0))[:1000]]
    r = evaluate(stream(x), None, "is", extractor="mnist", n=1000, batch_size=250, is_splits=5)
    assert 9.0 < r["is"] <= 10.0 and r["is_std"] < 0.5


def test_conflicting_metrics_rejected():
    with pytest.raises(ConfigError, match="modes_covered"):
        evaluate(gaussian_sampler(), None, ["modes", "stacked_modes"], n=10, means=np.zeros((1, 4)), std=1.0)
