"""Hole masks: DeepFill v2's free-form strokes and boxes, seeded, shaped and sized as documented."""
import math

import pytest
import torch

from ganforge.data.masks import MASKS, REFERENCE_SIDE, _stroke, box_mask, draw_masks
from ganforge.errors import ConfigError


def g(seed=0):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("kind", ["freeform", "box", "both", "none"])
def test_masks_are_binary_seeded_and_shaped(kind):
    a = draw_masks(kind, 6, 32, 40, g(1))
    assert a.shape == (6, 1, 32, 40) and a.dtype == torch.float32
    assert set(a.unique().tolist()) <= {0.0, 1.0}
    assert torch.equal(a, draw_masks(kind, 6, 32, 40, g(1)))
    if kind != "none":
        assert not torch.equal(a, draw_masks(kind, 6, 32, 40, g(2)))
        assert (a.flatten(1).sum(1) > 0).all()


def test_training_masks_follow_the_global_rng():
    torch.manual_seed(5)
    a = draw_masks("both", 3, 16, 16)
    torch.manual_seed(5)
    assert torch.equal(a, draw_masks("both", 3, 16, 16))


def test_box_is_half_the_side_pulled_in_by_at_most_a_sixteenth():
    for seed in range(50):
        m = box_mask(64, 64, g(seed))[0]
        rows, cols = m.any(1).nonzero().flatten(), m.any(0).nonzero().flatten()
        h, w = len(rows), len(cols)
        assert 32 - 2 * 4 <= h <= 32 and 32 - 2 * 4 <= w <= 32
        assert m.sum() == h * w  # one solid rectangle


def test_strokes_follow_the_reference_constants():
    # brush_stroke_mask (JiahuiYu/generative_inpainting, inpaint_ops.py): 4..11 vertices after the
    # first, widths in [12, 40) at 256 px, segment lengths in [0, 2r] with r = sqrt(H^2 + W^2) / 8.
    r = math.sqrt(2 * REFERENCE_SIDE ** 2) / 8
    for seed in range(30):
        vertices, width = _stroke(REFERENCE_SIDE, REFERENCE_SIDE, g(seed))
        assert 5 <= len(vertices) <= 12 and 12 <= width < 40
        steps = (vertices[1:] - vertices[:-1]).norm(dim=1)
        assert (steps <= 2 * r + 2).all()  # + rounding to whole pixels
        assert (vertices >= 0).all() and (vertices <= REFERENCE_SIDE).all()


def test_hole_fractions_are_moderate():
    free, boxes, both = (draw_masks(k, 200, 32, 32, g(0)).mean().item() for k in ("freeform", "box", "both"))
    assert 0.03 < free < 0.3 and 0.12 < boxes < 0.25 and max(free, boxes) < both < free + boxes


def test_unknown_kind_lists_choices():
    with pytest.raises(ConfigError, match="freeform"):
        draw_masks("stars", 1, 8, 8)
    assert MASKS.names() == ["both", "box", "freeform", "none"]
