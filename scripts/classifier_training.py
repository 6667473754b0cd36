"""The training loop shared by the scripts that train the shipped feature-extractor classifiers
(train_mnist_classifier.py, train_audio_classifier.py): cross-entropy, AdamW (weight decay 5e-4)
with a one-cycle learning-rate schedule, one shuffled pass over the training items per epoch, the
last epoch kept (no selection on held-out data)."""
from __future__ import annotations

import math
import time
from typing import Callable, Tuple

import torch
import torch.nn.functional as F
from torch import nn

Batch = Callable[[torch.Tensor], Tuple[torch.Tensor, torch.Tensor]]


def train_classifier(net: nn.Module, batch: Batch, n_train: int, epochs: int, batch_size: int, lr: float,
                     gen: torch.Generator, evaluate: Callable[[], str]) -> None:
    """Train ``net`` in place. ``batch(index)`` returns the (augmented) inputs and labels of the
    training items ``index``; ``evaluate()`` describes the held-out accuracy after each epoch.
    ``gen`` draws the epochs' orders (``batch`` may draw from it too), so a seed fixes the run."""
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=5e-4)
    steps = epochs * math.ceil(n_train / batch_size)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps)
    start = time.time()
    for epoch in range(epochs):
        net.train()
        order = torch.randperm(n_train, generator=gen)
        total = 0.0
        for i in range(0, n_train, batch_size):
            idx = order[i:i + batch_size]
            x, y = batch(idx)
            loss = F.cross_entropy(net(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch + 1:2d}/{epochs}  loss {total / n_train:.4f}  held-out acc {evaluate()}  "
              f"({time.time() - start:.0f}s)", flush=True)
