"""Typed per-component options: every bad value fails at load time in one line (exit 2 at the
CLI, no run directory), subclasses keep their parent's options, and old configs still load."""
import subprocess
import sys

import pytest
import yaml

from ganforge.config import config_from_file, describe_config, resolve_config
from ganforge.errors import ConfigError
from ganforge.registry import lookup

BAD = [
    (["generator.width=abc"], "bad value for 'generator.width'"),
    (["generator.width=-3"], "bad value for 'generator.width'"),
    (["generator.width=99999999999999999999"], "bad value for 'generator.width'"),
    (["generator=mlp", "data=ring8", "generator.depth=-1"], "bad value for 'generator.depth'"),
    (["generator.width=true"], "bad value for 'generator.width'"),
    (["health.overfit_threshold=abc"], "bad value for 'health.overfit_threshold'"),
    (["health.divers=1"], "unknown option 'divers' for health"),
    (["lr_d=.inf"], "bad value for 'lr_d'"),
    (["lr_g=.nan"], "bad value for 'lr_g'"),
    (["steps=true"], "bad value for 'steps'"),
    (["steps=99999999999999"], "bad value for 'steps'"),
    (["seed=-1"], "bad value for 'seed'"),
    (["augment=diffaugment", "augment.strength=abc"], "bad value for 'augment.strength'"),
    (["objective.lecam_weight=-1"], "bad value for 'objective.lecam_weight'"),
    (["objective.regularizer=r3"], "bad value for 'objective.regularizer'"),
    (["objective.packing=0"], "bad value for 'objective.packing'"),
    (["data_options.bogus=1"], "unknown option 'bogus' for dataset 'mnist'"),
    (["extractor=nope"], "unknown feature extractor 'nope'"),
    (["best_metric=nope"], "unknown best_metric 'nope'"),
    (["objective=pix2pix", "data=edges2photo", "regularizer=r1"], "objective pix2pix does not support regularizer"),
    (["objective=pix2pix", "data=edges2photo", "augment=ada"], "objective pix2pix does not support augment"),
    (["objective=tabular", "data=penguins", "conditional=true"], "objective tabular does not support conditional"),
    (["stpes=1"], "did you mean 'steps'"),
]


@pytest.mark.parametrize("overrides,message", BAD)
def test_bad_values_fail_at_load_time_in_one_line(overrides, message):
    with pytest.raises(ConfigError) as err:
        resolve_config("dcgan-mnist", overrides)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_options_are_typed_after_validation():
    cfg = resolve_config("dcgan-mnist", ["generator.width=16", "objective.lecam_weight=1"])
    assert cfg.generator.get("width") == 16 and cfg.objective.get("lecam_weight") == 1


@pytest.mark.parametrize("overrides", [["objective=stylegan2", "generator=stylegan2", "discriminator=stylegan2",
                                        "objective.lecam_weight=0.1"],
                                       ["objective=acgan", "conditional=true", "discriminator=resnet",
                                        "discriminator.aux_classifier=true", "objective.bcr_real=1"]])
def test_subclass_objectives_keep_their_parents_options(overrides):
    from ganforge.data import load_dataset
    from ganforge.objectives import build_objective

    cfg = resolve_config("dcgan-mnist", overrides + ["generator.width=8", "discriminator.width=8"])
    objective = build_objective(cfg, load_dataset("mnist", 32).info())
    terms = objective.terms
    assert ("lecam" in terms and terms["lecam"].weight == 0.1) or ("bcr_real" in terms and terms["bcr_real"].weight == 1)


def test_old_top_level_spellings_move_into_the_objective():
    cfg = resolve_config("ring8", ["regularizer=r1", "reg_weight=0.5"])
    assert cfg.objective.get("regularizer") == "r1" and cfg.objective.get("reg_weight") == 0.5
    assert "regularizer" not in cfg.model_dump()
    # the override beats the recipe whichever spelling each uses
    assert resolve_config("ring8", ["objective.regularizer=gp"]).objective.get("regularizer") == "gp"


def test_a_previous_layout_config_yaml_still_loads(tmp_path):
    old = resolve_config("pix2pix-edges").model_dump(mode="json")
    old.update(conditional=False, packing=1, regularizer="none", instance_noise=0.0, freeze_d=0, reg_weight=10.0)
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(old))
    cfg = config_from_file(tmp_path / "config.yaml")
    assert cfg.objective.name == "pix2pix" and "regularizer" not in cfg.objective.kwargs()


@pytest.mark.parametrize("text,message", [("steps: [1,\n  2\n", ":3: not a valid config"),
                                          ("a: !!python/object/apply:os.system ['echo hi']\n", ":1: not a valid config")])
def test_malformed_or_tagged_yaml_names_the_file_and_line(tmp_path, text, message):
    path = tmp_path / "recipe.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        resolve_config(str(path))
    assert f"{path}{message}" in str(err.value) and "\n" not in str(err.value)
    (tmp_path / "config.yaml").write_text(text)
    with pytest.raises(ConfigError, match="config.yaml:"):
        config_from_file(tmp_path / "config.yaml")


def test_every_option_of_every_component_is_listed_with_a_description():
    missing = []
    for kind in ("generator", "discriminator", "objective", "augmentation", "dataset"):
        registry = lookup(kind)
        for name in registry.names():
            missing += [f"{kind} {name}: {o.name}" for o in registry.options(name) if not o.description]
    assert not missing, "options without a description:\n" + "\n".join(missing)


def test_describe_config_lists_nested_keys():
    keys = {row.name for row in describe_config(resolve_config("stylegan2-mnist"))}
    assert {"steps", "generator.w_dim", "objective.pl_weight", "objective.lecam_weight", "health.overfit_threshold",
            "discriminator.width"} <= keys


def run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "ganforge", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=600)


@pytest.mark.parametrize("override", ["image_size=33", "generator.width=abc", "lr_d=.inf", "generator.depth=-1"])
def test_cli_bad_value_is_one_line_exit_2_and_no_run_dir(tmp_path, override):
    result = run_cli("train", "dcgan-mnist", override, "--out", str(tmp_path / "run"), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "run").exists()


def test_cli_options_and_unknown_key_list_every_key(tmp_path):
    listing = run_cli("options", "stylegan2-mnist", cwd=tmp_path)
    assert listing.returncode == 0 and "objective.pl_weight" in listing.stdout and "generator.w_dim" in listing.stdout
    bad = run_cli("train", "stylegan2-mnist", "bogus=1", cwd=tmp_path)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert "objective.pl_weight" in bad.stdout and "default" in bad.stdout.splitlines()[0]


def test_options_list_every_loss_term_option():
    from ganforge.config import describe_config, resolve_config

    keys = {row.name for row in describe_config(resolve_config("dcgan-mnist"))}
    assert {"objective.terms.r1.weight", "objective.terms.r1.every", "objective.terms.lecam.two_sided",
            "objective.terms.path_length.batch_frac"} <= keys
