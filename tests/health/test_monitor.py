"""Each flag fires on a constructed sick statistics stream and stays quiet on a healthy one."""
import io
import math
import random

import pytest
import torch

from ganforge.errors import ConfigError
from ganforge.train.health import FLAG_NAMES, Flag, HealthConfig, HealthMonitor

CONTEXT = {"loss": "ns", "lr_g": 2e-4, "lr_d": 2e-4, "n_critic": 1, "z_dim": 64, "augment": "none",
           "regularizer": "none", "packing": 1, "train_items": 4750,
           "loss_scales": {"loss_d": 2 * math.log(2), "loss_g": math.log(2)}}


def healthy(step, rng):
    """A logged step of a healthy DCGAN run, shaped like the default recipe's: fakes become
    realistic first and varied later, D wins most batches without overfitting."""
    progress = step / 1500
    return {"step": step, "loss_d": 0.5 + rng.gauss(0, 0.2) ** 2, "loss_g": 2.5 + rng.gauss(0, 0.8),
            "d_real": 2.0, "d_fake": -2.0, "grad_norm_g": 18 + rng.gauss(0, 4), "grad_norm_d": 2.0,
            "g_signal": 1.7 + rng.gauss(0, 0.1), "overfit": 0.03 + rng.gauss(0, 0.02),
            "precision": 0.0 if progress < 0.15 else 0.7 + rng.gauss(0, 0.05),
            "recall": max(0.0, min(0.9, 1.4 * (progress - 0.2))) + abs(rng.gauss(0, 0.02)),
            "diversity": min(0.9, 0.07 + 1.6 * progress) + rng.gauss(0, 0.02)}


def stream(n, start=1, every=50, seed=0, **override):
    rng = random.Random(seed)
    return [{**healthy(start + i * every, rng), **override} for i in range(n)]


def evals(values, start=150, every=150):
    return [{"step": start + i * every, "quality": v, "quality_metric": "fid", "quality_direction": "min"}
            for i, v in enumerate(values)]


def run(monitor, rows):
    return [monitor.update(r) for r in rows]


def names(flags):
    return [f.name for f in flags]


def raised(outputs):
    return {f.name for flags in outputs for f in flags}


def save_load(state):
    buf = io.BytesIO()
    torch.save(state, buf)
    buf.seek(0)
    return torch.load(buf, weights_only=True)


def test_quiet_on_a_healthy_run_including_its_early_steps():
    rows = stream(30) + evals([1300, 1700, 600, 160, 95, 65, 55, 45, 40, 35])
    rows.sort(key=lambda r: r["step"])
    assert raised(run(HealthMonitor(None, CONTEXT), rows)) == set()


def test_mode_collapse_needs_realistic_fakes_that_stop_gaining():
    mon = HealthMonitor(None, CONTEXT)
    # realistic but stuck at a tenth of a real batch's recall (a 1-d latent)
    out = run(mon, stream(12, recall=0.02, precision=0.8))
    first = next(i for i, flags in enumerate(out) if flags)
    assert first == HealthConfig().collapse_window - 1
    flag = out[first][0]
    assert isinstance(flag, Flag) and flag.name == "mode_collapse" and flag.new and not out[first + 1][0].new
    assert "recall" in flag.message and flag.overrides == ["packing=2"]


def test_mode_collapse_ignores_unrealistic_and_climbing_fakes():
    # early garbage: nothing realistic to judge
    assert raised(run(HealthMonitor(None, CONTEXT), stream(20, recall=0.0, precision=0.05))) == set()
    # a generator still spreading out: low but climbing
    climbing = [{**r, "recall": 0.03 * i, "precision": 0.8} for i, r in enumerate(stream(8))]
    assert raised(run(HealthMonitor(None, CONTEXT), climbing)) == set()


def test_mode_collapse_from_fakes_stuck_near_one_output():
    # a G that never leaves its concentrated start (a saturated minimax G), realistic or not
    out = run(HealthMonitor(None, CONTEXT), stream(8, recall=0.0, precision=0.0, diversity=0.08))
    first = next(i for i, flags in enumerate(out) if flags)
    assert first == HealthConfig().collapse_window - 1 and "spread 0.08x" in out[first][0].message
    # the same start, spreading out as a healthy G does, is left alone
    spreading = [{**r, "precision": 0.0, "recall": 0.0, "diversity": 0.07 + 0.04 * i} for i, r in enumerate(stream(12))]
    assert raised(run(HealthMonitor(None, CONTEXT), spreading)) == set()


def test_mode_collapse_judges_a_window_of_at_least_its_steps():
    # the first 24 steps checked every 4th: every G is still near its starting output
    early = stream(12, every=4, recall=0.0, precision=0.0, diversity=0.05)
    assert raised(run(HealthMonitor(None, CONTEXT), early)) == set()
    later = stream(12, every=4, start=300, recall=0.0, precision=0.0, diversity=0.05)
    assert raised(run(HealthMonitor(None, CONTEXT), early + later)) == {"mode_collapse"}


def test_mode_collapse_waits_for_realistic_fakes_before_judging_recall():
    # precision jumps before recall follows (the default run's steps 150-350): not a collapse yet
    early = [{**r, "precision": 0.0 if i < 3 else 0.85, "recall": 0.0 if i < 5 else 0.02 * (i - 4) ** 2}
             for i, r in enumerate(stream(14))]
    assert raised(run(HealthMonitor(None, CONTEXT), early)) == set()


def test_mode_collapse_remedy_follows_the_cause():
    for ctx, fix in (({"z_dim": 1}, "z_dim=64"), ({"loss": "minimax"}, "loss=ns"),
                     ({"lr_g": 2e-3}, "lr_g=0.0002"), ({"lr_d": 2e-3}, "lr_d=0.0002"),
                     ({"n_critic": 10}, "n_critic=1")):
        out = run(HealthMonitor(None, {**CONTEXT, **ctx}), stream(8, recall=0.0, precision=0.9))
        assert fix in out[-1][0].overrides


def test_d_overfitting_from_the_held_out_split():
    mon = HealthMonitor(None, CONTEXT)
    out = run(mon, stream(10) + stream(3, start=600, overfit=0.7))
    assert [names(o) for o in out[-3:]] == [[], [], ["d_overfitting"]]
    assert "held-out" in out[-1][0].message
    small = HealthMonitor(None, {**CONTEXT, "train_items": 90})
    assert "augment.name=diffaugment" in run(small, stream(3, overfit=0.9))[-1][0].overrides
    critic = HealthMonitor(None, {**CONTEXT, "n_critic": 10})
    assert run(critic, stream(3, overfit=0.9))[-1][0].overrides == ["n_critic=1"]


def test_d_winning_training_batches_without_overfitting_is_not_flagged():
    # D separates the training batches perfectly, but scores held-out reals like training reals
    # and the probe's fixed fakes only moderately: no evidence that G is beaten
    rows = stream(30, d_real=8.0, d_fake=-8.0, overfit=0.02, d_holdout=2.5, d_gen=-3.0)
    assert raised(run(HealthMonitor(None, CONTEXT), rows)) == set()


def test_d_overpowering_needs_certainty_on_held_out_reals_and_fakes_while_g_still_pushes():
    sure = dict(overfit=0.01, d_holdout=8.5, d_gen=-7.5, loss_d=0.004)
    out = run(HealthMonitor(None, {**CONTEXT, "n_critic": 10}), stream(10) + stream(3, start=600, **sure))
    assert [names(o) for o in out[-3:]] == [[], [], ["d_overfitting"]]
    flag = out[-1][0]
    assert "overpowered" in flag.message and "99.94%" in flag.message and flag.overrides == ["n_critic=1"]
    # 5 in log-odds (99.3%) is where early healthy steps reach: quiet
    assert raised(run(HealthMonitor(None, CONTEXT), stream(20, overfit=0.01, d_holdout=5.0, d_gen=-5.2, loss_d=0.004))) == set()
    # sure about fakes but not about held-out reals: not beaten
    assert raised(run(HealthMonitor(None, CONTEXT), stream(20, overfit=0.01, d_holdout=1.0, d_gen=-9.0, loss_d=0.004))) == set()
    # a saturated G loss is the vanishing-gradient check's story, not this one's
    out = raised(run(HealthMonitor(None, {**CONTEXT, "loss": "minimax"}), stream(20, g_signal=1e-4, **sure)))
    assert "d_overfitting" not in out and "vanishing_g_gradient" in out
    # an exploding D: huge mean logits, but huge losses too (the divergence check's story)
    out = raised(run(HealthMonitor(None, CONTEXT), stream(20, **{**sure, "d_holdout": 700.0, "loss_d": 43.0})))
    assert "d_overfitting" not in out
    # logits of hinge or Wasserstein critics are no probabilities: the picture is off for them
    for loss in ("hinge", "wasserstein", "lsgan"):
        assert raised(run(HealthMonitor(None, {**CONTEXT, "loss": loss}), stream(20, **sure))) == set(), loss


def test_vanishing_gradient_from_a_saturated_loss_or_a_collapsed_norm():
    mon = HealthMonitor(None, {**CONTEXT, "loss": "minimax"})
    out = run(mon, stream(3, g_signal=1e-4))
    assert names(out[-1]) == ["vanishing_g_gradient"] and out[-1][0].overrides == ["loss=ns"]
    mon = HealthMonitor(None, CONTEXT)
    out = run(mon, stream(6) + stream(3, start=400, grad_norm_g=1e-4))
    assert [names(o) for o in out[-3:]] == [[], [], ["vanishing_g_gradient"]]
    assert "early median" in out[-1][0].message


def test_divergence_on_nan_is_immediate_and_an_error():
    mon = HealthMonitor(None, CONTEXT)
    run(mon, stream(5))
    flags = mon.update({**stream(1, start=300)[0], "loss_d": float("nan")})
    assert names(flags) == ["divergence"] and flags[0].severity == "error"
    assert "loss_d=nan" in flags[0].message and "lr_d=0.0001" in flags[0].overrides
    assert names(mon.update({"step": 350, "grad_norm_g": "inf"})) == ["divergence"]  # as metrics.jsonl stores it


def test_divergence_alone_on_a_diverging_row_and_while_a_rollback_recovers():
    mon = HealthMonitor(None, CONTEXT)
    run(mon, stream(10))
    # a NaN row whose other statistics also look overfit: divergence is the diagnosis
    flags = mon.update({**stream(1, start=600, overfit=0.9)[0], "loss_d": float("nan")})
    assert names(flags) == ["divergence"]
    mon.rolled_back(500)  # back to the checkpoint of step 500, recovery_steps=500 by default
    assert not raised(run(mon, stream(4, start=550, overfit=0.9)))  # steps 550..700: recovering
    resumed = HealthMonitor(None, CONTEXT)
    resumed.load_state_dict(save_load(mon.state_dict()))  # the window is checkpointed
    assert not raised(run(resumed, stream(5, start=750, overfit=0.9)))  # ..950
    after = run(resumed, stream(3, start=1000, overfit=0.9))  # patience counts from the window's end
    assert [names(o) for o in after] == [[], [], ["d_overfitting"]]


def test_divergence_on_finite_explosion_from_the_first_step():
    # learning rates of 10: logits of 1e5 from the first logged step, no healthy history at all
    rows = stream(3, loss_d=0.0, loss_g=2e5, grad_norm_g=0.0, grad_norm_d=0.0)
    mon = HealthMonitor(None, {**CONTEXT, "lr_g": 10.0, "lr_d": 10.0})
    out = run(mon, rows)
    assert names(out[1]) == ["divergence"] and "at chance" in out[1][0].message
    assert out[1][0].overrides == ["lr_g=0.0002", "lr_d=0.0002"]


def test_divergence_on_an_explosion_after_a_healthy_start_but_not_a_single_spike():
    mon = HealthMonitor(None, {**CONTEXT, "loss_scales": {}})  # a Wasserstein critic: no chance scale
    run(mon, stream(20))
    assert mon.update({**stream(1, start=1100)[0], "loss_g": 5e3}) == []
    run(mon, stream(3, start=1150))
    out = run(mon, stream(2, start=1400, loss_g=5e3))
    assert out[0] == [] and names(out[1]) == ["divergence"] and "running median" in out[1][0].message


def test_quality_worsening_after_k_evaluations_worse_than_the_best():
    mon = HealthMonitor(None, CONTEXT)
    out = run(mon, evals([900, 300, 120, 80, 70, 85, 90, 100]))
    assert [bool(o) for o in out] == [False] * 7 + [True]
    assert "best 70" in out[-1][0].message and "step 750" in out[-1][0].message
    assert names(mon.update(stream(1, start=1300)[0])) == ["quality_worsening"]  # persists between evaluations
    assert mon.update(evals([60], start=1350)[0]) == [] and mon.active == []


def test_quality_trend_for_metrics_where_higher_is_better():
    rows = [{"step": s, "quality": v, "quality_metric": "high_quality", "quality_direction": "max"}
            for s, v in ((1, 0.5), (2, 0.9), (3, 0.7), (4, 0.6), (5, 0.5))]
    assert names(run(HealthMonitor(None, CONTEXT), rows)[-1]) == ["quality_worsening"]


def test_noisy_evaluations_near_the_best_are_not_a_trend():
    rows = evals([900, 300, 120, 80, 70, 74, 69, 76, 72])
    assert raised(run(HealthMonitor(None, CONTEXT), rows)) == set()


def test_disabled_checks_stay_silent():
    mon = HealthMonitor(None, CONTEXT, disabled={"d_overfitting": "no held-out split"})
    assert raised(run(mon, stream(5, overfit=0.9))) == set()
    assert mon.disabled == {"d_overfitting": "no held-out split"}
    with pytest.raises(ValueError, match="unknown checks"):
        HealthMonitor(None, CONTEXT, disabled={"bogus": "x"})


def test_missing_stats_skip_checks():
    assert raised(run(HealthMonitor(None, CONTEXT), [{"step": i} for i in range(10)])) == set()


def test_state_dict_round_trip_keeps_streaks_and_histories():
    rows = stream(10) + stream(2, start=600, overfit=0.8) + stream(4, start=700, every=100, recall=0.0, precision=0.9)
    mon = HealthMonitor(None, CONTEXT)
    run(mon, rows)
    resumed = HealthMonitor(None, CONTEXT)
    resumed.load_state_dict(save_load(mon.state_dict()))
    nxt = stream(2, start=1100, every=100, overfit=0.8, recall=0.0, precision=0.9)
    assert run(resumed, nxt) == run(mon, nxt)
    assert set(names(run(resumed, nxt)[-1])) == {"d_overfitting", "mode_collapse"}


def test_every_flag_suggests_config_keys():
    assert set(FLAG_NAMES) == {"mode_collapse", "d_overfitting", "vanishing_g_gradient", "divergence",
                               "quality_worsening"}
    mon = HealthMonitor(None, CONTEXT)
    for name in FLAG_NAMES:
        fix = mon.remedy(name)
        assert fix.overrides and all("=" in o for o in fix.overrides) and fix.why


def test_config_validation():
    with pytest.raises(ConfigError, match="valid options"):
        HealthMonitor({"diversity": 0.3})
    with pytest.raises(ConfigError):
        HealthConfig(overfit_patience=0)
    with pytest.raises(ConfigError):
        HealthConfig(collapse_recall="high")
