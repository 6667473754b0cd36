"""The augmentation T of consistency regularization (CR / bCR): flip + translation."""
import itertools

import torch
import torch.nn.functional as F

from ganforge.augment.consistency import flip_translate

from .conftest import gen


def studiogan_transform(x, flip, tx, ty):
    """One image (C, H, W) through StudioGAN src/utils/cr.py: random_flip then random_translation(x, 1/8),
    written out for a given flip and shift (grid index = i + t + max, reflect padding)."""
    _, h, w = x.shape
    mx, my = int(h / 8), int(w / 8)
    x = x.flip(2) if flip else x
    pad = F.pad(x[None], [my, my, mx, mx], mode="reflect")[0]
    rows = torch.arange(h) + tx + mx
    cols = torch.arange(w) + ty + my
    return pad[:, rows][:, :, cols]


def test_every_output_is_a_flip_and_shift_of_at_most_one_eighth():
    x = torch.rand(16, 2, 16, 16, generator=gen(1))
    y = flip_translate(x, generator=gen(2))
    seen = set()
    for img, out in zip(x, y):
        matches = [(f, tx, ty) for f, tx, ty in itertools.product((0, 1), range(-2, 3), range(-2, 3))
                   if torch.equal(out, studiogan_transform(img, f, tx, ty))]
        assert matches, "output is not a flip + shift of its input"
        seen.add(matches[0][0])
    assert seen == {0, 1}  # flips happen, and not always
    assert torch.equal(flip_translate(x, generator=gen(2)), y)  # reproducible from the generator
