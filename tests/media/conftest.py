import pytest


@pytest.fixture
def tiny_video():
    """Overrides for a seconds-long video-mnist run (4 frames, 32 px, narrow nets)."""
    return ["data_options.frames=4", "data_options.size=64", "z_dim=40", "generator.content_dim=10",
            "generator.motion_dim=6", "generator.width=8", "discriminator.width=8", "objective.image_width=8",
            "batch_size=4", "steps=4", "log_every=2", "sample_every=2", "checkpoint_every=2", "progress=false",
            "num_samples=4", "metrics=[]", "report=false"]


@pytest.fixture
def tiny_audio():
    """Overrides for a seconds-long wavegan-notes run on 1,024-sample clips."""
    return ["data_options.length=1024", "data_options.size=64", "generator.width=4", "discriminator.width=4",
            "batch_size=4", "steps=4", "n_critic=1", "log_every=2", "sample_every=2", "checkpoint_every=2",
            "progress=false", "num_samples=4", "metrics=[]", "report=false"]


@pytest.fixture
def tiny_text():
    """Overrides for a seconds-long textgan-words run."""
    return ["generator.width=16", "discriminator.width=16", "discriminator.blocks=1", "objective.pretrain_steps=2",
            "batch_size=8", "steps=4", "n_critic=1", "log_every=2", "sample_every=2", "checkpoint_every=2",
            "progress=false", "num_samples=8", "metrics=[]", "report=false"]
