"""Metrics during training: evaluate the EMA generator every ``eval_every`` steps, log the
results to ``metrics.jsonl`` and keep ``checkpoints/best`` by the chosen metric."""
from __future__ import annotations

import json
from typing import Any, Dict, Optional

import torch

from ..distributed import is_main
from ..metrics import METRICS
from ..metrics.run_evaluator import RunEvaluator, is_better
from ..nets.generate import generate

BEST = "best"


class EvalHook:
    def __init__(self, trainer, evaluator: RunEvaluator, metric: str):
        self.trainer, self.evaluator, self.metric = trainer, evaluator, metric
        self.best_value: Optional[float] = None
        self.best_step: Optional[int] = None

    @classmethod
    def create(cls, trainer) -> "EvalHook":
        cfg = trainer.cfg
        evaluator = RunEvaluator(trainer.dataset, cfg.metrics, cfg.extractor, cfg.eval_n, device=trainer.device)
        metric = cfg.best_metric or METRICS.get(cfg.metrics[0]).keys[0]
        if is_main():
            evaluator.prepare()
        return cls(trainer, evaluator, metric)

    def due(self, step: int, last: bool) -> bool:
        every = self.trainer.cfg.eval_every
        return is_main() and (last or (every > 0 and step % every == 0))

    def sample_fn(self):
        """Draws from a generator of its own so evaluation never moves the training RNG."""
        t = self.trainer
        net = t.ema.shadow if t.ema is not None else t.generator
        g = torch.Generator().manual_seed(t.cfg.seed + 777)
        k = getattr(t.objective, "num_classes", 0)

        def draw(n: int) -> torch.Tensor:
            z = torch.randn(n, t.cfg.z_dim, generator=g).to(t.device)
            labels = torch.randint(k, (n,), generator=g).to(t.device) if k else None
            return generate(net, z, labels)

        return draw

    def run(self, step: int, progress: Optional[bool] = None) -> Dict[str, float]:
        """Evaluate now, log the results, keep the best checkpoint; ``progress``: sample bars."""
        with torch.random.fork_rng(devices=[]):
            results = self.evaluator(self.sample_fn(), progress=progress)
        self.trainer.log.write({"step": step, "eval": True, **results})
        value = results.get(self.metric)
        if value is not None and is_better(self.metric, value, self.best_value):
            self.best_value, self.best_step = value, step
            self.save_best(step, value)
        return results

    def save_best(self, step: int, value: float) -> None:
        t = self.trainer
        target = t.run_dir / "checkpoints" / BEST
        with t.timer("checkpoints"):
            t.save_checkpoint_to(target)
        (t.run_dir / "best.json").write_text(json.dumps({"step": step, "metric": self.metric, "value": value}))

    def state_dict(self) -> Dict[str, Any]:
        return {"value": self.best_value, "step": self.best_step}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        self.best_value, self.best_step = state.get("value"), state.get("step")
