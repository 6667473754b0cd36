"""Running a generator for inference: one leaf helper every sampler shares."""
from __future__ import annotations

from typing import Optional

import torch

from ..console import bar


@torch.no_grad()
def generate(generator: torch.nn.Module, z: torch.Tensor, labels: Optional[torch.Tensor], batch_size: int = 256,
             progress: Optional[bool] = False, **kwargs):
    """Run ``generator`` in eval mode over ``z`` in chunks (``kwargs`` go to its forward, e.g.
    ``truncation``); restores its train/eval mode. ``progress``: a bar over the samples when
    there is more than one chunk (None: only on a terminal)."""
    was_training = generator.training
    generator.eval()
    n = z.shape[0]
    chunks = []
    try:
        with bar(n, "sampling", "sample", progress if n > batch_size else False) as shown:
            for i in range(0, n, batch_size):
                chunks.append(generator(z[i:i + batch_size], None if labels is None else labels[i:i + batch_size],
                                        **kwargs))
                shown.update(len(chunks[-1]))
    finally:
        generator.train(was_training)
    return torch.cat(chunks)
