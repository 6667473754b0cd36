import pytest
import torch


@pytest.fixture
def tiny_ring8():
    """Overrides for a seconds-long ring8 run (CPU)."""
    return ["steps=30", "lr_schedule=constant", "batch_size=64", "generator.width=32", "discriminator.width=32", "log_every=5",
            "sample_every=10", "checkpoint_every=10", "progress=false", "num_samples=200", "eval_n=200", "report=false"]


@pytest.fixture
def tiny_mnist():
    """Overrides for a seconds-long DCGAN run on 16 px MNIST."""
    return ["image_size=16", "steps=6", "lr_schedule=constant", "batch_size=16", "generator.width=8", "discriminator.width=8",
            "log_every=2", "sample_every=3", "checkpoint_every=3", "progress=false", "num_samples=16", "eval_n=100", "report=false"]


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """Each test session gets its own data cache (tests of caching see a cold start)."""
    monkeypatch.setenv("GANFORGE_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture
def one_thread():
    """One torch thread for the duration of a test (training-quality tests measure at that setting)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
