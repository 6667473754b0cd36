"""Moving MNIST, the MoCoGAN family and the video metrics."""
import numpy as np
import pytest
import torch

from ganforge.data import load_dataset
from ganforge.data.video import CANVAS, DIGIT, STEP_LENGTH, render, trajectories
from ganforge.errors import ConfigError
from ganforge.metrics.mnist_net import load_pretrained
from ganforge.metrics.video import digit_windows, frames_of, identity_votes
from ganforge.nets import create_model
from ganforge.nets.mocogan import mocogan_z_dim
from ganforge.objectives.mocogan import random_frames


@pytest.mark.parametrize("size,digits", [(32, 1), (64, 2)])
def test_moving_mnist_shapes_and_seed(size, digits):
    ds = load_dataset("moving-mnist", size, digits=digits, frames=16, size=50, seed=3)
    assert ds.kind == "video" and ds.shape == (1, 16, size, size) and len(ds) == 50
    x, y = ds.get(torch.arange(8))
    assert x.shape == (8, 1, 16, size, size) and x.min() >= -1 and x.max() <= 1
    assert ds.num_classes == (10 if digits == 1 else 100) and y.max() < ds.num_classes
    again = load_dataset("moving-mnist", size, digits=digits, frames=16, size=50, seed=3)
    assert torch.equal(again.get(torch.arange(8))[0], x)
    other = load_dataset("moving-mnist", size, digits=digits, frames=16, size=50, seed=4)
    assert not torch.equal(other.get(torch.arange(8))[0], x)
    assert ds.info()["frames"] == 16 and ds.info()["num_digits"] == digits


def test_trajectories_bounce_inside_the_canvas():
    pos = trajectories(200, 40, np.random.default_rng(0))
    assert pos.min() >= 0 and pos.max() <= CANVAS - DIGIT
    step = np.abs(np.diff(pos.astype(float), axis=1)).max()
    assert step <= STEP_LENGTH * (CANVAS - DIGIT) + 1  # never faster than the documented speed
    flips = (np.diff(np.sign(np.diff(pos[..., 1].astype(float), axis=1)), axis=1) != 0).any(1)
    assert flips.mean() > 0.3  # many digits hit a wall within 40 frames and turn back


def test_render_pastes_by_maximum():
    digits = torch.zeros(1, 2, DIGIT, DIGIT, dtype=torch.uint8)
    digits[0, 0] = 100
    digits[0, 1, :, :4] = 200
    corners = torch.tensor([[[[0, 0], [0, 0]]]], dtype=torch.int16)  # both at the top-left corner
    frame = render(digits, corners)[0, 0]
    assert frame[0, 0] == 200 and frame[0, 10] == 100 and frame[DIGIT, DIGIT] == 0


def test_moving_mnist_rejects_bad_options():
    with pytest.raises(ConfigError, match="32 or 64"):
        load_dataset("moving-mnist", 48)
    with pytest.raises(ConfigError, match="digits"):
        load_dataset("moving-mnist", 32, digits=3)


def test_mocogan_content_is_fixed_and_motion_moves():
    torch.manual_seed(0)
    g = create_model("mocogan", "generator", z_dim=mocogan_z_dim(6, 8, 4), shape=(1, 6, 32, 32), content_dim=8,
                     motion_dim=4, width=8).eval()
    z = torch.randn(2, g.z_dim)
    video = g(z)
    assert video.shape == (2, 1, 6, 32, 32)
    assert not torch.allclose(video[:, :, 0], video[:, :, 1])  # frames differ: the motion code moves
    assert torch.equal(g(z), video)  # a latent fixes the clip
    codes = torch.cat([z[:, None, :8].expand(2, 6, 8), g.motion(z)], 2)
    assert torch.allclose(codes[:, 0, :8], codes[:, 5, :8]) and not torch.allclose(codes[:, 0, 8:], codes[:, 5, 8:])


def test_mocogan_names_the_z_dim_it_needs():
    with pytest.raises(ConfigError, match="z_dim=220"):
        create_model("mocogan", "generator", z_dim=100, shape=(1, 16, 32, 32))


def test_random_frames_pick_distinct_frames_of_each_clip():
    video = torch.arange(3 * 5, dtype=torch.float32).reshape(3, 1, 5, 1, 1).expand(3, 1, 5, 2, 2)
    frames, labels = random_frames(video, 3, torch.tensor([7, 8, 9]))
    assert frames.shape == (9, 1, 2, 2) and labels.tolist() == [7, 7, 7, 8, 8, 8, 9, 9, 9]
    values = frames[:, 0, 0, 0].reshape(3, 3)
    for clip in range(3):
        assert len(set(values[clip].tolist())) == 3 and all(clip * 5 <= v < clip * 5 + 5 for v in values[clip].tolist())


def test_digit_windows_find_the_bright_squares():
    frames = -torch.ones(1, 64, 64)
    frames[0, 5:33, 10:38] = 1
    frames[0, 30:58, 33:61] = 0.5
    corners = digit_windows(frames, 2, 28)
    assert corners[0, 0].tolist() == [5, 10] and corners[0, 1].tolist() == [30, 33]


@pytest.fixture(scope="module")
def real_clips():
    return load_dataset("moving-mnist", 64, digits=1, size=48, seed=5).get(torch.arange(48))[0]


def test_identity_consistency_perfect_flickering_and_collapsed(real_clips):
    net = load_pretrained()
    real = identity_votes(real_clips, net, 1)[:, 0].mean()
    # frames shuffled across clips: the digit changes from frame to frame
    frames = frames_of(real_clips)
    shuffled = frames[torch.randperm(len(frames), generator=torch.Generator().manual_seed(0))]
    flicker = shuffled.reshape(48, 16, 1, 64, 64).transpose(1, 2)
    flickering = identity_votes(flicker, net, 1)[:, 0].mean()
    frozen = real_clips[:, :, :1].expand_as(real_clips)  # one frame repeated: perfectly stable
    assert real > 0.85 and flickering < 0.45 and identity_votes(frozen, net, 1)[:, 0].min() == 1.0
    blank = -torch.ones(4, 1, 16, 64, 64)  # nothing to classify: neither stable nor confident
    assert identity_votes(blank, net, 1).max() == 0.0


def test_frames_extractor_gives_one_row_per_frame(real_clips):
    from ganforge.metrics import create_extractor

    ext = create_extractor("mnist-frames")
    feats, probs = ext.features_and_probs(real_clips[:3])
    assert feats.shape == (48, 128) and probs.shape == (48, 10)


def test_mocogan_z_dim_mismatch_refused_before_the_run_dir(tmp_path):
    import ganforge

    with pytest.raises(ConfigError, match=r"12 frames takes z_dim .* set z_dim=180"):
        ganforge.train("video-mnist", out=tmp_path / "run", overrides=["data_options.frames=12"])
    assert not (tmp_path / "run").exists()
    with pytest.raises(ConfigError, match="set z_dim=220"):  # the dataset's default: 16 frames
        ganforge.train("video-mnist", out=tmp_path / "run", overrides=["z_dim=100", "data_options={digits: 1}"])
    assert not (tmp_path / "run").exists()
