import pytest
from translate.helpers import TINY

MNIST = ["image_size=16", "steps=6", "batch_size=16", "generator.width=8", "discriminator.width=8", "log_every=2",
         "sample_every=3", "checkpoint_every=3", "progress=false", "num_samples=16", "eval_n=100",
         "metrics=[fid]", "eval_every=3", "report=false", "tensorboard=false"]
RING = ["steps=30", "batch_size=64", "generator.width=32", "discriminator.width=32", "log_every=5", "sample_every=10",
        "checkpoint_every=10", "progress=false", "num_samples=200", "eval_n=200", "report=false", "tensorboard=false"]


@pytest.fixture(scope="session")
def _runs_root(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GANFORGE_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
        yield tmp_path_factory.mktemp("runs")


@pytest.fixture(scope="session")
def mnist_run(_runs_root):
    """A seconds-long DCGAN run on 16 px MNIST, with FID evaluated twice."""
    import ganforge

    return ganforge.train("dcgan-mnist", out=_runs_root / "mnist", overrides=MNIST)


@pytest.fixture(scope="session")
def ring_run(_runs_root):
    """A seconds-long 2-D ring8 run."""
    import ganforge

    return ganforge.train("ring8", out=_runs_root / "ring", overrides=RING)


# Image-to-image runs: the translation tests' tiny sizes, 4 steps.
I2I = ["steps=4", "log_every=2", "num_samples=4", "progress=false", "tensorboard=false"]


@pytest.fixture(scope="session")
def pix2pix_run(_runs_root):
    """A seconds-long pix2pix run on edges2photo; it writes its report when training ends."""
    import ganforge

    return ganforge.train("pix2pix-edges", out=_runs_root / "pix2pix", overrides=TINY["pix2pix-edges"] + I2I)


@pytest.fixture(scope="session")
def cyclegan_run(_runs_root):
    """A seconds-long CycleGAN run on thin2thick (A: 1-px strokes, B: thick strokes)."""
    import ganforge

    return ganforge.train("cyclegan-digits", out=_runs_root / "cyclegan",
                          overrides=TINY["cyclegan-digits"] + I2I + ["report=false"])


@pytest.fixture(scope="session")
def superres_run(_runs_root):
    """A seconds-long x4 super-resolution run on sr-photos (16 px HR crops)."""
    import ganforge

    return ganforge.train("esrgan-photos", out=_runs_root / "superres",
                          overrides=TINY["esrgan-photos"] + I2I + ["objective.pretrain_steps=2", "report=false"])
