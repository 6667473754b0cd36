"""Typed options of a component, derived from its constructor.

A factory's options are its keyword parameters (minus the ``reserved`` ones its caller
supplies): the annotation gives the type, the default the default, and the description comes
from, in order, ``Annotated[T, Field(description=...)]``, the docstring (``name: text`` in an
``Args:`` block, or a ``name: text`` clause anywhere, the name optionally in double backquotes), a trailing ``# comment`` on a dataclass
field, or the shared glossary below. A class whose ``__init__`` takes ``**kwargs`` also has
its parent's options (subclass objectives keep their parent's). A factory may instead set
``Options`` to a pydantic model written out by hand.

Values are checked strictly: integers are not booleans or floats, numbers are finite, and
unless an option's annotation carries its own bounds (``Annotated[int, Field(ge=-1)]``) numbers
are >= 0 and integers at most 2**31 - 1.
"""
from __future__ import annotations

import dataclasses
import difflib
import inspect
import io
import re
import textwrap
import tokenize
import typing
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Type

import annotated_types as at
from pydantic import AllowInfNan, BaseModel, ConfigDict, Field, Strict, ValidationError, create_model
from pydantic.fields import FieldInfo

from .errors import ConfigError

MAX_INT = 2**31 - 1
_EMPTY = inspect.Parameter.empty
_BOUNDS = (at.Ge, at.Gt, at.Le, at.Lt, at.Interval)

# Shared vocabulary: what an option means when its family does not say otherwise.
GLOSSARY: Dict[str, str] = {
    "width": "base number of channels (or hidden units); larger is slower and stronger",
    "depth": "number of layers or blocks",
    "embed_dim": "size of the learned class embedding",
    "spectral_norm": "spectral normalization on every layer (a Lipschitz constraint)",
    "norm": "normalization layer: batch, instance or none",
    "attention": "resolution (px) of the self-attention block; 0 for none",
    "max_channels": "cap on the channels of any layer",
    "dropout": "dropout probability",
    "blocks": "number of residual blocks",
    "out_channels": "output channels (set from the data when omitted)",
    "scale": "up-scaling factor",
    "flip": "random horizontal flips of the training images",
    "split": "which part of the data: train or test",
    "seed": "random seed of this component",
    "channels": "image channels (1 grayscale, 3 RGB; default: from the data)",
    "load_size": "side the images are resized to before the random crop",
    "mbstd_group": "minibatch standard deviation group size",
    "group_size": "channels per group of the grouped convolutions",
    "batch_size": "batch size",
    "target": "target of the overfitting heuristic r_t; none keeps the strength fixed",
    "interval": "D steps between strength adjustments",
    "speed_images": "images for the strength to go from 0 to 1",
}


@dataclass(frozen=True)
class OptionInfo:
    """One option for listings: ``ganforge options`` and unknown-key messages."""

    name: str
    type: str
    default: Any
    description: str


class Options(BaseModel):
    """Base of every derived option model: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, protected_namespaces=())


# ----------------------------------------------------------------------------- derivation

def _init_chain(factory: Callable[..., Any]) -> List[Tuple[Any, Callable[..., Any]]]:
    """(owner, function) pairs whose keyword parameters are ``factory``'s options, most derived
    first: a class's ``__init__``, then its parent's while each takes ``**kwargs``."""
    if not inspect.isclass(factory):
        return [(factory, factory)]
    chain = []
    for klass in factory.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None or klass is object:
            continue
        chain.append((klass, init))
        params = inspect.signature(init).parameters.values()
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            break
    return chain


def _hints(fn: Callable[..., Any]) -> Dict[str, Any]:
    try:
        return typing.get_type_hints(fn, include_extras=True)
    except Exception:  # noqa: BLE001 - an unresolvable annotation: fall back to the defaults' types
        return {}


_NAMES = r"(?:``)?\w+(?:``)?(?:\s*[,/]\s*(?:``)?\w+(?:``)?)*"


def _doc_descriptions(obj: Any) -> Dict[str, str]:
    """``name -> first sentence`` from a docstring: ``Args:`` lines (``a, b: text`` too) and
    prose clauses ``name: text`` or ``a/b: text`` (names optionally in double backquotes) ending at ``;``
    or a full stop."""
    doc = inspect.getdoc(obj) or ""
    found: Dict[str, str] = {}
    block = re.search(r"^(?:Args|Arguments|Parameters|Options):\s*\n((?:[ \t]+.*\n?|\s*\n)+)", doc, re.M)
    if block:
        for m in re.finditer(rf"^[ \t]+({_NAMES})(?:\s*\([^)]*\))?:\s*(.+(?:\n[ \t]{{6,}}.+)*)", block.group(1), re.M):
            for name in re.findall(r"\w+", m.group(1)):
                found.setdefault(name, _sentence(m.group(2)))
    flat = " ".join(doc.split())
    for clause in re.split(r"(?<=[.;])\s+(?=(?:``)?\w)", flat):
        m = re.search(r"(``\w+``(?:\s*[,/]\s*``\w+``)*):\s+(.+)$", clause) or re.match(rf"^({_NAMES}):\s+(.+)$", clause)
        if m:
            for name in re.findall(r"\w+", m.group(1).replace("``", " ")):
                found.setdefault(name, _sentence(m.group(2)))
    return found


def _comment_descriptions(klass: type) -> Dict[str, str]:
    """``name: type = default  # text`` lines of a class body (dataclass fields)."""
    try:
        source = textwrap.dedent(inspect.getsource(klass))
    except (OSError, TypeError):
        return {}
    found: Dict[str, str] = {}
    for line_tokens in _lines(source):
        names = [t for t in line_tokens if t.type == tokenize.NAME]
        comments = [t for t in line_tokens if t.type == tokenize.COMMENT]
        ops = [t.string for t in line_tokens if t.type == tokenize.OP]
        if names and comments and ops and ops[0] == ":" and line_tokens[0].start[1] > 0:
            found.setdefault(names[0].string, _sentence(comments[-1].string.lstrip("#:").strip()))
    return found


def _lines(source: str):
    line: List[tokenize.TokenInfo] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type in (tokenize.NEWLINE, tokenize.NL):
                if line:
                    yield line
                line = []
            elif tok.type not in (tokenize.INDENT, tokenize.DEDENT):
                line.append(tok)
    except tokenize.TokenError:
        return


def _sentence(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    m = re.match(r"(.+?[.;])(\s|$)", text)
    text = (m.group(1) if m else text).rstrip(".;")
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " ..."


def _strict(tp: Any) -> Any:
    """The annotation with strict scalar types and the default bounds applied."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Annotated:
        base, meta = args[0], list(args[1:])
        bounded = any(isinstance(m, _BOUNDS) or (isinstance(m, FieldInfo) and _field_bounded(m)) for m in meta)
        return typing.Annotated[tuple([_scalar(base, bounded)] + meta)] if _is_number(base) else tp
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return typing.Union[tuple(_strict(a) for a in args)]
    return _scalar(tp, False)


def _field_bounded(info: FieldInfo) -> bool:
    return any(isinstance(m, _BOUNDS) for m in info.metadata)


def _is_number(tp: Any) -> bool:
    return tp in (int, float, bool)


def _scalar(tp: Any, bounded: bool) -> Any:
    if tp is bool:
        return typing.Annotated[bool, Strict()]
    if tp is int:
        return typing.Annotated[int, Strict()] if bounded else typing.Annotated[int, Strict(), at.Ge(0), at.Le(MAX_INT)]
    if tp is float:
        if bounded:
            return typing.Annotated[float, Strict(), AllowInfNan(False)]
        return typing.Annotated[float, Strict(), AllowInfNan(False), at.Ge(0)]
    if tp is str:
        return typing.Annotated[str, Strict()]
    return tp


@lru_cache(maxsize=None)
def _derive(factory: Callable[..., Any], reserved: Tuple[str, ...]) -> Tuple[Type[BaseModel], Tuple[OptionInfo, ...]]:
    explicit = getattr(factory, "Options", None)
    if inspect.isclass(explicit) and issubclass(explicit, BaseModel):
        infos = tuple(OptionInfo(n, type_name(f.annotation), f.default, f.description or GLOSSARY.get(n, ""))
                      for n, f in explicit.model_fields.items())
        return explicit, infos
    fields: Dict[str, Any] = {}
    infos: List[OptionInfo] = []
    chain = _init_chain(factory)
    docs: Dict[str, str] = {}
    for owner, fn in chain:
        for source in (owner, fn):
            for k, v in _doc_descriptions(source).items():
                docs.setdefault(k, v)
        if inspect.isclass(owner) and dataclasses.is_dataclass(owner):
            for k, v in _comment_descriptions(owner).items():
                docs.setdefault(k, v)
    for _, fn in chain:
        hints = _hints(fn)
        for p in inspect.signature(fn).parameters.values():
            if p.name in ("self", "cls") or p.name in reserved or p.name in fields:
                continue
            if p.kind not in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) or p.default is _EMPTY:
                continue
            hint = hints.get(p.name, _EMPTY)
            if hint is _EMPTY:
                hint = type(p.default) if isinstance(p.default, (bool, int, float, str)) else Any
            description = _annotated_description(hint) or docs.get(p.name) or GLOSSARY.get(p.name, "")
            fields[p.name] = (_strict(hint), Field(p.default, description=description))
            infos.append(OptionInfo(p.name, type_name(hint), p.default, description))
    name = f"{getattr(factory, '__name__', 'Component')}Options"
    return create_model(name, __base__=Options, **fields), tuple(infos)


def _annotated_description(hint: Any) -> str:
    if typing.get_origin(hint) is typing.Annotated:
        for m in typing.get_args(hint)[1:]:
            if isinstance(m, FieldInfo) and m.description:
                return m.description
            if isinstance(m, str):
                return m
    return ""


def type_name(tp: Any) -> str:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Annotated:
        return type_name(args[0])
    if origin is typing.Literal:
        return " | ".join(str(a) for a in args)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return " | ".join("none" if a is type(None) else type_name(a) for a in args)
    if origin is not None:
        inner = ", ".join(type_name(a) for a in args if a is not Ellipsis)
        return f"{getattr(origin, '__name__', str(origin)).lower()}[{inner}]" if inner else str(origin)
    if tp is Any:
        return "any"
    return getattr(tp, "__name__", str(tp))


# ----------------------------------------------------------------------------- use

def options_model(factory: Callable[..., Any], reserved: Sequence[str] = ()) -> Type[BaseModel]:
    """The pydantic model of ``factory``'s options (cached)."""
    return _derive(factory, tuple(reserved))[0]


def describe_options(factory: Callable[..., Any], reserved: Sequence[str] = ()) -> List[OptionInfo]:
    return list(_derive(factory, tuple(reserved))[1])


def validate_options(factory: Callable[..., Any], values: Dict[str, Any], reserved: Sequence[str], where: str,
                     key_prefix: Optional[str] = None) -> Dict[str, Any]:
    """``values`` checked against ``factory``'s options; returns the given ones, typed.

    One-line :class:`ConfigError` on the first problem, naming ``key_prefix.option`` (or the
    option and ``where``) and, for unknown ones, the closest valid name and the full list."""
    model = options_model(factory, reserved)
    try:
        checked = model.model_validate(values)
    except ValidationError as err:
        raise ConfigError(option_error(err, model, where, key_prefix)) from None
    return {k: getattr(checked, k) for k in values}


def option_error(err: ValidationError, model: Type[BaseModel], where: str, key_prefix: Optional[str]) -> str:
    first = err.errors()[0]
    name = str(first["loc"][0]) if first["loc"] else ""
    key = f"{key_prefix}.{name}" if key_prefix else name
    valid = list(model.model_fields)
    if first["type"] == "extra_forbidden":
        close = difflib.get_close_matches(name, valid, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        choices = ", ".join(valid) if valid else "none (it takes no options)"
        return f"unknown option '{name}' for {where}; valid options: {choices}{hint}"
    return f"bad value for '{key}': {value_problem(first)}" if key_prefix else \
        f"bad value for option '{key}' of {where}: {value_problem(first)}"


def value_problem(error: Dict[str, Any]) -> str:
    """pydantic's message for one error, plus the value it got, on one line."""
    msg = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] in ("missing",):
        return msg
    return f"{msg[0].lower()}{msg[1:]}, got {error.get('input')!r}"
