"""Rendering templates in Jinja2's sandbox, and refusing at save what would fail at send.

Two sandboxed environments with strict undefined variables: one autoescaping for HTML
bodies, one plain for subjects and text bodies. Jinja's default globals (``range``,
``cycler``, ``joiner``, ``lipsum``, ``namespace``, ``dict``) are removed: a template sees only
the message's variables and the ``money`` and ``day`` filters, so ``{{ cycler.__init__ }}``
is an unknown variable, and any attribute starting with ``_`` is refused by the check at
save (and by the sandbox at render, should one get through).

A template is checked when saved: it must parse, name only known top-level variables, touch
no private attribute, and render on sample data; each refusal names the field (``subject``,
``html``, ``text``) and the line.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from debtflow_shared.documents.locale_format import LocaleFormat
from notify_svc.domain.templates import TemplateRefused, TemplateSource

CONTEXT_VARIABLES = frozenset(
    {
        "creditor",
        "debtor",
        "invoices",
        "also_outstanding",
        "charges",
        "totals",
        "how_to_pay",
        "how_to_dispute",
        "unsubscribe_url",
        "today",
        "step",
        "tone",
        "statement_attached",
        "history",
    }
)
"""The top-level names a template may use (see ``domain/message_context.py``)."""

FIELDS = ("subject", "html", "text")
CHANNEL_FIELDS = ("sms", "letter")
"""optional bodies for the other channels: plain text, like ``text``"""
_TEMPLATE_FILE = "<template>"


def _environment(*, html: bool) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=html,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.clear()
    return env


_HTML = _environment(html=True)
_PLAIN = _environment(html=False)


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    html: str
    text: str


def _env(field: str) -> SandboxedEnvironment:
    return _HTML if field == "html" else _PLAIN


def _with_filters(env: SandboxedEnvironment, formatting: LocaleFormat) -> SandboxedEnvironment:
    bound = env.overlay()
    bound.filters["money"] = lambda minor, currency: formatting.money(int(minor), str(currency))
    bound.filters["day"] = lambda value: formatting.day(
        value if isinstance(value, date) else date.fromisoformat(str(value))
    )
    return bound


def render_field(
    field: str, text: str, context: Mapping[str, Any], formatting: LocaleFormat
) -> str:
    """Render one field; raises :class:`TemplateRefused` naming the field and line."""
    env = _with_filters(_env(field), formatting)
    try:
        return env.from_string(text).render(dict(context))
    except TemplateSyntaxError as error:
        raise TemplateRefused(field, error.lineno, error.message or str(error)) from None
    except SecurityError as error:
        raise TemplateRefused(field, _line(error), f"refused by the sandbox: {error}") from None
    except (TemplateError, TypeError, ValueError, ArithmeticError, LookupError) as error:
        raise TemplateRefused(field, _line(error), str(error)) from None


def render(
    source: TemplateSource, context: Mapping[str, Any], formatting: LocaleFormat
) -> RenderedMessage:
    """Render the email's three fields; raises :class:`TemplateRefused` naming the field."""
    out = {f: render_field(f, getattr(source, f), context, formatting) for f in FIELDS}
    subject = " ".join(out["subject"].split())
    if not subject:
        raise TemplateRefused("subject", 1, "the subject renders empty")
    return RenderedMessage(subject=subject, html=out["html"], text=out["text"])


def present_fields(source: TemplateSource) -> tuple[str, ...]:
    return FIELDS + tuple(f for f in CHANNEL_FIELDS if getattr(source, f) is not None)


def check(source: TemplateSource, sample: Mapping[str, Any], formatting: LocaleFormat) -> None:
    """Refuse a template that would fail at send time (see the module docstring)."""
    for field in present_fields(source):
        text = getattr(source, field)
        try:
            tree = _env(field).parse(text)
        except TemplateSyntaxError as error:
            raise TemplateRefused(field, error.lineno, error.message or str(error)) from None
        for name, line in _loaded_names(tree):
            if name not in CONTEXT_VARIABLES:
                raise TemplateRefused(field, line, f"unknown variable {name!r}")
        for attribute, line in _private_attributes(tree):
            raise TemplateRefused(
                field, line, f"refused by the sandbox: attribute {attribute!r} is not allowed"
            )
    render(source, sample, formatting)
    for field in present_fields(source)[len(FIELDS) :]:
        render_field(field, getattr(source, field), sample, formatting)


def _loaded_names(tree: nodes.Template) -> Iterator[tuple[str, int]]:
    """Names read but never assigned in the template (loop variables, ``set``, macros)."""
    assigned = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")} | {
        m.name for m in tree.find_all(nodes.Macro)
    }
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name not in assigned:
            yield node.name, node.lineno


def _private_attributes(tree: nodes.Template) -> Iterator[tuple[str, int]]:
    for node in tree.find_all(nodes.Getattr):
        if node.attr.startswith("_"):
            yield node.attr, node.lineno
    for item in tree.find_all(nodes.Getitem):
        key = item.arg
        if (
            isinstance(key, nodes.Const)
            and isinstance(key.value, str)
            and key.value.startswith("_")
        ):
            yield key.value, item.lineno


def _line(error: BaseException) -> int | None:
    """The template line an error was raised on (Jinja maps its frames to template lines)."""
    lines = [
        frame.lineno
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename == _TEMPLATE_FILE
    ]
    return lines[-1] if lines else None
