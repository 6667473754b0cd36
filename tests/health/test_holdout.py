"""The held-out split: small, deterministic, never trained on, and kept in checkpoints."""
import torch

from ganforge.config import resolve_config
from ganforge.data.dataset import BatchStream, Dataset, holdout_size, split_holdout
from ganforge.train import checkpoint as ckpt
from ganforge.train.rundir import prepare_new
from ganforge.train.trainer import Trainer


def test_holdout_size_is_small():
    assert [holdout_size(n) for n in (30, 100, 1797, 5000, 100_000)] == [3, 10, 90, 250, 256]


def test_split_is_deterministic_disjoint_and_independent_of_the_run_seed():
    train, held = split_holdout(5000, 250)
    again_train, again_held = split_holdout(5000, 250)
    assert torch.equal(held, again_held) and torch.equal(train, again_train)
    assert len(held) == 250 and len(train) == 4750
    assert set(held.tolist()).isdisjoint(train.tolist()) and sorted(held.tolist() + train.tolist()) == list(range(5000))
    assert torch.equal(held, held.sort().values)
    torch.manual_seed(123)  # the global RNG plays no part
    assert torch.equal(split_holdout(5000, 250)[1], held)


def _rows(stream, batches):
    seen = []
    for _ in range(batches):
        x, _ = stream.next()
        seen += x[:, 0].long().tolist()
    return seen


def test_stream_skips_held_out_rows_and_is_unchanged_without_them():
    data = Dataset("ids", torch.arange(100, dtype=torch.float32).unsqueeze(1))
    train, held = split_holdout(100, 10)
    seen = _rows(BatchStream(data, 8, seed=3, index=train), 40)
    assert set(seen).isdisjoint(held.tolist()) and set(seen) == set(train.tolist())
    # every row given explicitly streams exactly like no index at all
    assert _rows(BatchStream(data, 8, seed=3), 30) == _rows(BatchStream(data, 8, seed=3, index=torch.arange(100)), 30)


def make_trainer(path, overrides):
    cfg = resolve_config("dcgan-mnist", overrides)
    prepare_new(path, cfg)
    return Trainer(cfg, path)


def test_trainer_holds_out_auto_split_and_checkpoints_it(tmp_path, tiny_mnist):
    trainer = make_trainer(tmp_path / "run", tiny_mnist + ["metrics=[]"])
    n = len(trainer.dataset)
    assert torch.equal(trainer.holdout, split_holdout(n, holdout_size(n))[1])
    assert set(trainer.stream.index.tolist()).isdisjoint(trainer.holdout.tolist())
    trainer.fit()
    state = ckpt.read_state(ckpt.latest_checkpoint(trainer.run_dir))
    assert state["holdout"] == trainer.holdout.tolist()
    resumed = make_trainer(tmp_path / "other", tiny_mnist + ["metrics=[]", "holdout=7"])
    resumed.load_checkpoint(ckpt.latest_checkpoint(trainer.run_dir))
    assert resumed.holdout.tolist() == state["holdout"]  # the checkpoint's split wins
    assert len(resumed.stream.index) == n - len(state["holdout"])


def test_checkpoints_from_before_the_split_keep_training_on_every_row(tmp_path, tiny_mnist):
    trainer = make_trainer(tmp_path / "run", tiny_mnist + ["metrics=[]"])
    trainer.fit()
    path = ckpt.latest_checkpoint(trainer.run_dir)
    state = ckpt.read_state(path)
    del state["holdout"]
    torch.save(state, path / ckpt.STATE)
    (path / ckpt.MANIFEST).unlink()  # checkpoints of that age had no manifest either
    resumed = make_trainer(tmp_path / "other", tiny_mnist + ["metrics=[]"])
    resumed.load_checkpoint(path)
    assert len(resumed.holdout) == 0 and resumed.stream.index is None


def test_no_split_when_off_or_when_d_cannot_judge_lone_samples(tmp_path, tiny_mnist):
    assert len(make_trainer(tmp_path / "a", tiny_mnist + ["holdout=0"]).holdout) == 0
    assert len(make_trainer(tmp_path / "b", tiny_mnist + ["monitor=false"]).holdout) == 0
    assert make_trainer(tmp_path / "c", tiny_mnist + ["holdout=12"]).holdout.numel() == 12
