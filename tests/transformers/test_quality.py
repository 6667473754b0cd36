"""A short run of the transformer GAN learns digits (slow): FID on MNIST-classifier features falls
far below an untrained generator's, and the generator does not collapse."""
import pytest
import torch

import ganforge
from ganforge.data import load_dataset
from ganforge.metrics.run_evaluator import RunEvaluator


@pytest.mark.slow
def test_transgan_mnist_learns_digits(tmp_path):
    overrides = ["progress=false", "report=false", "metrics=[]", "ema=0", "log_every=50"]
    untrained = ganforge.train("transgan-mnist", out=tmp_path / "init", overrides=overrides + ["steps=0"])
    trained = ganforge.train("transgan-mnist", out=tmp_path / "run", overrides=overrides + ["steps=400"])
    evaluator = RunEvaluator(load_dataset("mnist", 32), ["fid", "prdc"], n=1000)
    before = evaluator(lambda n: ganforge.load(untrained).sample(n, seed=1))
    after = evaluator(lambda n: ganforge.load(trained).sample(n, seed=1))
    assert after["fid"] < 0.5 * before["fid"]
    assert after["fid"] < FID_400_STEPS
    x = ganforge.load(trained).sample(64, seed=2)
    assert x.std(0).mean() > 0.1  # samples differ from each other
