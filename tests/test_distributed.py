"""Distributed training: real torchrun runs on CPU (gloo) and DDP-vs-single-process equivalence."""
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.multiprocessing as mp
from safetensors.torch import load_file
from torch import nn

from ganforge import distributed as dist
from ganforge.config import resolve_config
from ganforge.objectives import OBJECTIVES, Objective
from ganforge.train.checkpoint import latest_checkpoint
from ganforge.train.rundir import prepare_new
from ganforge.train.trainer import Trainer

RING8 = ["steps=20", "lr_schedule=constant", "batch_size=32", "generator.width=16", "discriminator.width=16", "log_every=5",
         "sample_every=1000", "checkpoint_every=10", "progress=false", "metrics=[]"]


def torchrun(*args):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
           "-m", "ganforge", "train", *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)


def weights(run):
    return load_file(str(latest_checkpoint(run) / "weights.safetensors"))


def test_torchrun_two_ranks_stay_in_sync_and_resume_exactly(tmp_path):
    full = torchrun("ring8", "--out", str(tmp_path / "full"), *RING8)
    assert full.returncode == 0, full.stderr[-2000:]  # a rank drifting apart fails the checkpoint check
    assert full.stdout.count("run saved to") == 1  # only rank 0 writes the run's files and summary
    part = torchrun("ring8", "--out", str(tmp_path / "part"), *RING8, "steps=10")
    assert part.returncode == 0, part.stderr[-2000:]
    resumed = torchrun("--resume", str(tmp_path / "part"), "steps=20")
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    a, b = weights(tmp_path / "full"), weights(tmp_path / "part")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


# --- equivalence: world size 2 with batch b == one process with batch 2b ----------------------

class _MLP(nn.Sequential):
    def forward(self, x, y=None):  # the generator interface takes optional labels
        return super().forward(x)


@OBJECTIVES.register("test-deterministic")
class DeterministicObjective(Objective):
    """A noise-free adversarial game (G maps data points), so batches alone decide the gradients."""

    def __init__(self, cfg, data_info):
        super().__init__()
        torch.manual_seed(0)
        self.generator = _MLP(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 2))
        self.discriminator = _MLP(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1))

    def d_step(self, real, labels, ctx):
        fake = self.generator(real).detach()
        loss = nn.functional.softplus(-self.discriminator(real)).mean() + nn.functional.softplus(self.discriminator(fake)).mean()
        return loss, {}

    def g_step(self, real, labels, ctx):
        return nn.functional.softplus(-self.discriminator(self.generator(real))).mean(), {}

    def d_parameters(self):
        return self.discriminator.parameters()

    def g_parameters(self):
        return self.generator.parameters()


def deterministic_cfg(batch_size):
    return resolve_config("ring8", [f"batch_size={batch_size}", "objective.name=test-deterministic", "steps=5",
                                    "ema=0", "monitor=false", "metrics=[]", "log_every=100", "sample_every=100",
                                    "checkpoint_every=100", "progress=false", "z_dim=2"])


def _worker(rank, port, out):
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank), WORLD_SIZE="2",
                      LOCAL_RANK=str(rank))
    torch.set_num_threads(1)
    dist.setup("cpu")
    try:
        cfg = deterministic_cfg(16)
        run = Path(out) / "ddp"
        if dist.is_main():
            prepare_new(run, cfg)
        dist.barrier()
        trainer = Trainer(cfg, run)
        trainer.fit()
        torch.save(trainer.objective.state_dict(), Path(out) / f"rank{rank}.pt")
    finally:
        dist.teardown()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not torch.distributed.is_gloo_available(), reason="needs the gloo backend")
def test_two_ranks_of_batch_b_match_one_process_of_batch_2b(tmp_path):
    mp.spawn(_worker, args=(free_port(), str(tmp_path)), nprocs=2, join=True)
    r0 = torch.load(tmp_path / "rank0.pt", weights_only=True)
    r1 = torch.load(tmp_path / "rank1.pt", weights_only=True)
    cfg = deterministic_cfg(32)
    prepare_new(tmp_path / "single", cfg)
    single = Trainer(cfg, tmp_path / "single")
    single.fit()
    ref = single.objective.state_dict()
    for key in ref:
        assert torch.equal(r0[key], r1[key]), key
        assert torch.allclose(r0[key], ref[key], atol=1e-5), key
