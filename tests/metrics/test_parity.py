"""Parity with the reference implementations, on the same features.

Each reference formula is transcribed here from its source (mseitzer/pytorch-fid fid_score.py,
toshas/torch-fidelity metric_kid.py and metric_isc.py, clovaai/generative-evaluation-prdc
prdc/prdc.py) and compared with ganforge's metric to 1e-6 relative; KID draws its subsets with
another generator, so its mean must agree within the subset noise (and exactly on one subset).
"""
import numpy as np
import pytest
import sklearn.metrics
from scipy import linalg

from ganforge.metrics import density_coverage, inception_score, kid, precision_recall
from ganforge.metrics.frechet import fid_from_features
from ganforge.metrics.kernel import mmd2_unbiased

RNG = np.random.default_rng(0)
REAL = RNG.normal(size=(400, 12)).astype(np.float32)
FAKE = (RNG.normal(size=(300, 12)) * 1.3 + 0.4).astype(np.float32)


def pytorch_fid(act1, act2, eps=1e-6):
    """pytorch-fid: calculate_activation_statistics + calculate_frechet_distance."""
    mu1, sigma1 = np.mean(act1, axis=0), np.cov(act1, rowvar=False)
    mu2, sigma2 = np.mean(act2, axis=0), np.cov(act2, rowvar=False)
    diff = mu1 - mu2
    covmean = linalg.sqrtm(sigma1.dot(sigma2))
    if not np.isfinite(covmean).all():
        offset = np.eye(sigma1.shape[0]) * eps
        covmean = linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    if np.iscomplexobj(covmean):
        covmean = covmean.real
    return diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean)


def fidelity_mmd2(f1, f2):
    """torch-fidelity kernel_poly (degree 3, gamma 1/d, coef0 1) + mmd2(mmd_est='unbiased')."""
    k = lambda x, y: (np.matmul(x, y.T) / x.shape[1] + 1) ** 3  # noqa: E731
    k_11, k_22, k_12 = k(f1, f1), k(f2, f2), k(f1, f2)
    m = k_11.shape[0]
    kt_xx_sum = (k_11.sum(axis=1) - np.diagonal(k_11)).sum()
    kt_yy_sum = (k_22.sum(axis=1) - np.diagonal(k_22)).sum()
    return (kt_xx_sum + kt_yy_sum) / (m * (m - 1)) - 2 * k_12.sum() / (m * m)


def fidelity_kid(f1, f2, subsets, subset_size, seed=2020):
    rng = np.random.RandomState(seed)
    mmds = np.zeros(subsets)
    for i in range(subsets):
        a = f1[rng.choice(len(f1), subset_size, replace=False)]
        b = f2[rng.choice(len(f2), subset_size, replace=False)]
        mmds[i] = fidelity_mmd2(a, b)
    return mmds.mean(), mmds.std()


def fidelity_isc(logits, splits=10):
    """torch-fidelity isc_features_to_metric (no shuffle) on logits: softmax, log_softmax, chunks i*N//splits."""
    x = logits.astype(np.float64)
    log_p = x - x.max(axis=1, keepdims=True)
    log_p = log_p - np.log(np.exp(log_p).sum(axis=1, keepdims=True))
    p = np.exp(log_p)
    n, scores = len(x), []
    for i in range(splits):
        pc, lc = p[i * n // splits:(i + 1) * n // splits], log_p[i * n // splits:(i + 1) * n // splits]
        q = pc.mean(axis=0, keepdims=True)
        scores.append(np.exp((pc * (lc - np.log(q))).sum(axis=1).mean()))
    return float(np.mean(scores)), float(np.std(scores))


def reference_prdc(real, fake, k):
    """generative-evaluation-prdc compute_prdc (strict < everywhere)."""
    kth = lambda d: np.take_along_axis(d, np.argpartition(d, k, axis=-1)[..., :k + 1], axis=-1).max(axis=-1)  # noqa
    real_r = kth(sklearn.metrics.pairwise_distances(real, real))
    fake_r = kth(sklearn.metrics.pairwise_distances(fake, fake))
    d = sklearn.metrics.pairwise_distances(real, fake)
    return {"precision": (d < real_r[:, None]).any(axis=0).mean(),
            "recall": (d < fake_r[None, :]).any(axis=1).mean(),
            "density": (1.0 / k) * (d < real_r[:, None]).sum(axis=0).mean(),
            "coverage": (d.min(axis=1) < real_r).mean()}


def test_fid_matches_pytorch_fid():
    assert fid_from_features(REAL, FAKE) == pytest.approx(pytorch_fid(REAL.astype(np.float64), FAKE.astype(np.float64)),
                                                           rel=1e-6)


def test_kid_matches_torch_fidelity():
    a, b = REAL[:50].astype(np.float64), FAKE[:50].astype(np.float64)
    assert mmd2_unbiased(a, b) == pytest.approx(fidelity_mmd2(a, b), rel=1e-6)
    one = kid(a, b, num_subsets=1, subset_size=50)[0]  # one subset = the whole sets, reordered
    assert one == pytest.approx(fidelity_mmd2(a, b), rel=1e-6)
    ours, ours_std = kid(REAL, FAKE, num_subsets=100, subset_size=100, seed=0)
    ref, ref_std = fidelity_kid(REAL.astype(np.float64), FAKE.astype(np.float64), 100, 100)
    assert abs(ours - ref) < 4 * np.hypot(ours_std, ref_std) / np.sqrt(100)


def test_inception_score_matches_torch_fidelity_on_unbiased_logits():
    logits = RNG.normal(size=(250, 7)) * 3  # 250 rows: the chunks are 25 each
    from scipy.special import softmax

    ours = inception_score(softmax(logits, axis=1), splits=10)
    ref = fidelity_isc(logits, splits=10)
    assert ours[0] == pytest.approx(ref[0], rel=1e-6) and ours[1] == pytest.approx(ref[1], rel=1e-6)
    odd = inception_score(softmax(logits[:247], axis=1), splits=10)  # uneven chunks at i * N // splits
    assert odd[0] == pytest.approx(fidelity_isc(logits[:247], splits=10)[0], rel=1e-6)


@pytest.mark.parametrize("k", [3, 5])
def test_prdc_matches_the_reference_on_continuous_features(k):
    ref = reference_prdc(REAL, FAKE, k)
    ours = {**precision_recall(REAL, FAKE, k), **density_coverage(REAL, FAKE, k)}
    for key, value in ref.items():
        assert ours[key] == pytest.approx(value, rel=1e-6), key


def test_density_and_coverage_use_the_strict_inequality_on_ties():
    # Naeem et al. (prdc.py): a fake exactly on a real ball's boundary is not inside it. Reals at
    # 0, 1, 2, 3 (k = 1: every radius is 1); fakes at 1.5 (inside two balls) and 5 (on none) plus
    # one fake at 4.0, exactly on the boundary of the ball of 3.
    real = np.array([[0.0], [1.0], [2.0], [3.0]])
    fake = np.array([[1.5], [4.0], [5.0]])
    ref = reference_prdc(real, fake, 1)
    ours = density_coverage(real, fake, k=1)
    assert ours == pytest.approx({"density": ref["density"], "coverage": ref["coverage"]})
    assert ours == pytest.approx({"density": 2 / 3, "coverage": 0.5})  # the tie would make them 1 and 0.75


def test_inception_probabilities_come_from_the_unbiased_logits():
    # torch-fidelity feature_extractor_inceptionv3.py: 'logits_unbiased' = pool3 @ fc.weight.T, the
    # default feature of its Inception Score (the original TF code also skips the bias).
    import torch

    from ganforge.metrics.extractors import InceptionExtractor

    ext = InceptionExtractor(random_weights=True)
    torch.nn.init.normal_(ext.net.fc.bias, 0.0, 5.0)
    pool = torch.randn(4, 2048)
    ext.net.pool3 = lambda x: pool
    probs = ext.probs(torch.zeros(4, 3, 8, 8))
    expected = torch.softmax((pool @ ext.net.fc.weight.t()).double(), dim=1).float()
    assert torch.allclose(probs, expected, atol=1e-6)
    assert not torch.allclose(probs, torch.softmax(ext.net.fc(pool).double(), dim=1).float(), atol=1e-3)
    assert torch.allclose(ext.features_and_probs(torch.zeros(4, 3, 8, 8))[1], expected, atol=1e-6)
