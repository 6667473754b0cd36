"""The FIR resampler's two paths compute the same thing: the banded-matrix products on the CPU
and the depthwise convolutions transcribed from the reference (``_upfirdn2d_ref`` of
NVlabs/stylegan2-ada-pytorch, torch_utils/ops/upfirdn2d.py)."""
import itertools

import pytest
import torch

from ganforge import fir
from ganforge.fir import downsample2d, setup_filter, upfirdn2d, upsample2d

CASES = list(itertools.product([1, 2], [1, 2], [0, 3, -2, (2, -3, 5, 1)], [False, True]))


def _both(monkeypatch, fn):
    matrix = fn()
    monkeypatch.setattr(fir, "MATRIX_MAX_LENGTH", 0)  # force the convolution path
    conv = fn()
    monkeypatch.setattr(fir, "MATRIX_MAX_LENGTH", 512)
    return matrix, conv


@pytest.mark.parametrize("up,down,padding,flip", CASES)
def test_matrix_path_equals_the_reference_convolutions(monkeypatch, up, down, padding, flip):
    torch.manual_seed(0)
    f = setup_filter(torch.rand(6).tolist()).double()
    x = torch.randn(2, 3, 11, 14, dtype=torch.float64)
    matrix, conv = _both(monkeypatch, lambda: upfirdn2d(x, f, up, down, padding, flip, gain=4.0))
    assert matrix.shape == conv.shape
    assert torch.allclose(matrix, conv, atol=1e-12)


def test_matrix_path_gradients_match_to_second_order(monkeypatch):
    """R1 through ADA's warp and R3GAN's D differentiates the resampler twice."""
    torch.manual_seed(1)
    f = setup_filter([1, 3, 3, 1]).double()

    def grads():
        x = torch.randn(2, 2, 8, 8, dtype=torch.float64, generator=torch.Generator().manual_seed(2),
                        requires_grad=True)
        y = downsample2d(upsample2d(x, f).sin(), f).square().sum()
        (g,) = torch.autograd.grad(y, x, create_graph=True)
        (gg,) = torch.autograd.grad(g.square().sum(), x)
        return torch.cat([g.flatten(), gg.flatten()])

    matrix, conv = _both(monkeypatch, grads)
    assert torch.allclose(matrix, conv, atol=1e-10)


def test_long_axes_and_other_devices_take_the_convolutions(monkeypatch):
    calls = []
    real = fir.pass_matrix
    monkeypatch.setattr(fir, "pass_matrix", lambda *a: calls.append(a) or real(*a))
    f = setup_filter([1, 2, 1])
    upsample2d(torch.randn(1, 1, 8, 8), f)
    assert len(calls) == 2  # one matrix per axis
    upsample2d(torch.randn(1, 1, 4, fir.MATRIX_MAX_LENGTH), f)
    assert len(calls) == 2
