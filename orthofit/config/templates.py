"""The report's wording: ``templates/report.toml`` (a clinic may edit it).

Texts hold ``{name}`` fields that orthofit fills in; :func:`fill` fails with a clear
:class:`TemplateError` when a template names a field orthofit does not give, so an edit
cannot silently print "{pateint}".
"""

from __future__ import annotations

import functools
import string
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from orthofit.errors import UserError

REPORT_TEMPLATE = "report.toml"


class TemplateError(UserError):
    """A report template is missing, not valid TOML, or names an unknown field."""


def templates_dir() -> Traversable:
    """``templates/`` of a source checkout (or editable install), else the installed copy
    ``orthofit/_templates`` (see pyproject.toml).
    """
    import orthofit

    source = Path(orthofit.__file__).resolve().parents[1] / "templates"
    if (source / REPORT_TEMPLATE).is_file():
        return source
    return resources.files("orthofit").joinpath("_templates")


def load_report_template(path: str | Path | None = None) -> dict[str, Any]:
    """The report's wording as nested dicts (the shipped one unless ``path`` is given)."""
    from orthofit.config.tomlfile import read_toml

    src = Path(path) if path is not None else templates_dir().joinpath(REPORT_TEMPLATE)
    return read_toml(src, "report template", TemplateError)


@functools.cache
def _shipped_template() -> dict[str, Any]:
    """The shipped template, read once per process: the shape every template is checked against
    (read only; callers must not change it).
    """
    return load_report_template(None)


def shipped_value(path: tuple[str, ...]) -> Any:
    """The shipped template's entry at ``path`` (("feet", "arch_text", "mixed")): the wording
    of an entry a clinic's own template, written for an earlier version, does not have.
    """
    node: Any = _shipped_template()
    for key in path:
        node = node[key]
    return node


def shipped_text(path: tuple[str, ...]) -> str:
    """:func:`shipped_value` as text."""
    return str(shipped_value(path))


#: Every field orthofit fills in somewhere in the report template.
KNOWN_FIELDS = frozenset(
    {
        "page",
        "patient",
        "date",
        "age",
        "clinician",
        "clinic",
        "side",
        "arch",
        "pronation",
        "purposes",
        "text",
        "measure",
        "measures",
        "length",
        "eu",
        "uk",
        "eu_scale",
        "uk_scale",
        "grade",
        "sources",
        "profile",
        "version",
        "source",
        "condition",
        "units",
        "floor",
        "edge",
        "factor",
        "region",
        "peak",
        "before",
        "after",
        "change",
        "target",
        "reduction",
        "steps",
    }
)


def check_template(template: dict[str, Any]) -> None:
    """Fail with a TemplateError naming the first text that uses a field orthofit never fills
    (a typo such as ``{pateint}``), before anything is built.
    """

    def walk(x, where):
        if isinstance(x, str):
            yield where, x
        elif isinstance(x, dict):
            for k, v in x.items():
                yield from walk(v, f"{where}.{k}" if where else k)
        elif isinstance(x, list):
            for i, v in enumerate(x):
                yield from walk(v, f"{where}[{i}]")

    check_shape(template, _shipped_template(), "")
    for where, text in walk(template, ""):
        try:
            unknown = fields_of(text) - KNOWN_FIELDS
        except ValueError as err:  # an unmatched brace, a nameless or formatted field
            raise TemplateError(f"report template {where}: {err}; write a literal brace as {{{{ or }}}}") from None
        if unknown:
            raise TemplateError(
                f"report template {where} uses {{{sorted(unknown)[0]}}}, which orthofit does "
                f"not fill in; known fields: {', '.join(sorted(KNOWN_FIELDS))}"
            )


def _kind(x: Any) -> str:
    if isinstance(x, str):
        return "a text in quotes"
    if isinstance(x, dict):
        return "a table"
    if isinstance(x, list):
        return "a list"
    return "a " + type(x).__name__


#: Lists that are pairs, not open lists: a gauge's two end words (low end, high end).
PAIR_LISTS = ("feet.gauge_ends.",)


def check_shape(template: Any, shipped: Any, where: str) -> None:
    """A template's values must have the shipped template's kinds (a text where it has a
    text, a table where a table, a list of the same kind of items), so that no wrong kind
    reaches the report code; keys the shipped template lacks are left to the wording's checks.
    """
    if isinstance(shipped, dict):
        if not isinstance(template, dict):
            raise TemplateError(
                f"report template {where or '(top level)'} must be a table like the shipped one, not {_kind(template)}"
            )
        for key, value in template.items():
            if key in shipped:
                check_shape(value, shipped[key], f"{where}.{key}" if where else str(key))
        return
    if isinstance(shipped, list):
        if not isinstance(template, list):
            raise TemplateError(f"report template {where} must be a list like the shipped one, not {_kind(template)}")
        if where.startswith(PAIR_LISTS) and len(template) != len(shipped):
            raise TemplateError(
                f"report template {where} must be a list of {len(shipped)} texts (the gauge's low and high "
                f"ends, like the shipped {shipped!r}), not {len(template)}"
            )
        if shipped:
            for i, item in enumerate(template):
                check_shape(item, shipped[0], f"{where}[{i}]")
        return
    if type(template) is not type(shipped) and not (
        isinstance(shipped, (int, float)) and isinstance(template, (int, float)) and not isinstance(template, bool)
    ):
        raise TemplateError(f"report template {where} must be {_kind(shipped)}, not {_kind(template)}")


def fields_of(text: str) -> set[str]:
    """The ``{name}`` fields a template text uses.

    Raises
    ------
    ValueError
        An unmatched brace, a field without a name (``{}``, ``{0}``) or with a format spec or
        conversion (``{patient:>100000000}``, ``{patient!r}``): the wording fills plain names
        only, so a template cannot make orthofit pad a name to gigabytes or fail on a type.
    """
    names = set()
    for _, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if not name.isidentifier():
            raise ValueError(f"{{{name}}} is not a field name")
        if spec or conversion:
            raise ValueError(f"{{{name}}} may not carry a format ('{{{name}}}' alone is allowed)")
        names.add(name)
    return names


def fill(template: str, /, **values: Any) -> str:
    """``template`` with its ``{name}`` fields filled in; an unknown field is a TemplateError."""
    missing = fields_of(template) - values.keys()
    if missing:
        raise TemplateError(
            f"the report template text {template[:60]!r}... uses {{{sorted(missing)[0]}}}, "
            f"which orthofit does not fill in; use one of: {', '.join(sorted(values))}"
        )
    return template.format(**values)
