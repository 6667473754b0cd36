"""The explorer page: one Jinja2 template with its CSS and JavaScript inlined, nothing fetched
from elsewhere; the run's facts are embedded as JSON so the first picture needs no extra request."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any, Dict

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup


@lru_cache(maxsize=None)
def _env() -> Environment:
    return Environment(loader=PackageLoader("ganforge.serve", "templates"), autoescape=select_autoescape(["j2"]),
                       trim_blocks=True, lstrip_blocks=True)


def _asset(name: str) -> Markup:
    return Markup((resources.files("ganforge.serve") / "templates" / name).read_text(encoding="utf-8"))


def _render(template: str, script: str, info: Dict[str, Any], **extra: Any) -> str:
    data = Markup(json.dumps(info).replace("<", "\\u003c"))  # safe inside <script>
    step = f"step {info['step']:,}" if isinstance(info.get("step"), int) else ""
    title = " · ".join(p for p in (info.get("name"), step, info.get("checkpoint")) if p)
    return _env().get_template(template).render(info=info, info_json=data, title=title, css=_asset("explorer.css"),
                                                js=_asset(script), **extra)


def page(info: Dict[str, Any]) -> str:
    """The explorer page for a run described by ``info`` (what ``/api/info`` returns)."""
    return _render("explorer.html.j2", "explorer.js", info, inpaint_js=_asset("inpaint.js"))


def media_page(info: Dict[str, Any]) -> str:
    """The explorer page of a video, audio or text run (``serve/media.py``)."""
    return _render("media.html.j2", "media.js", info)
