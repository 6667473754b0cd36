"""Running a generator for inference: one leaf helper every sampler shares."""
from __future__ import annotations

from typing import Optional

import torch


@torch.no_grad()
def generate(generator: torch.nn.Module, z: torch.Tensor, labels: Optional[torch.Tensor], batch_size: int = 256,
             **kwargs):
    """Run ``generator`` in eval mode over ``z`` in chunks (``kwargs`` go to its forward, e.g.
    ``truncation``); restores its train/eval mode."""
    was_training = generator.training
    generator.eval()
    try:
        chunks = [generator(z[i:i + batch_size], None if labels is None else labels[i:i + batch_size], **kwargs)
                  for i in range(0, z.shape[0], batch_size)]
    finally:
        generator.train(was_training)
    return torch.cat(chunks)
