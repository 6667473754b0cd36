"""Users' own networks: nn.Module classes and instances through ganforge.train, and nets an
installed package registers through the ``ganforge.nets`` entry-point group (the CLI reopens,
samples and exports such runs)."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch
from torch import nn

import ganforge
from ganforge.nets import DOutput, create_model

RING = ["steps=6", "batch_size=32", "progress=false", "report=false", "log_every=3", "sample_every=6",
        "checkpoint_every=3", "num_samples=16", "monitor=false"]


class PointG(nn.Module):
    """Latents to 2-D points. ``hidden``: hidden units."""

    def __init__(self, z_dim: int, shape, num_classes: int = 0, hidden: int = 16):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(z_dim, hidden), nn.ReLU(), nn.Linear(hidden, shape[0]))

    def forward(self, z, y=None):
        return self.net(z)


class PointD(nn.Module):
    """Points to realness logits, returned as a plain (N, 1) tensor. ``hidden``: hidden units."""

    def __init__(self, shape, num_classes: int = 0, hidden: int = 16):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(shape[0], hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, 1))

    def forward(self, x, y=None):
        return self.net(x)


def test_classes_train_through_the_api_and_export(tmp_path):
    run = ganforge.train("ring8", out=tmp_path / "run", generator=PointG, discriminator=PointD,
                         overrides=RING + ["generator.hidden=8"])
    gen = ganforge.load(run)
    assert gen.family.endswith(":PointG") and gen.net.net[0].out_features == 8
    out = ganforge.export(run, tmp_path / "model")
    assert torch.equal(ganforge.from_pretrained(out).sample(40, seed=3), gen.sample(40, seed=3))


def test_instances_are_copied_and_a_plain_tensor_from_d_is_wrapped(tmp_path):
    g, d = PointG(2, (2,), hidden=12), PointD((2,))
    before = {k: v.clone() for k, v in g.state_dict().items()}
    run = ganforge.train("ring8", out=tmp_path / "run", generator=g, discriminator=d, overrides=RING)
    assert all(torch.equal(v, before[k]) for k, v in g.state_dict().items())  # the user's object is untouched
    trained = ganforge.load(run).net
    assert isinstance(trained, PointG) and trained is not g
    built = create_model(ganforge.load(run).cfg.discriminator.name, "discriminator", shape=(2,), num_classes=0)
    out = built(torch.randn(5, 2))
    assert isinstance(out, DOutput) and out.logits.shape == (5,)


def test_a_contract_mismatch_is_one_line_before_the_run_exists(tmp_path):
    class Flat(PointG):
        def forward(self, z, y=None):
            return self.net(z)[:, :1]

    class Pair(PointD):
        def forward(self, x, y=None):
            return self.net(x), self.net(x)

    with pytest.raises(ganforge.ConfigError, match=r"returned \(2, 1\) for z \(2, 2\); it must return \(N, 2\)"):
        ganforge.train("ring8", out=tmp_path / "a", generator=Flat, overrides=RING)
    with pytest.raises(ganforge.ConfigError, match="returned tuple; return realness logits"):
        ganforge.train("ring8", out=tmp_path / "b", discriminator=Pair, overrides=RING)
    with pytest.raises(ganforge.ConfigError, match="nn.Module subclass or an nn.Module instance"):
        ganforge.train("ring8", out=tmp_path / "c", generator=lambda z: z, overrides=RING)
    assert not any((tmp_path / n).exists() for n in "abc")


PLUGIN = '''
"""A package's own nets, registered when ganforge loads the ganforge.nets entry points."""
from torch import nn

from ganforge.nets import register_model


@register_model("plugmlp", role="generator")
class PlugG(nn.Module):
    """``hidden``: hidden units."""

    def __init__(self, z_dim: int = 2, shape=(2,), num_classes: int = 0, hidden: int = 16):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(z_dim, hidden), nn.ReLU(), nn.Linear(hidden, shape[0]))

    def forward(self, z, y=None):
        return self.net(z)


@register_model("plugmlp", role="discriminator")
class PlugD(nn.Module):
    def __init__(self, shape=(2,), num_classes: int = 0):
        super().__init__()
        self.net = nn.Linear(shape[0], 1)

    def forward(self, x, y=None):
        return self.net(x)
'''


def fake_dist(site: Path, name: str, entry_points: str, module: str = "") -> None:
    """A distribution as pip installs it (a package and its .dist-info), on a folder put on PYTHONPATH."""
    if module:
        (site / name).mkdir(parents=True)
        (site / name / "__init__.py").write_text(textwrap.dedent(module))
    info = site / f"{name}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[ganforge.nets]\n{entry_points}\n")


def ganforge_cli(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
           "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "ganforge", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)


def test_entry_point_nets_train_sample_and_export_from_the_cli(tmp_path):
    site = tmp_path / "site"
    fake_dist(site, "plugnets", "mlp = plugnets", PLUGIN)
    steps = [a for a in RING if not a.startswith("report")]
    trained = ganforge_cli(site, tmp_path, "train", "ring8", "generator=plugmlp", "discriminator=plugmlp",
                           "generator.hidden=8", *steps, "report=false", "--out", "run")
    assert trained.returncode == 0, trained.stderr[-2000:]
    sampled = ganforge_cli(site, tmp_path, "sample", "run", "-n", "10", "--out", "points.npy")
    assert sampled.returncode == 0 and (tmp_path / "points.npy").exists(), sampled.stderr[-2000:]
    exported = ganforge_cli(site, tmp_path, "export", "run", "--out", "model")
    assert exported.returncode == 0, exported.stderr[-2000:]
    again = ganforge_cli(site, tmp_path, "sample", "model", "-n", "10", "--out", "again.npy")
    assert again.returncode == 0, again.stderr[-2000:]
    import numpy as np

    assert np.array_equal(np.load(tmp_path / "points.npy"), np.load(tmp_path / "again.npy"))
    without = subprocess.run([sys.executable, "-m", "ganforge", "sample", "run", "-n", "2", "--out", "x.npy"],
                             cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert without.returncode == 2 and "unknown generator 'plugmlp'" in without.stderr


def test_a_broken_plugin_is_one_note_and_ganforge_still_works(tmp_path):
    site = tmp_path / "site"
    fake_dist(site, "brokennets", "broken = brokennets", "raise RuntimeError('no GPU here')\n")
    result = ganforge_cli(site, tmp_path, "options", "ring8")
    assert result.returncode == 0, result.stderr[-2000:]
    notes = [line for line in result.stderr.splitlines() if line.strip()]
    assert notes == ["ganforge: note: nets plugin 'broken' (brokennets) did not load: RuntimeError: no GPU here; "
                     "its nets are unavailable"]
