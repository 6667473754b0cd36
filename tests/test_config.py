"""Recipes, overrides and one-line validation errors."""
import pytest

from ganforge.config import apply_overrides, list_recipes, resolve_config
from ganforge.errors import ConfigError


def test_every_shipped_recipe_loads_with_a_description():
    recipes = list_recipes()
    assert ("dcgan-mnist" in dict(recipes)) and ("ring8" in dict(recipes))
    for name, description in recipes:
        assert description, f"recipe {name} needs a one-line description"
        cfg = resolve_config(name)
        assert cfg.name == name


def test_standard_overrides_apply_to_every_recipe():
    for name, _ in list_recipes():
        cfg = resolve_config(name, ["steps=7", "seed=3", "checkpoint_every=2", "device=cpu"])
        assert (cfg.steps, cfg.seed, cfg.checkpoint_every, cfg.device) == (7, 3, 2, "cpu")


def test_dotted_and_yaml_typed_overrides():
    cfg = resolve_config("dcgan-mnist", ["generator.width=16", "betas=[0.0,0.9]", "loss=hinge"])
    assert cfg.generator.kwargs()["width"] == 16 and cfg.betas == (0.0, 0.9) and cfg.loss == "hinge"
    assert apply_overrides({"a": {"b": 1}}, {"a.c": 2}) == {"a": {"b": 1, "c": 2}}


@pytest.mark.parametrize("override,message", [
    (["bogus=1"], "unknown key 'bogus'; valid keys: "),
    (["loss=foo"], "unknown loss 'foo'; choose one of: hinge, lsgan, minimax, ns, "),
    (["data=imagenet"], "unknown dataset 'imagenet'; choose one of: "),
    (["device=tpu"], "bad value for 'device'"),
    (["steps=-1"], "bad value for 'steps'"),
    (["generator.widht=3"], "unknown option 'widht' for generator 'dcgan'; valid options: width"),
    (["generator.name=nope"], "unknown generator 'nope'"),
    (["augment.name=nope"], "unknown augmentation 'nope'"),
    (["loss=wasserstein"], "loss=wasserstein needs a Lipschitz constraint"),
    (["packing=2", "conditional=true"], "cannot be conditional"),
    (["packing=2", "batch_size=63"], "batch size 63 is not divisible by packing=2"),
    (["loss=hinge", "label_smoothing=0.1"], "label_smoothing is defined for"),
    (["reg_schedule=linear", "reg_decay_start=0.5", "reg_decay_end=0.5"], "reg_decay_end (0.5) must be after"),
    (["steps"], "must look like key=value"),
])
def test_bad_config_is_one_clear_line(override, message):
    with pytest.raises(ConfigError) as err:
        resolve_config("dcgan-mnist", override)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_unknown_recipe_lists_choices():
    with pytest.raises(ConfigError, match="unknown recipe 'nope'; choose one of: .*dcgan-mnist"):
        resolve_config("nope")
