"""The training loop. It knows nothing about images, tables or translation: an objective
computes the losses; the Trainer owns optimizers, update balance, EMA, precision, devices,
RNG, logging, sampling, checkpoints and interruption."""
from __future__ import annotations

import json
import signal
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import torch

from ..config import TrainConfig
from ..console import bar as progress_bar
from ..console import phase
from ..data import BatchStream, load_dataset
from ..distributed import (any_rank, average_gradients, barrier, broadcast_buffers, gather_to_main, is_main,
                           local_device, rank, ranks_agree, world_size)
from ..errors import RunError
from ..files import write_text_atomic
from ..objectives import StepContext, build_objective
from ..schedules import schedule_factor
from . import checkpoint as ckpt
from .devices import pick_device
from .ema import EMA
from .eval_hook import BEST, EvalHook
from .finite import diverged_networks, lower_lr_advice, nonfinite_state, nonfinite_tensors
from .guard import TrainingDiverged, choose_holdout
from .hooks import (Diverged, Evaluated, Hook, Record, RollBack, RolledBack, SaveBest, SaveCheckpoint, ScaleLR,
                    Stop, TrainingView)
from .hooks_builtin import CheckpointHook, HealthHook, SampleHook
from .rng import rng_state, seed_everything, set_rng_state
from .rundir import METRICS, write_data_info
from .runlog import MetricsLog
from .sampling import FixedBatch
from .speed import compile_in_place, lazy_betas, lazy_ratio, make_adam, to_channels_last
from .timing import PhaseTimer
from .transfer import init_from


def lr_factor(cfg: TrainConfig, step: int) -> float:
    """Learning-rate multiplier: 1, or a linear / cosine decay to ``lr_final`` between the fractions
    ``lr_decay_start`` and ``lr_decay_end`` of the steps."""
    return schedule_factor(cfg.lr_schedule, step / max(cfg.steps, 1), cfg.lr_decay_start, cfg.lr_decay_end,
                           cfg.lr_final)


class TrainingInterrupted(Exception):
    """Raised after SIGINT/SIGTERM once the checkpoint of the current step is on disk."""

    def __init__(self, run_dir: Path, step: int):
        super().__init__(f"interrupted at step {step}; checkpoint saved; continue with: ganforge train --resume {run_dir}")
        self.run_dir, self.step = run_dir, step


class TrainingAborted(KeyboardInterrupt):
    """A second SIGINT/SIGTERM: stop at once; a checkpoint being written is rolled back."""

    def __init__(self, run_dir: Path, step: int):
        super().__init__(f"stopped at step {step} without saving it; continue from the last checkpoint with: "
                         f"ganforge train --resume {run_dir}")
        self.run_dir, self.step = run_dir, step


class Trainer:
    def __init__(self, cfg: TrainConfig, run_dir: Path, timer: Optional[PhaseTimer] = None, hooks: Sequence[Hook] = ()):
        """``hooks``: more :class:`Hook` s, run after the built-in ones and before the checkpoint."""
        self.cfg, self.run_dir = cfg, Path(run_dir)
        self.timer = timer if timer is not None else PhaseTimer()  # where the time goes (timing.json)
        seed_everything(cfg.seed)  # same on every rank: identical initial weights
        self.device = local_device(pick_device(cfg.device))
        with self.timer("data cache"):
            self.dataset = load_dataset(cfg.data, cfg.image_size, **cfg.data_options)
        self.objective = build_objective(cfg, self.dataset.info())
        if cfg.init_from:  # before optimizers and the EMA copy; a resume then overwrites it all
            init_from(self.objective, cfg.init_from)
        self.objective = self.objective.to(self.device)
        self.generator = self.objective.generator
        lazy = self.objective.lazy_intervals(0.0)  # penalties taken as their own step every k steps
        fused = getattr(self.objective, "fused_adam", False)  # small nets on CPU: per-tensor overhead dominates
        self.opt_g = make_adam(self.objective.g_parameters(), cfg.lr_g, cfg.betas, self.device, lazy.get("g", 1), fused)
        self.opt_d = make_adam(self.objective.d_parameters(), cfg.lr_d, cfg.betas, self.device, lazy.get("d", 1), fused)
        # what each optimizer updates, listed once (the objective's lists are fixed once built)
        self._d_params = [p for group in self.opt_d.param_groups for p in group["params"]]
        self._g_params = [p for group in self.opt_g.param_groups for p in group["params"]]
        self.channels_last = cfg.channels_last and self.dataset.kind == "image"
        if self.channels_last:
            to_channels_last(self.objective)
        self.ema = EMA(self.generator, cfg.ema, cfg.ema_start, cfg.ema_rampup) if cfg.ema > 0 else None
        if cfg.compile:  # after the EMA copy, which stays eager (it only samples)
            for name, child in self.objective.named_children():
                if not isinstance(child, torch.nn.ModuleDict):  # the loss terms have no forward of their own
                    compile_in_place(child, name)
        self.holdout = choose_holdout(cfg, self.dataset, self.objective, self.device)
        self.stream = BatchStream(self.dataset, cfg.batch_size, cfg.seed, rank(), world_size(),
                                  index=self._train_rows())
        self.amp_dtype = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(cfg.amp) if self.device.type == "cuda" else None
        self.scaler_d = torch.amp.GradScaler("cuda", enabled=self.amp_dtype == torch.float16)
        self.scaler_g = torch.amp.GradScaler("cuda", enabled=self.amp_dtype == torch.float16)
        self.fixed = FixedBatch.create(cfg, self.dataset, self.objective, self.device)
        self.log = MetricsLog(self.run_dir / METRICS, tensorboard=cfg.tensorboard)
        self.step, self.d_steps = 0, 0
        self.lr_scale = 1.0  # lowered by divergence rollbacks
        self._signalled, self._stop_reason = False, None  # nothing is written until fit()
        self.view = TrainingView(self)  # all that hooks see of the Trainer
        with self.timer("data cache"):  # real-data features for the metrics, cached on disk
            self.eval_hook = EvalHook.create(self.view) if cfg.metrics else None
        self.health = HealthHook(self.view) if cfg.monitor else None
        # Run after every step in this order: roll back before anything samples a diverged G.
        self.hooks: List[Hook] = [h for h in (self.health, SampleHook(), self.eval_hook, *hooks, CheckpointHook()) if h]
        self._post: Dict[str, str] = {}  # the latest losses and best-metric value, shown beside the bar
        self._bar, self._rollbacks = None, 0  # the progress bar exists while fit() runs
        if world_size() > 1:
            seed_everything(cfg.seed + 1_000_003 * rank())  # different latents per rank from here on

    # -- state ----------------------------------------------------------------------------
    def _train_rows(self) -> Optional[torch.Tensor]:
        """Rows the stream trains on: all (None) unless some are held out."""
        if not len(self.holdout):
            return None
        keep = torch.ones(len(self.dataset), dtype=torch.bool)
        keep[self.holdout] = False
        return keep.nonzero().flatten()

    def train_index(self) -> torch.Tensor:
        rows = self._train_rows()
        return torch.arange(len(self.dataset)) if rows is None else rows

    def modules(self) -> Dict[str, torch.nn.Module]:
        mods = {"objective": self.objective}
        if self.ema is not None:
            mods["G_ema"] = self.ema.shadow
        return mods

    def save_checkpoint(self) -> Path:
        """Collective: every rank's RNG state goes in; rank 0 writes; all wait for the file."""
        if not ranks_agree(self.objective):
            raise RuntimeError(f"ranks hold different weights at step {self.step}; distributed training is out of sync")
        rngs = gather_to_main(rng_state())
        path = ckpt.checkpoint_path(self.run_dir, self.step)
        if is_main():
            with self.timer("checkpoints"):
                self.save_checkpoint_to(path, rngs)
                ckpt.prune_checkpoints(self.run_dir, self.cfg.keep_checkpoints)
        barrier()
        return path

    def checkpoint_state(self, rng_states=None) -> Dict:
        rng_states = rng_states or [rng_state()]
        state = {"step": self.step, "d_steps": self.d_steps, "lr_scale": self.lr_scale, "opt_g": self.opt_g.state_dict(),
                 "opt_d": self.opt_d.state_dict(), "scaler_g": self.scaler_g.state_dict(),
                 "scaler_d": self.scaler_d.state_dict(), "data": self.stream.state_dict(),
                 "objective": self.objective.extra_state(), "rng": rng_states[0], "rng_ranks": rng_states,
                 "best": {}, "health": {}, "holdout": self.holdout.tolist()}
        state.update({h.state_key: h.state_dict() for h in self.hooks if h.state_key})
        return state

    def save_checkpoint_to(self, target: Path, rng_states=None) -> Path:
        """Write a checkpoint (NonFiniteState, writing nothing, when any part is NaN/inf)."""
        return ckpt.write_checkpoint(target, self.modules(), self.checkpoint_state(rng_states))

    def unsaveable_parts(self) -> list:
        """Names of the weights, EMA weights, optimizer moments and objective values that are NaN/inf."""
        tensors = {f"{name}.{k}": v for name, m in self.modules().items() for k, v in m.state_dict().items()}
        return nonfinite_tensors(tensors) + nonfinite_state(self.checkpoint_state())

    def load_checkpoint(self, path: Path) -> None:
        ckpt.read_weights(path, self.modules())
        state = ckpt.read_state(path)
        try:
            self._load_state(state)
        except (KeyError, TypeError, ValueError, RuntimeError, IndexError) as err:
            raise RunError(f"{path / ckpt.STATE} does not fit this run ({' '.join(str(err).split())[:160]}); "
                           "it was written by another config or edited") from None
        self.log.truncate_after(self.step)

    def _load_state(self, state: Dict) -> None:
        self.step, self.d_steps = int(state["step"]), int(state["d_steps"])
        self.lr_scale = float(state["lr_scale"])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        self.scaler_g.load_state_dict(state["scaler_g"])
        self.scaler_d.load_state_dict(state["scaler_d"])
        if "holdout" in state:  # the split the run started with, whatever the default is now
            self.holdout = torch.tensor(state["holdout"], dtype=torch.long)
        else:  # checkpoints from before held-out splits trained on every row
            self.holdout = torch.zeros(0, dtype=torch.long)
        self.stream.index = self._train_rows()
        self.stream.load_state_dict(state["data"])
        self.objective.load_extra_state(state["objective"])
        ranks = state.get("rng_ranks") or [state["rng"]]
        set_rng_state(ranks[rank()] if rank() < len(ranks) else state["rng"])
        for hook in self.hooks:
            if hook.state_key:
                hook.load_state_dict(state.get(hook.state_key, {}))

    def divergence_advice(self) -> str:
        """Which learning rates to lower, from which networks hold NaN/inf."""
        return lower_lr_advice(self.cfg, diverged_networks(self.objective, {"g": self.opt_g, "d": self.opt_d}),
                               self.lr_scale)

    def weights_finite(self) -> bool:
        return all(bool(torch.isfinite(p).all()) for p in self.objective.parameters())

    @property
    def stop_requested(self) -> bool:
        return self._signalled or self._stop_reason is not None

    # -- one step -------------------------------------------------------------------------
    def _autocast(self):
        if self.amp_dtype is None:
            return nullcontext()
        return torch.autocast(self.device.type, dtype=self.amp_dtype)

    def _batch(self):
        x, y = self.stream.next()
        if self.device.type == "cuda":  # page-locked source lets the copy overlap compute
            x, y = x.pin_memory(), (y.pin_memory() if y is not None else None)
        x = x.to(self.device, non_blocking=True)
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        return x, (y.to(self.device, non_blocking=True) if y is not None else None)

    def _update(self, loss, optimizer, scaler, params, want_norm: bool) -> Optional[float]:
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        average_gradients(params)
        norm = None
        if want_norm:
            scaler.unscale_(optimizer)
            grads = [p.grad for p in params if p.grad is not None]
            norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g.float()) for g in grads])).item()
        scaler.step(optimizer)
        scaler.update()
        return norm

    def _lazy_step(self, reg_step, real, paired, ctx, optimizer, scaler, params) -> Dict[str, torch.Tensor]:
        """A lazy penalty's own optimizer step when the objective says one is due (StyleGAN2's
        Dreg/Greg phases); its logs, or none."""
        with self._autocast():
            out = reg_step(real, paired, ctx)
        if out is None:
            return {}
        self._update(out[0], optimizer, scaler, params, False)
        return out[1]

    def _set_learning_rates(self) -> None:
        # A pure function of the step, so resuming needs no scheduler state.
        cfg = self.cfg
        progress = self.step / max(cfg.steps, 1)
        factor = lr_factor(cfg, self.step)
        betas = cfg.betas
        if cfg.beta2_final is not None:  # beta2 moves along the lr schedule's shape (R3GAN)
            keep = schedule_factor(cfg.lr_schedule, progress, cfg.lr_decay_start, cfg.lr_decay_end, 0.0)
            betas = (cfg.betas[0], cfg.beta2_final + (cfg.betas[1] - cfg.beta2_final) * keep)
        lazy = self.objective.lazy_intervals(progress)
        phase = self.objective.lr_multipliers(self.step)
        for opt, base, net in ((self.opt_g, cfg.lr_g, "g"), (self.opt_d, cfg.lr_d, "d")):
            ratio = lazy_ratio(lazy.get(net, 1))
            for group in opt.param_groups:
                group["lr"] = base * ratio * factor * self.lr_scale * phase.get(net, 1.0)
                group["betas"] = lazy_betas(betas, ratio)

    def train_step(self, want_logs: bool) -> Dict[str, float]:
        """n_critic D updates, one G update, EMA. Returns logged scalars when ``want_logs``."""
        cfg, obj = self.cfg, self.objective
        self._set_learning_rates()
        ctx = StepContext(self.step, self.d_steps, self.step / max(cfg.steps, 1))
        d_params, g_params = self._d_params, self._g_params
        d_rounds = cfg.n_critic if obj.trains_d(self.step) else 0
        loss_d, logs_d, grad_d = torch.zeros(()), {}, 0.0  # what a phase without D steps logs
        for i in range(d_rounds):
            real, paired = self._batch()  # paired: class ids, target images or table codes
            ctx.d_step = self.d_steps
            with self._autocast():
                loss_d, logs_d = obj.d_step(real, paired, ctx)
            last = want_logs and i == d_rounds - 1
            grad_d = self._update(loss_d, self.opt_d, self.scaler_d, d_params, last)
            logs_d.update(self._lazy_step(obj.d_reg_step, real, paired, ctx, self.opt_d, self.scaler_d, d_params))
            self.d_steps += 1
            obj.after_d_step(ctx)
        real, paired = self._batch()
        for p in d_params:
            p.requires_grad_(False)  # G's backward need not fill D's gradients
        with self._autocast():
            loss_g, logs_g = obj.g_step(real, paired, ctx)
        grad_g = self._update(loss_g, self.opt_g, self.scaler_g, g_params, want_logs)
        logs_g.update(self._lazy_step(obj.g_reg_step, real, paired, ctx, self.opt_g, self.scaler_g, g_params))
        for p in d_params:
            p.requires_grad_(True)
        broadcast_buffers(self.objective)  # batch-norm statistics follow rank 0, as with DDP
        if self.ema is not None:
            self.ema.update(self.generator, self.step)
        if not want_logs:
            return {}
        logs = {k: float(v) for k, v in {**logs_d, **logs_g, **obj.log_stats()}.items()}
        logs.update(loss_d=float(loss_d.detach()), loss_g=float(loss_g.detach()), grad_norm_d=grad_d, grad_norm_g=grad_g,
                    lr_d=self.opt_d.param_groups[0]["lr"], lr_g=self.opt_g.param_groups[0]["lr"])
        return logs

    # -- loop -----------------------------------------------------------------------------
    def _request_stop(self, signum, frame) -> None:
        if self._signalled:  # second Ctrl-C: stop now; a checkpoint being written is undone
            raise TrainingAborted(self.run_dir, self.step)
        self._signalled = True

    def _install_signals(self):
        previous = {}
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                previous[sig] = signal.signal(sig, self._request_stop)
            except ValueError:  # not the main thread: leave signals alone
                pass
        return previous

    def fit(self) -> Path:
        """Train until ``cfg.steps``; return the run directory."""
        cfg = self.cfg
        if is_main():
            write_data_info(self.run_dir, self.dataset.info())
            if self.health is not None:
                self.health.guard.write_info()
        previous = self._install_signals()
        self._bar = progress_bar(cfg.steps, cfg.name, "step", enabled=cfg.progress and is_main(), initial=self.step)
        self._tick = (time.perf_counter(), self.step)
        if not any_rank(ckpt.latest_checkpoint(self.run_dir) is not None, self.device):
            self.save_checkpoint()  # step 0: something to roll back to, and resumable at once
        try:
            while self.step < cfg.steps and not self._stop_reason:
                want_logs = (self.step + 1) % cfg.log_every == 0 or self.step + 1 == cfg.steps
                with self.timer("training steps"):
                    logs = self.train_step(want_logs)
                self.step += 1
                self._bar.update(1)
                if want_logs:
                    self._record(logs)
                self._run_hooks(logs)
            if self._signalled:
                raise TrainingInterrupted(self.run_dir, self.step)
            if self._stop_reason and is_main():
                self.log.write({"step": self.step, "event": "stop", "reason": self._stop_reason})
        finally:
            self._bar.close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return self.run_dir

    # -- hooks ----------------------------------------------------------------------------
    def _record(self, logs: Dict[str, float]) -> None:
        """A logged step: throughput, the hooks' additions (health), the metrics row, the bar."""
        now, (tick, tick_step) = time.perf_counter(), self._tick
        logs["images_per_s"] = (self.step - tick_step) * self.cfg.batch_size * world_size() / max(now - tick, 1e-9)
        self._tick = (now, self.step)
        for hook in self.hooks:
            hook.observe(self.view, logs)
        self.act(Record(logs, show={"loss_d": f"{logs['loss_d']:.3f}", "loss_g": f"{logs['loss_g']:.3f}"}))

    def _run_hooks(self, logs: Dict[str, float]) -> None:
        """Each due hook in turn; a roll back ends the round (the step is redone from the checkpoint)."""
        start = self._rollbacks
        for hook in self.hooks:
            if not hook.due(self.view, logs):
                continue
            busy = hook.busy(self.view)
            with (self.timer(hook.name) if hook.name else nullcontext()), \
                    (phase(self._bar, busy) if busy else nullcontext()):
                hook.run(self.view, logs)
            if self._rollbacks != start:
                return

    def act(self, action) -> Any:
        """Carry out what a hook asked for (see ``hooks.py``)."""
        if isinstance(action, Record):
            if action.row:
                self.log.write({"step": self.step, **action.row})
            if action.image is not None:
                self.log.image(action.tag, action.image, self.step)
            if action.show and self._bar is not None:
                self._post.update(action.show)
                self._bar.set_postfix(self._post)
        elif isinstance(action, SaveCheckpoint):
            return self.save_checkpoint()
        elif isinstance(action, SaveBest):
            target = self.run_dir / "checkpoints" / BEST
            with self.timer("checkpoints"):
                self.save_checkpoint_to(target)
            write_text_atomic(self.run_dir / "best.json", json.dumps({"step": self.step, "metric": action.metric,
                                                                     "value": action.value}))
            return target
        elif isinstance(action, Diverged):
            if self.health is None:
                raise TrainingDiverged(f"the state became NaN/inf at step {self.step} and was not saved; "
                                       f"{self.divergence_advice()}, or set monitor=true for automatic rollback")
            self.health.diverged(action.reason)
        elif isinstance(action, RollBack):
            return self._roll_back(action)
        elif isinstance(action, Evaluated):
            for hook in self.hooks:
                hook.evaluated(self.view, action.results, action.metric)
        elif isinstance(action, ScaleLR):
            self.lr_scale *= action.factor
        elif isinstance(action, Stop):
            self._stop_reason = self._stop_reason or action.reason
        else:
            raise TypeError(f"unknown training action {action!r}")
        return None

    def _roll_back(self, action: RollBack) -> RolledBack:
        bad_step, scale = self.step, self.lr_scale
        self.load_checkpoint(ckpt.newest_intact(self.run_dir)[0])  # written only when finite, and checked again
        self.lr_scale = scale * action.lr_factor
        self.log.write({"step": self.step, "event": "rollback", "from_step": bad_step, "lr_scale": self.lr_scale,
                        **action.event, "flags": action.reason})
        self._rollbacks += 1
        if self._bar is not None:
            self._bar.n = self.step
            self._bar.refresh()
        return RolledBack(bad_step, self.step, self.lr_scale)
