"""The stateful metrics (``ganforge.metrics.FID/KID/PRDC/IS``) accumulate batches and equal the
one-shot functions on all the features; extractors come from a name, a file or a callable; the
README's example runs as written."""
import re
from itertools import zip_longest
from pathlib import Path

import numpy as np
import pytest
import torch

import ganforge.metrics as gm
from ganforge.errors import ConfigError, DataError
from ganforge.metrics import fid_from_features, inception_score, kid, prdc

README = Path(__file__).resolve().parents[2] / "README.md"


def batches(x, size):
    return [x[i:i + size] for i in range(0, len(x), size)]


@pytest.fixture
def features():
    g = torch.Generator().manual_seed(0)
    real = torch.randn(300, 6, generator=g) * 2 + 5  # a large mean: the running sums must not cancel
    fake = torch.randn(260, 6, generator=g) * 1.5 + 4.5
    return real, fake


def test_fid_accumulates_to_the_one_shot_value(features):
    real, fake = features
    fid = gm.FID(extractor="raw")
    for r, f in zip_longest(batches(real, 64), batches(fake, 50)):  # uneven: some updates one-sided
        fid.update(real=r, fake=f)
    assert fid.count("real") == 300 and fid.count("fake") == 260
    assert np.isclose(fid.compute(), fid_from_features(real, fake), rtol=1e-9, atol=0)
    fid.reset(keep_real=True)
    fid.update(fake=real)
    assert fid.compute() < 1e-9
    fid.reset()
    with pytest.raises(DataError, match="0 real sample"):
        fid.compute()


def test_kid_prdc_is_equal_the_one_shot_functions(features):
    real, fake = features
    k, p = gm.KID(num_subsets=20, subset_size=100, seed=3), gm.PRDC(k_pr=3, k_dc=5)
    for r in batches(real, 70):
        k.update(real=r)
        p.update(real=r)
    for f in batches(fake, 90):
        k.update(fake=f)
        p.update(fake=f)
    assert k.compute() == kid(real, fake, 20, 100, 3)
    assert p.compute() == prdc(real, fake, k_pr=3, k_dc=5)
    logits = torch.randn(200, 10, generator=torch.Generator().manual_seed(1))
    score = gm.IS(extractor=lambda x: x, splits=4)
    for part in batches(logits, 30):
        score.update(fake=part)
    assert score.compute() == inception_score(torch.softmax(logits.double(), 1).float(), splits=4)
    with pytest.raises(ConfigError, match="IS scores generated samples only"):
        score.update(real=logits)


def test_extractors_from_a_callable_a_module_a_name_or_a_weights_file(tmp_path):
    net = torch.nn.Linear(4, 3)
    fid = gm.FID(extractor=net)
    x = torch.randn(40, 4, generator=torch.Generator().manual_seed(2))
    fid.update(real=x[:20], fake=x[20:])
    with torch.no_grad():
        assert np.isclose(fid.compute(), fid_from_features(net(x[:20]), net(x[20:])), rtol=1e-9)
    assert isinstance(gm.feature_extractor("mnist"), gm.FeatureExtractor)
    from ganforge.metrics.inception_net import FIDInceptionV3

    weights = tmp_path / "pt_inception.pth"
    torch.save(FIDInceptionV3().state_dict(), weights)  # the published file's layout, random values
    assert gm.feature_extractor(str(weights)).name == "inception"
    with pytest.raises(ConfigError, match="unknown extractor 'nope'; choose one of: .*inception, mnist, .*raw"):
        gm.FID(extractor="nope")
    with pytest.raises(ConfigError, match="has no class probabilities|IS needs class probabilities"):
        gm.IS(extractor="raw")


def test_mismatched_feature_sizes_are_refused():
    fid = gm.FID()
    fid.update(real=torch.randn(5, 3))
    with pytest.raises(DataError, match="fake features have 4 dimensions, earlier ones 3"):
        fid.update(fake=torch.randn(5, 4))


def readme_block(heading: str) -> str:
    text = README.read_text()
    section = text.split(heading, 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_readme_metrics_example_runs_as_written(capsys):
    code = readme_block("## Metrics as a library")
    assert len([line for line in code.splitlines() if line.strip()]) <= 4  # the import and three lines
    exec(compile(code, str(README), "exec"), {})
    value = float(capsys.readouterr().out.strip())
    assert 0 < value < 200  # the shipped generator is a real MNIST model, seen by the MNIST classifier
