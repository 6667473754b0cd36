"""The notes data, audio folders, WaveGAN nets and the audio metrics."""
import numpy as np
import pytest
import torch

from ganforge.data import load_dataset
from ganforge.data.audio import TIMBRES, scale_notes
from ganforge.errors import ConfigError, DataError
from ganforge.metrics.audio_modes import analyse, assign_modes, note_coverage
from ganforge.nets import create_model
from ganforge.nets.wavegan import phase_shuffle


def test_notes_shapes_labels_and_seed():
    ds = load_dataset("notes", size=40, seed=2)
    assert ds.kind == "audio" and ds.shape == (1, 16384) and ds.sample_rate == 16000
    assert ds.num_classes == 24 and ds.class_names[:3] == ("C4 sine", "C4 square", "C4 sawtooth")
    x, y = ds.get(torch.arange(40))
    assert x.shape == (40, 1, 16384) and x.abs().max() <= 0.9 + 1e-6 and y.max() < 24
    assert torch.equal(load_dataset("notes", size=40, seed=2).get(torch.arange(40))[0], x)
    assert not torch.equal(load_dataset("notes", size=40, seed=3).get(torch.arange(40))[0], x)
    assert x[:, :, :1].abs().max() < 1e-6  # silence before every onset


def test_scale_is_c_major_from_middle_c():
    notes = dict(scale_notes(8))
    assert list(notes) == ["C4", "D4", "E4", "F4", "G4", "A4", "B4", "C5"]
    assert notes["A4"] == pytest.approx(440.0) and notes["C5"] == pytest.approx(2 * notes["C4"])


def test_notes_rejects_bad_options():
    with pytest.raises(ConfigError, match="timbres"):
        load_dataset("notes", timbres="sine,flute")
    with pytest.raises(ConfigError, match="notes"):
        load_dataset("notes", notes=20)


@pytest.mark.parametrize("length", [4096, 16384])
def test_pitch_and_timbre_estimates_recover_the_labels(length):
    ds = load_dataset("notes", length=length, size=300, seed=1)
    x, y = ds.get(torch.arange(300))
    modes, good = assign_modes(analyse(x, ds.sample_rate), ds.notes, ds.timbres)
    assert good.all() and (modes == y.numpy()).all()


def test_note_coverage_perfect_collapsed_and_noise():
    ds = load_dataset("notes", length=4096, size=600, seed=1)
    x, _ = ds.get(torch.arange(600))
    perfect = note_coverage(analyse(x, 16000), ds.notes, ds.timbres)
    assert perfect["notes_covered"] == 24 and perfect["notes_high_quality"] == 1.0
    assert perfect["notes_reverse_kl"] < 0.05 and perfect["pitches_covered"] == 8 and perfect["timbres_covered"] == 3
    collapsed = note_coverage(analyse(x[:1].repeat(200, 1, 1), 16000), ds.notes, ds.timbres)
    assert collapsed["notes_covered"] == 1 and collapsed["notes_reverse_kl"] == pytest.approx(np.log(24))
    # white noise, whatever its draw: harmonic bands of equal width cover a tenth of its spectrum
    noise = analyse(0.3 * torch.randn(1000, 1, 4096, generator=torch.Generator().manual_seed(0)), 16000)
    assert noise[:, 1].max() < 0.3 and analyse(x, 16000)[:, 1].min() > 0.9
    noise_cover = note_coverage(noise, ds.notes, ds.timbres)
    assert noise_cover["notes_covered"] == 0 and noise_cover["notes_high_quality"] == 0
    t = torch.arange(4096) / 16000
    sines = lambda hz: 0.5 * torch.sin(2 * np.pi * torch.tensor(hz)[:, None] * t)[:, None]  # noqa: E731
    out_of_tune = sines([311.13, 466.16])  # D#4 and A#4: a semitone from the nearest scale notes
    assert note_coverage(analyse(out_of_tune, 16000), ds.notes, ds.timbres)["notes_high_quality"] == 0
    modes, good = assign_modes(analyse(sines([440.0, 261.63]), 16000), ds.notes, ds.timbres)
    assert good.all() and modes.tolist() == [5 * 3, 0]  # A4 sine, C4 sine


def test_wavegan_layout_at_16384_matches_the_paper():
    g = create_model("wavegan", "generator", z_dim=100, shape=(1, 16384), width=64)
    d = create_model("wavegan", "discriminator", shape=(1, 16384), width=64)
    assert g.dense.out_features == 16 * 1024 and len(d.convs) == 5 and d.head.in_features == 16 * 1024
    x = g(torch.randn(2, 100))
    assert x.shape == (2, 1, 16384) and x.abs().max() <= 1
    with pytest.raises(ConfigError, match="16 x 4"):
        create_model("wavegan", "generator", z_dim=100, shape=(1, 16000))


def test_phase_shuffle_shifts_with_reflection():
    x = torch.arange(10.0).reshape(1, 1, 10)
    torch.manual_seed(0)
    seen = {tuple(phase_shuffle(x, 2)[0, 0, :3].tolist()) for _ in range(50)}
    assert (2.0, 1.0, 0.0) in seen and (2.0, 3.0, 4.0) in seen  # right by 2 (reflected) and left by 2
    assert phase_shuffle(x, 0) is x
    d = create_model("wavegan", "discriminator", shape=(1, 1024), width=4).eval()
    y = torch.randn(3, 1, 1024)
    assert torch.equal(d(y).logits, d(y).logits)  # no shuffling outside training


def _write_wav(path, wave, rate):
    import soundfile

    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(path), wave, rate)


def test_audio_folder_resamples_slices_and_labels(tmp_path):
    t = np.arange(44100 * 2) / 44100
    _write_wav(tmp_path / "low" / "a.wav", 0.5 * np.sin(2 * np.pi * 220 * t), 44100)
    _write_wav(tmp_path / "high" / "b.wav", np.stack([0.5 * np.sin(2 * np.pi * 440 * t[:30000])] * 2, 1), 44100)
    (tmp_path / "high" / "broken.wav").write_bytes(b"RIFF0000WAVEjunk")
    ds = load_dataset(f"folder:{tmp_path}", length=4096)  # folder: with sound files reads them as audio
    assert ds.kind == "audio" and ds.class_names == ("high", "low") and ds.skipped == 1
    assert ds.shape == (1, 4096) and len(ds) == 3 + 8  # 30000 samples at 44.1 kHz -> 3 slices; 2 s -> 8
    pitch = analyse(ds.get(torch.arange(len(ds)))[0][:, :, :4096], 16000)[:, 0]
    assert np.allclose(pitch[:2], 440, rtol=0.01) and np.allclose(pitch[3:7], 220, rtol=0.01)
    first = load_dataset(f"audio:{tmp_path}", length=4096, first_slice=True)
    assert len(first) == 2
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="no sound files"):
        load_dataset(f"audio:{tmp_path / 'empty'}")


def test_audio_extractor_separates_notes():
    from ganforge.metrics import create_extractor

    ext = create_extractor("audio")
    ds = load_dataset("notes", length=4096, size=120, seed=2)
    x, y = ds.get(torch.arange(120))
    feats, probs = ext.features_and_probs(x)
    assert feats.shape == (120, 128) and probs.shape == (120, 24)
    assert (probs.argmax(1) == y).float().mean() > 0.9
