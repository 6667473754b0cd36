"""The inpaint objective: configuration checks, one training step of each kind, exact resume,
known pixels kept, sample panels."""
import pytest
import torch
from safetensors.torch import load_file

import ganforge
from ganforge.config import resolve_config
from ganforge.errors import ConfigError
from ganforge.objectives import StepContext, build_objective
from ganforge.objectives.inpaint import Inpainter, corrupt
from ganforge.train.checkpoint import latest_checkpoint

TINY = ["image_size=16", "generator.width=4", "discriminator.width=8", "batch_size=4", "progress=false",
        "report=false", "num_samples=4", "log_every=2", "checkpoint_every=2", "sample_every=2"]


def tiny(recipe="inpaint-faces", *extra):
    return resolve_config(recipe, TINY + list(extra))


def objective(*extra, recipe="inpaint-faces"):
    from ganforge.data import load_dataset

    cfg = tiny(recipe, *extra)
    return build_objective(cfg, load_dataset(cfg.data, cfg.image_size, **cfg.data_options).info())


@pytest.mark.parametrize("extra,message", [
    (["data=edges2photo"], "restores single images"),
    (["objective.mask=none"], "nothing to restore"),
    (["objective.mask=stars"], "unknown mask 'stars'"),
    (["generator.name=unet"], "mask-aware"),
    (["metrics=[fid]"], "benchmarks/restoration.py"),
    (["packing=2"], "does not support packing"),
    (["objective.noise_sigma=-1"], "objective.noise_sigma': input should be greater than or equal to 0"),
    (["objective.shift=8"], "shift must be between 0 and half"),
])
def test_bad_configs_fail_before_training(extra, message):
    with pytest.raises(ConfigError, match=message):
        objective(*extra)


def test_steps_are_finite_and_log_their_terms():
    torch.manual_seed(0)
    obj = objective("objective.lambda_feature=0.1")
    real = torch.rand(4, 1, 16, 16) * 2 - 1
    ctx = StepContext(0, 0, 0.0)
    d_loss, d_logs = obj.d_step(real, None, ctx)
    g_loss, g_logs = obj.g_step(real, None, ctx)
    assert torch.isfinite(d_loss) and torch.isfinite(g_loss)
    assert {"loss_g_hole", "loss_g_valid", "loss_g_adv", "loss_g_feature"} <= set(g_logs)
    assert {"d_real", "d_fake", "r_t"} <= set(d_logs)


def test_inpainting_keeps_known_pixels_and_denoising_replaces_all():
    torch.manual_seed(0)
    clean = torch.rand(3, 1, 16, 16) * 2 - 1
    inputs, mask = corrupt(clean, "both", 0.0, torch.Generator().manual_seed(0))
    out = objective().generator(inputs)
    known = mask == 0
    assert torch.equal(out[known.expand_as(out)], clean[known.expand_as(clean)])
    denoiser = objective("objective.mask=none", "objective.noise_sigma=25").generator
    assert isinstance(denoiser, Inpainter) and not denoiser.composite
    noisy, none = corrupt(clean, "none", 25.0, torch.Generator().manual_seed(0))
    assert none.sum() == 0 and 0.05 < (noisy[:, :1] - clean).std() < 0.3  # 25 / 127.5 = 0.196 before clipping
    assert not torch.equal(denoiser(noisy), noisy[:, :1])


def test_jitter_flips_and_shifts_with_the_global_rng():
    obj = objective("objective.flip=true", "objective.shift=2")
    x = torch.arange(2 * 16 * 16, dtype=torch.float32).reshape(2, 1, 16, 16)
    torch.manual_seed(0)
    a = obj.jittered(x)
    torch.manual_seed(0)
    assert torch.equal(a, obj.jittered(x)) and a.shape == x.shape and not torch.equal(a, x)
    assert torch.equal(objective("objective.flip=false", "objective.shift=0").jittered(x), x)


def test_training_resumes_exactly(tmp_path):
    straight = ganforge.train("inpaint-faces", out=tmp_path / "a", overrides=TINY + ["steps=4"])
    ganforge.train("inpaint-faces", out=tmp_path / "b", overrides=TINY + ["steps=2"])
    resumed = ganforge.train(resume=tmp_path / "b", overrides=["steps=4"])
    a = load_file(str(latest_checkpoint(straight) / "weights.safetensors"))
    b = load_file(str(latest_checkpoint(resumed) / "weights.safetensors"))
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_sample_panel_shows_masked_input_output_and_target(tmp_path):
    from PIL import Image

    run = ganforge.train("inpaint-faces", out=tmp_path / "r", overrides=TINY + ["steps=2"])
    assert Image.open(run / "samples" / "step-00000002.png").size == (3 * 18 + 2, 4 * 18 + 2)
    with pytest.raises(ConfigError, match="ganforge inpaint"):
        ganforge.load(run).sample(2)
