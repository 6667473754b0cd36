"""Config resolution under arbitrary input (hypothesis): any recipe with any overrides either
resolves to a config or raises ConfigError; never another exception. A resolved config
survives its own YAML round trip unchanged."""
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ganforge.config import build_config, config_to_yaml, describe_config, list_recipes, resolve_config, safe_yaml
from ganforge.errors import ConfigError

RECIPES = [name for name, _ in list_recipes()]
KEYS = sorted({row.name for name in ("dcgan-mnist", "ring8", "stylegan2-mnist", "tabular-fast", "pix2pix-edges")
               for row in describe_config(resolve_config(name))})
TRICKY_TEXT = ["", "[1, 2", "{a: 1", "!!python/object/apply:os.system ['true']", "inf", "-inf", ".nan", "1e400",
               "null", "~", "yes", "no", "0x10", "1_000", "'quoted'", "\"x\"", "[]", "{}", "a=b", "=", "%", "\t",
               "folder:", "folder:/nope", "ring8", "mnist", "none", "auto", "9" * 40, "-0", "1e-400", "\u00e9\u00e8"]

scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12), st.sampled_from(TRICKY_TEXT))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                      max_leaves=6)
keys = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=20),
                 st.builds(lambda a, b: f"{a}.{b}", st.sampled_from(KEYS), st.text(max_size=8)))
text_values = st.one_of(st.sampled_from(TRICKY_TEXT), st.text(max_size=20),
                        st.integers(min_value=-(10**30), max_value=10**30).map(str),
                        st.floats(allow_nan=True, allow_infinity=True).map(repr))
FUZZ = settings(max_examples=60, deadline=None, derandomize=True,  # the same examples on every run
                suppress_health_check=[HealthCheck.too_slow])


def _resolves_or_refuses(recipe, overrides):
    try:
        cfg = resolve_config(recipe, overrides)
    except ConfigError as err:
        assert str(err) and "\n" not in str(err).strip()  # one line
        return None
    return cfg


@FUZZ
@given(recipe=st.sampled_from(RECIPES), items=st.lists(st.tuples(keys, text_values), max_size=4))
def test_command_line_overrides_resolve_or_raise_config_error(recipe, items):
    cfg = _resolves_or_refuses(recipe, [f"{k}={v}" for k, v in items])
    if cfg is not None:
        assert build_config(safe_yaml(config_to_yaml(cfg))) == cfg


@FUZZ
@given(recipe=st.sampled_from(RECIPES), overrides=st.dictionaries(keys, values, max_size=4))
def test_python_overrides_resolve_or_raise_config_error(recipe, overrides):
    cfg = _resolves_or_refuses(recipe, overrides)
    if cfg is not None:
        assert all(math.isfinite(v) for v in (cfg.lr_g, cfg.lr_d, *cfg.betas))


@FUZZ
@given(raw=st.dictionaries(st.sampled_from(KEYS + ["objective", "generator", "data"]), values, max_size=6))
def test_a_whole_config_mapping_resolves_or_raises_config_error(raw):
    _resolves_or_refuses(raw, None)


@pytest.mark.parametrize("text", TRICKY_TEXT)
def test_tricky_text_for_every_key_of_the_default_recipe(text):
    for key in KEYS[::5]:  # a spread of keys: every run-wide, component and health kind
        _resolves_or_refuses("dcgan-mnist", [f"{key}={text}"])
