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
