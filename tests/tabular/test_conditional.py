"""Conditional vectors and training-by-sampling."""
import numpy as np
import pytest
import torch

from ganforge.tabular.conditional import ConditionSampler


def test_row_weights_give_log_frequency_per_value():
    # One discrete column, 90 rows of value 0 and 10 of value 1.
    sampler = ConditionSampler([[90, 10]])
    codes = np.array([[0]] * 90 + [[1]] * 10)
    w = sampler.row_weights(codes)
    share_1 = w[codes[:, 0] == 1].sum() / w.sum()
    assert share_1 == pytest.approx(np.log1p(10) / (np.log1p(90) + np.log1p(10)))


def test_column_choice_follows_the_posterior():
    # Two columns; a row holding a rare value of column 1 should mostly be conditioned on it.
    sampler = ConditionSampler([[50, 50], [99, 1]])
    codes = torch.tensor([[0, 1]] * 2000)
    cond, column, value = sampler.from_rows(codes, torch.Generator().manual_seed(0))
    q0 = np.log1p(50) / (2 * np.log1p(50)) / 50
    q1 = np.log1p(1) / (np.log1p(99) + np.log1p(1)) / 1
    assert (column == 1).float().mean().item() == pytest.approx(q1 / (q0 + q1), abs=0.03)
    assert cond.shape == (2000, 4)
    assert (cond.sum(1) == 1).all()
    picked = cond.argmax(1)
    expected = torch.where(column == 0, value, 2 + value)
    assert (picked == expected).all()


def test_original_frequencies_and_fixed_vectors():
    sampler = ConditionSampler([[80, 20]])
    cond = sampler.sample_original(5000, torch.Generator().manual_seed(0))
    assert cond[:, 1].mean().item() == pytest.approx(0.2, abs=0.02)
    fixed = sampler.fixed(0, 1, 3)
    assert fixed.tolist() == [[0.0, 1.0]] * 3


def test_column_choice_is_each_rows_own_posterior_over_three_columns():
    # Rows holding different values: each row's column shares follow its own P(c | row).
    counts = [[60, 30, 10], [5, 95], [40, 40, 20]]
    sampler = ConditionSampler(counts)
    rows = [[0, 1, 2], [2, 0, 1], [1, 1, 0]]
    codes = torch.tensor(rows * 4000)
    _, column, value = sampler.from_rows(codes, torch.Generator().manual_seed(1))
    assert (value == codes.gather(1, column[:, None]).squeeze(1)).all()
    for r, row in enumerate(rows):
        weight = np.array([np.log1p(counts[c][v]) / np.log1p(counts[c]).sum() / counts[c][v] for c, v in enumerate(row)])
        share = np.bincount(column[r::3].numpy(), minlength=3) / 4000
        assert share == pytest.approx(weight / weight.sum(), abs=0.025)


def test_target_share_sets_the_column_marginal_and_keeps_log_frequency_within_it():
    # Over rows drawn by their weights and columns drawn from P(c | row), the column marginal is
    # column_probs and, within a column, values keep CTGAN's log-frequency.
    from ganforge.tabular.conditional import target_column_probs

    rng = np.random.default_rng(0)
    codes = np.stack([rng.choice(2, 400, p=[0.7, 0.3]), rng.choice(3, 400, p=[0.5, 0.25, 0.25]),
                      rng.choice(2, 400, p=[0.9, 0.1])], axis=1)
    counts = [np.bincount(codes[:, c]).tolist() for c in range(3)]
    probs = target_column_probs(["a", "y", "b"], "y", 0.5)
    assert probs == [0.25, 0.5, 0.25]
    sampler = ConditionSampler(counts, probs)
    w = sampler.row_weights(codes)
    scores = sampler._weight.numpy()[np.arange(3)[None, :], codes]  # P(c | row) up to the row's sum
    joint = (w / w.sum())[:, None] * scores / scores.sum(1, keepdims=True)  # P(row, c)
    assert joint.sum(0) == pytest.approx(probs)
    for c, cnt in enumerate(counts):
        share = np.bincount(codes[:, c], weights=joint[:, c], minlength=len(cnt)) / joint[:, c].sum()
        assert share == pytest.approx(np.log1p(cnt) / np.log1p(cnt).sum())


def test_target_share_needs_a_discrete_target_and_another_column():
    from ganforge.tabular.conditional import target_column_probs

    assert target_column_probs(["a", "b"], None, 0.5) is None  # no target
    assert target_column_probs(["a", "b"], "price", 0.5) is None  # a numeric target
    assert target_column_probs(["y"], "y", 0.5) is None  # the target is the only discrete column
    assert target_column_probs(["a", "y"], "y", None) is None  # no share: uniform (CTGAN)
    assert ConditionSampler([[5, 5], [3, 7]], None)._weight.tolist() == ConditionSampler([[5, 5], [3, 7]])._weight.tolist()


def test_target_share_reaches_the_batches_and_the_saved_transformer(tmp_path):
    # data_options.target_share: the real rows' conditions land on the target about that often,
    # and the share travels in the transformer's JSON (a loaded run samples the same way).
    from ganforge.config import resolve_config
    from ganforge.tabular.transformer import TableTransformer
    from ganforge.train.trainer import Trainer

    from .conftest import SMOKE

    shares = {}
    for share in (None, 0.6):
        extra = [] if share is None else [f"data_options.target_share={share}"]
        tr = Trainer(resolve_config("tabular", SMOKE + ["data_options.target=species", *extra]), tmp_path / str(share))
        obj = tr.objective
        target = [b.spec.name for b in obj.transformer.discrete_blocks].index("species")
        torch.manual_seed(0)
        picked = [obj.condition(tr._batch()[1])[1] for _ in range(20)]
        shares[share] = float((torch.cat(picked) == target).float().mean())
        assert TableTransformer.from_json(obj.transformer.to_json()).target_share == share
    columns = len(obj.transformer.discrete_blocks)
    assert shares[None] == pytest.approx(1 / columns, abs=0.05)
    assert shares[0.6] == pytest.approx(0.6, abs=0.05)


@pytest.mark.parametrize("bad", ["0", "1", "1.5", "-0.2"])
def test_target_share_outside_zero_one_is_one_line(tmp_path, bad):
    from ganforge.config import resolve_config
    from ganforge.errors import ConfigError
    from ganforge.train.trainer import Trainer

    from .conftest import SMOKE

    with pytest.raises(ConfigError, match="data_options.target_share"):
        Trainer(resolve_config("tabular", SMOKE + ["data_options.target=species", f"data_options.target_share={bad}"]),
                tmp_path)
