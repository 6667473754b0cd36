"""Metrics during training: evaluate the EMA generator every ``eval_every`` steps, log the
results to ``metrics.jsonl`` and keep ``checkpoints/best`` by the chosen metric."""
from __future__ import annotations

import math
from typing import Any, Dict, Optional

import torch

from ..distributed import is_main
from ..errors import ConfigError
from ..files import write_text_atomic
from ..metrics import METRICS
from ..metrics.run_evaluator import RunEvaluator, is_better
from ..nets.generate import generate
from .checkpoint import NonFiniteState
from .hooks import Evaluated, Hook, Record, SaveBest, TrainingView

BEST = "best"


class EvalHook(Hook):
    """Runs the configured metrics on samples of the EMA generator (rank 0)."""

    name, state_key = "evaluation", "best"

    def __init__(self, evaluator: RunEvaluator, metric: str):
        self.evaluator, self.metric = evaluator, metric
        self.best_value: Optional[float] = None
        self.best_step: Optional[int] = None

    @classmethod
    def create(cls, view: TrainingView) -> "EvalHook":
        cfg = view.cfg
        evaluator = RunEvaluator(view.dataset, cfg.metrics, cfg.extractor, cfg.eval_n, device=view.device)
        metric = cfg.best_metric or METRICS.get(cfg.metrics[0]).keys[0]
        reported = [key for name in cfg.metrics for key in METRICS.get(name).keys]
        if metric not in reported:  # else checkpoints/best would silently never be written
            raise ConfigError(f"best_metric={metric} is not reported by metrics={','.join(cfg.metrics)}; "
                              f"choose one of: {', '.join(reported)} (or add its metric)")
        if is_main():
            evaluator.prepare()
        return cls(evaluator, metric)

    def busy(self, view: TrainingView) -> str:
        return "evaluating " + ",".join(view.cfg.metrics)

    def due(self, view: TrainingView, logs: Dict[str, Any]) -> bool:
        every = view.cfg.eval_every
        return is_main() and (view.last or (every > 0 and view.step % every == 0))

    def sample_fn(self, view: TrainingView):
        """Draws from a generator of its own so evaluation never moves the training RNG."""
        net, cfg, device = view.sampler, view.cfg, view.device
        g = torch.Generator().manual_seed(cfg.seed + 777)
        k = getattr(view.objective, "num_classes", 0)

        def draw(n: int) -> torch.Tensor:
            z = torch.randn(n, cfg.z_dim, generator=g).to(device)
            labels = torch.randint(k, (n,), generator=g).to(device) if k else None
            return generate(net, z, labels)

        return draw

    def run(self, view: TrainingView, logs: Optional[Dict[str, Any]] = None) -> Dict[str, float]:
        """Evaluate now, log the results, ask to keep the best checkpoint."""
        with torch.random.fork_rng(devices=[]):
            results = self.evaluator(self.sample_fn(view), progress=view.cfg.progress and is_main())
        value = results.get(self.metric)
        show = {self.metric: f"{value:.4g}"} if value is not None else {}
        view.request(Record({"eval": True, **results}, show=show))
        view.request(Evaluated(results, self.metric))
        if value is not None and math.isfinite(value) and is_better(self.metric, value, self.best_value):
            before = self.best_value, self.best_step
            self.best_value, self.best_step = value, view.step  # the best checkpoint's own state knows it is best
            try:
                view.request(SaveBest(self.metric, value))
            except NonFiniteState:  # a diverged state is never the best one; the rollback follows
                self.best_value, self.best_step = before
        return results

    def state_dict(self) -> Dict[str, Any]:
        return {"value": self.best_value, "step": self.best_step}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        self.best_value, self.best_step = state.get("value"), state.get("step")
