"""LeCam, bCR and the 2C contrastive term: values on constructed cases and end-to-end wiring."""
import json
from types import SimpleNamespace

import pytest
import torch

import ganforge
from ganforge.errors import ConfigError
from ganforge.nets import DOutput
from ganforge.objectives.base import StepContext
from ganforge.objectives.terms import TermInputs, TermSet


def make_terms(d, image_data=True, conditional=False, **weights):
    """The terms named in ``weights`` ({name: options}) on a stand-in objective around D."""
    host = SimpleNamespace(discriminator=d, data_shape=(1, 8, 8) if image_data else (2,),
                           num_classes=10 if conditional else 0, separate_reg_phase=True)
    terms = TermSet(weights)
    terms.bind(host)
    return terms, host


def d_terms(terms, real, fake, real_out, fake_out, judge, step, logs):
    """Sum of the D terms (0 when none applied), as the objective's D step adds it."""
    host = terms.host
    inputs = TermInputs(StepContext(step, step, 0.0), real, fake, None, real_out=real_out, fake_out=fake_out,
                        judge=judge)
    total = terms.loss("d", host, inputs, logs)
    return 0 if total is None else total


def lecam(d, **options):
    terms, host = make_terms(d, lecam=options)
    terms.host = host
    return terms


class ConstantD(torch.nn.Module):
    """D(x) = mean of x: shift-invariant images give equal outputs, so bCR is exactly 0 then."""

    def forward(self, x, y=None):
        return DOutput(logits=x.flatten(1).mean(1), features=x.flatten(1))


def test_lecam_is_the_authors_one_sided_form_after_the_start_iteration():
    # google/lecam-gan biggan_cifar/losses.py lecam_reg and third_party/utils.py ema_losses: the EMA
    # is updated first (no averaging before start_itr), the term applies when itr > start_itr.
    terms = lecam(ConstantD(), weight=1.0, decay=0.5, start=2)
    extras = terms["lecam"]
    real, fake = DOutput(torch.tensor([2.0, 0.0])), DOutput(torch.tensor([-1.0, 1.0]))
    logs = {}
    for step in (0, 1, 2):
        assert d_terms(terms, None, None, real, fake, None, step, logs) == 0 and "lecam" not in logs
    assert (extras.ema_real, extras.ema_fake) == (1.0, 0.0)  # batch means; step 2 averages equal values
    real2, fake2 = DOutput(torch.tensor([3.0, 1.0])), DOutput(torch.tensor([-2.0, 0.0]))
    term = d_terms(terms, None, None, real2, fake2, None, 3, logs)
    a_r, a_f = 0.5 * 1.0 + 0.5 * 2.0, 0.5 * 0.0 + 0.5 * -1.0  # anchors after this batch: 1.5, -0.5
    expected = (torch.relu(torch.tensor([3.0, 1.0]) - a_f).square().mean()
                + torch.relu(a_r - torch.tensor([-2.0, 0.0])).square().mean())
    assert term.item() == pytest.approx(expected.item()) and logs["lecam"].item() == pytest.approx(expected.item())


def test_lecam_two_sided_is_the_papers_equation():
    # Tseng et al. 2021, Eq. (3): E[(D(x) - a_F)^2] + E[(D(G(z)) - a_R)^2]; here D(x) < a_F, which the
    # authors' one-sided ReLU form would not penalise.
    terms = lecam(ConstantD(), weight=1.0, start=0, two_sided=True)
    extras = terms["lecam"]
    extras.ema_real, extras.ema_fake = 0.5, 1.0
    real, fake = DOutput(torch.tensor([0.0])), DOutput(torch.tensor([2.0]))
    term = d_terms(terms, None, None, real, fake, None, 1, {})
    a_r, a_f = 0.9 * 0.5 + 0.1 * 0.0, 0.9 * 1.0 + 0.1 * 2.0
    assert term.item() == pytest.approx((0.0 - a_f) ** 2 + (2.0 - a_r) ** 2)
    extras.two_sided, extras.ema_real, extras.ema_fake = False, 0.5, 1.0
    assert d_terms(terms, None, None, real, fake, None, 1, {}).item() == pytest.approx(0.0)


def test_bcr_flips_and_shifts_the_un_augmented_input():
    # bCR (Zhao et al. 2021) with CR's augmentation: horizontal flip and integer shift up to 1/8 with
    # reflection (StudioGAN src/utils/cr.py). A D blind to both gives exactly 0; the term is
    # computed from the clean samples handed to judge, not from D's (augmented) inputs.
    d = ConstantD()
    extras, host = make_terms(d, bcr_real={"weight": 1.0}, bcr_fake={"weight": 1.0})
    extras.host = host
    flat = torch.full((4, 1, 8, 8), 0.3)
    seen = []
    judge = lambda x, y: seen.append(x) or d(x)  # noqa: E731
    out = d(flat)
    assert d_terms(extras, flat, flat, out, out, judge, 0, {}) == 0 and len(seen) == 2
    torch.manual_seed(0)
    ramp = torch.arange(8.0).expand(4, 1, 8, 8).contiguous()  # changes under a flip
    logs = {}
    assert d_terms(extras, ramp, ramp, d(ramp), d(ramp), judge, 0, logs) > 0
    assert {"bcr_real", "bcr_fake"} <= logs.keys()


def test_bad_combinations_are_refused():
    with pytest.raises(ConfigError, match="bCR flips and shifts images"):
        make_terms(ConstantD(), image_data=False, bcr_real={"weight": 1.0})
    with pytest.raises(ConfigError, match="needs conditional=true"):
        make_terms(ConstantD(), image_data=True, contrastive={"weight": 1.0})


def test_all_terms_train_end_to_end_and_resume_state(tmp_path, tiny_mnist):
    run = ganforge.train("dcgan-mnist", out=tmp_path / "run", overrides=tiny_mnist + [
        "metrics=[]", "conditional=true", "objective.lecam_weight=0.3", "objective.lecam_start=0", "objective.bcr_real=1",
        "objective.bcr_fake=1", "objective.contrastive_weight=0.5"])
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    last = [r for r in rows if "loss_d" in r][-1]
    for key in ("lecam", "bcr_real", "bcr_fake", "contrastive_d", "contrastive_g"):
        assert key in last and last[key] == last[key], key  # present and not NaN


# ---------------------------------------------------------------------------- composition by config

from ganforge.config import resolve_config  # noqa: E402
from ganforge.objectives import build_objective  # noqa: E402

MNIST = {"shape": [1, 16, 16], "num_classes": 10, "name": "mnist", "kind": "image"}
SMALL = ["image_size=16", "generator.width=8", "discriminator.width=8"]


def built(recipe, *overrides):
    return build_objective(resolve_config(recipe, SMALL + list(overrides)), MNIST)


def test_the_terms_spelling_equals_the_flat_one():
    flat = built("dcgan-mnist", "objective.lecam_weight=0.3", "objective.lecam_start=5")
    terms = built("dcgan-mnist", "objective.terms.lecam.weight=0.3", "objective.terms.lecam.start=5")
    assert {k: vars(t).get("start") for k, t in flat.terms.items()} == {k: vars(t).get("start") for k, t in terms.terms.items()}
    assert terms.terms["lecam"].weight == 0.3 and terms.terms["lecam"].start == 5


def test_any_objective_takes_a_compatible_term():
    # BigGAN's orthogonal regularization on a plain GAN, AC-GAN's classifier next to a penalty and LeCam.
    obj = built("dcgan-mnist", "objective.terms.ortho=1e-4")
    loss, logs = obj.g_step(torch.rand(4, 1, 16, 16) * 2 - 1, None, StepContext(0, 0, 0.0))
    assert "reg_ortho" in logs and torch.isfinite(loss)
    acgan = built("mnist-acgan", "objective.terms.lecam.start=0", "objective.terms.r1.weight=1")
    assert list(acgan.terms) == ["r1", "aux", "lecam"]  # summing order: penalties, classifier, LeCam


def test_a_default_term_can_be_removed():
    assert "path_length" in built("stylegan2-mnist").terms
    assert "path_length" not in built("stylegan2-mnist", "objective.terms.path_length=false").terms
    assert "ortho" not in built("biggan-mnist", "objective.ortho_weight=0").terms


@pytest.mark.parametrize("recipe,overrides,message", [
    ("dcgan-mnist", ["objective.terms.path_length.weight=2"], "cannot take loss term 'path_length': it needs a style"),
    ("tabular", ["objective.terms.bcr_real=1"], "cannot take loss term 'bcr_real': it runs D's input pipeline"),
    ("dcgan-mnist", ["objective.terms.r3.weight=1"], "unknown loss term 'r3'"),
    ("dcgan-mnist", ["objective.terms.r1.weight=-1"], "bad value for 'objective.terms.r1.weight'"),
    ("dcgan-mnist", ["objective.terms.r1.wieght=1"], "did you mean 'weight'"),
    ("dcgan-mnist", ["objective.terms.r1.every=4", "objective.terms.r2.every=8"], "give them the same interval"),
    ("dcgan-mnist", ["objective.terms.r1.schedule=linear", "objective.terms.r1.decay_start=0.5",
                     "objective.terms.r1.decay_end=0.2"], "decay_end must be after"),
])
def test_incompatible_terms_are_refused_at_load_time(recipe, overrides, message):
    with pytest.raises(ConfigError) as err:
        resolve_config(recipe, overrides)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_a_refused_term_leaves_no_run_directory(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "run"
    proc = subprocess.run([sys.executable, "-m", "ganforge", "train", "dcgan-mnist", f"--out={out}",
                           "objective.terms.path_length.weight=2"], capture_output=True, text=True)
    assert proc.returncode == 2 and "path_length" in proc.stderr and not out.exists()


def test_checkpoints_of_the_layout_before_terms_still_load():
    # Before terms: StyleGAN2's running path length was a buffer of the objective ("pl_mean") and
    # LeCam's anchors sat under "d_extras" in the objective's state.
    obj = built("stylegan2-mnist", "objective.lecam_weight=0.3")
    with torch.no_grad():
        obj.terms["path_length"].pl_mean.fill_(1.25)
    old = {("pl_mean" if k == "terms.path_length.pl_mean" else k): v for k, v in obj.state_dict().items()}
    fresh = built("stylegan2-mnist", "objective.lecam_weight=0.3")
    fresh.load_state_dict(old, strict=True)
    assert fresh.terms["path_length"].pl_mean.item() == 1.25
    fresh.load_extra_state({"augment": {}, "d_extras": {"ema_real": 0.5, "ema_fake": -0.5}, "pl_mean": 1.25})
    assert (fresh.terms["lecam"].ema_real, fresh.terms["lecam"].ema_fake) == (0.5, -0.5)
    state = fresh.extra_state()
    assert state["terms"]["lecam"] == {"ema_real": 0.5, "ema_fake": -0.5}


def test_translation_objectives_take_terms_they_can_feed():
    paired = {"shape": [3, 16, 16], "target_shape": [3, 16, 16], "num_classes": 0, "name": "edges2photo",
              "kind": "image", "task": "paired"}
    cfg = resolve_config("pix2pix-edges", ["image_size=16", "metrics=[]", "objective.terms.r1.weight=1",
                                           "objective.terms.ortho=1e-4"])
    obj = build_objective(cfg, paired)
    assert list(obj.terms) == ["l1", "r1", "ortho"]  # lambda_l1 is the l1 term
    a, b = torch.rand(2, 3, 16, 16) * 2 - 1, torch.rand(2, 3, 16, 16) * 2 - 1
    _, d_logs = obj.d_step(a, b, StepContext(0, 0, 0.0))
    _, g_logs = obj.g_step(a, b, StepContext(0, 0, 0.0))
    assert "reg_r1" in d_logs and {"loss_g_l1", "reg_ortho"} <= g_logs.keys()
    with pytest.raises(ConfigError, match="cannot take loss term 'r1'"):
        resolve_config("cyclegan-digits", ["metrics=[]", "objective.terms.r1.weight=1"])
