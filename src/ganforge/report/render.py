"""The report's template engine: Jinja2 templates under ``report/templates`` with autoescaping
and the number filters of :mod:`ganforge.report.numbers`."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from . import numbers


@lru_cache(maxsize=None)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("ganforge.report", "templates"), autoescape=select_autoescape(["j2"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(sig=numbers.sig, pm=numbers.pm, duration=numbers.duration, count=numbers.count)
    return env


def stylesheet(name: str = "report.css") -> str:
    """A CSS file from the templates folder, to inline into the page."""
    return (resources.files("ganforge.report") / "templates" / name).read_text(encoding="utf-8")


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)
