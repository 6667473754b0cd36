"""LeCam, bCR and the 2C contrastive term: values on constructed cases and end-to-end wiring."""
import json

import pytest
import torch

import ganforge
from ganforge.errors import ConfigError
from ganforge.nets import DOutput
from ganforge.objectives.d_extras import DiscriminatorExtras


class ConstantD(torch.nn.Module):
    """D(x) = mean of x: shift-invariant images give equal outputs, so bCR is exactly 0 then."""

    def forward(self, x, y=None):
        return DOutput(logits=x.flatten(1).mean(1), features=x.flatten(1))


def test_lecam_is_the_authors_one_sided_form_after_the_start_iteration():
    # google/lecam-gan biggan_cifar/losses.py lecam_reg and third_party/utils.py ema_losses: the EMA
    # is updated first (no averaging before start_itr), the term applies when itr > start_itr.
    extras = DiscriminatorExtras(ConstantD(), image_data=True, conditional=False, lecam_weight=1.0,
                                 lecam_decay=0.5, lecam_start=2)
    real, fake = DOutput(torch.tensor([2.0, 0.0])), DOutput(torch.tensor([-1.0, 1.0]))
    logs = {}
    for step in (0, 1, 2):
        assert extras.d_terms(None, None, None, real, fake, None, step, logs) == 0 and "lecam" not in logs
    assert (extras.ema_real, extras.ema_fake) == (1.0, 0.0)  # batch means; step 2 averages equal values
    real2, fake2 = DOutput(torch.tensor([3.0, 1.0])), DOutput(torch.tensor([-2.0, 0.0]))
    term = extras.d_terms(None, None, None, real2, fake2, None, 3, logs)
    a_r, a_f = 0.5 * 1.0 + 0.5 * 2.0, 0.5 * 0.0 + 0.5 * -1.0  # anchors after this batch: 1.5, -0.5
    expected = (torch.relu(torch.tensor([3.0, 1.0]) - a_f).square().mean()
                + torch.relu(a_r - torch.tensor([-2.0, 0.0])).square().mean())
    assert term.item() == pytest.approx(expected.item()) and logs["lecam"].item() == pytest.approx(expected.item())


def test_lecam_two_sided_is_the_papers_equation():
    # Tseng et al. 2021, Eq. (3): E[(D(x) - a_F)^2] + E[(D(G(z)) - a_R)^2]; here D(x) < a_F, which the
    # authors' one-sided ReLU form would not penalise.
    extras = DiscriminatorExtras(ConstantD(), image_data=True, conditional=False, lecam_weight=1.0,
                                 lecam_start=0, lecam_two_sided=True)
    extras.ema_real, extras.ema_fake = 0.5, 1.0
    real, fake = DOutput(torch.tensor([0.0])), DOutput(torch.tensor([2.0]))
    term = extras.d_terms(None, None, None, real, fake, None, 1, {})
    a_r, a_f = 0.9 * 0.5 + 0.1 * 0.0, 0.9 * 1.0 + 0.1 * 2.0
    assert term.item() == pytest.approx((0.0 - a_f) ** 2 + (2.0 - a_r) ** 2)
    extras.lecam_two_sided, extras.ema_real, extras.ema_fake = False, 0.5, 1.0
    assert extras.d_terms(None, None, None, real, fake, None, 1, {}).item() == pytest.approx(0.0)


def test_bcr_flips_and_shifts_the_un_augmented_input():
    # bCR (Zhao et al. 2021) with CR's augmentation: horizontal flip and integer shift up to 1/8 with
    # reflection (StudioGAN src/utils/cr.py). A D blind to both gives exactly 0; the term is
    # computed from the clean samples handed to judge, not from D's (augmented) inputs.
    d = ConstantD()
    extras = DiscriminatorExtras(d, image_data=True, conditional=False, bcr_real=1.0, bcr_fake=1.0)
    flat = torch.full((4, 1, 8, 8), 0.3)
    seen = []
    judge = lambda x, y: seen.append(x) or d(x)  # noqa: E731
    out = d(flat)
    assert extras.d_terms(flat, flat, None, out, out, judge, 0, {}) == 0 and len(seen) == 2
    torch.manual_seed(0)
    ramp = torch.arange(8.0).expand(4, 1, 8, 8).contiguous()  # changes under a flip
    logs = {}
    assert extras.d_terms(ramp, ramp, None, d(ramp), d(ramp), judge, 0, logs) > 0
    assert {"bcr_real", "bcr_fake"} <= logs.keys()


def test_bad_combinations_are_refused():
    with pytest.raises(ConfigError, match="bCR flips and shifts images"):
        DiscriminatorExtras(ConstantD(), image_data=False, conditional=False, bcr_real=1.0)
    with pytest.raises(ConfigError, match="needs conditional=true"):
        DiscriminatorExtras(ConstantD(), image_data=True, conditional=False, contrastive_weight=1.0)


def test_all_terms_train_end_to_end_and_resume_state(tmp_path, tiny_mnist):
    run = ganforge.train("dcgan-mnist", out=tmp_path / "run", overrides=tiny_mnist + [
        "metrics=[]", "conditional=true", "objective.lecam_weight=0.3", "objective.lecam_start=0", "objective.bcr_real=1",
        "objective.bcr_fake=1", "objective.contrastive_weight=0.5"])
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    last = [r for r in rows if "loss_d" in r][-1]
    for key in ("lecam", "bcr_real", "bcr_fake", "contrastive_d", "contrastive_g"):
        assert key in last and last[key] == last[key], key  # present and not NaN
