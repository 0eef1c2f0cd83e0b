"""The English templates notify ships, one per notify step of the default dunning ladder.

Each is one shared layout (``templates/defaults/layout.{html,text}.j2``: the creditor, the
debtor's name, the invoices table with due dates and days overdue, charges and interest,
totals, how to pay, how to dispute, the unsubscribe link) around its step's own words. A
tenant's template for the same key, locale and tone takes precedence; these are read, never
stored, so a new release improves them for every tenant that did not write its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from debtflow_shared.catalog.notification import Tone
from notify_svc.domain.templates import Template, TemplateSource

_FOLDER = Path(__file__).resolve().parent.parent / "templates" / "defaults"
_MARKER = "@@MESSAGE@@"
DEFAULT_LOCALE = "en"


@dataclass(frozen=True)
class _Step:
    key: str
    tone: Tone
    ladder_step: str
    subject: str
    html: str
    text: str
    attach_statement: bool = False


_STEPS = (
    _Step(
        "reminder.pre_due",
        Tone.FRIENDLY,
        "-3: friendly pre-due reminder",
        "{% if invoices | length == 1 %}Invoice {{ invoices[0].number }} is due on "
        "{{ invoices[0].due_date }}{% else %}{{ invoices | length }} invoices fall due soon"
        "{% endif %} - {{ creditor.legal_name }}",
        "<p>A friendly reminder that the invoices below fall due soon. If payment is already "
        "on its way, thank you: there is nothing more to do.</p>",
        "A friendly reminder that the invoices below fall due soon. If payment is already on "
        "its way, thank you: there is nothing more to do.",
    ),
    _Step(
        "reminder.friendly",
        Tone.FRIENDLY,
        "+1: friendly reminder",
        "{% if invoices | length == 1 %}Invoice {{ invoices[0].number }} is now overdue"
        "{% else %}{{ invoices | length }} invoices are now overdue{% endif %}"
        " - {{ creditor.legal_name }}",
        "<p>Our records show that the invoices below have passed their due date and are still "
        "open. Perhaps this has been overlooked: we would be grateful if you could arrange "
        "payment of <strong>{{ totals.open_balance }}</strong> at your earliest "
        "convenience.</p>",
        "Our records show that the invoices below have passed their due date and are still "
        "open. Perhaps this has been overlooked: we would be grateful if you could arrange "
        "payment of {{ totals.open_balance }} at your earliest convenience.",
    ),
    _Step(
        "reminder.firm",
        Tone.FIRM,
        "+7: firmer reminder",
        "Payment overdue: {{ totals.open_balance }} - {{ creditor.legal_name }}",
        "<p>Despite our earlier reminder, the invoices below remain unpaid, the oldest "
        "{{ invoices | map(attribute='days_overdue') | max }} days after its due date. "
        "Please pay <strong>{{ totals.open_balance }}</strong> now, or contact us today if "
        "there is a reason you cannot.</p>",
        "Despite our earlier reminder, the invoices below remain unpaid, the oldest "
        "{{ invoices | map(attribute='days_overdue') | max }} days after its due date. "
        "Please pay {{ totals.open_balance }} now, or contact us today if there is a reason "
        "you cannot.",
    ),
    _Step(
        "notice.final",
        Tone.FINAL,
        "+21: final notice",
        "Final notice: {{ totals.open_balance }} overdue - {{ creditor.legal_name }}",
        "<p><strong>This is our final notice before further action.</strong> The invoices "
        "below are seriously overdue. {% if charges %}As the law and your terms allow, the "
        "charges listed below have been added. {% endif %}Please pay "
        "<strong>{{ totals.open_balance }}</strong> within 7 days of this notice. If you do "
        "not, we may charge interest, place your account on hold and pass the debt to a "
        "collection agency or our solicitors without further warning.</p>",
        "THIS IS OUR FINAL NOTICE BEFORE FURTHER ACTION. The invoices below are seriously "
        "overdue. {% if charges %}As the law and your terms allow, the charges listed below "
        "have been added. {% endif %}Please pay {{ totals.open_balance }} within 7 days of this "
        "notice. If you do not, we may charge interest, place your account on hold and pass "
        "the debt to a collection agency or our solicitors without further warning.",
        attach_statement=True,
    ),
    _Step(
        "letter.before_action",
        Tone.FORMAL,
        "+45: formal letter before action",
        "Letter before action: {{ totals.open_balance }} - {{ creditor.legal_name }}",
        "<p><strong>Letter before action.</strong> We write about the debt of "
        "<strong>{{ totals.open_balance }}</strong> set out below, which remains unpaid "
        "despite our previous reminders. Unless it is paid in full, or you contact us with a "
        "proposal to pay, within 14 days of the date of this letter, we intend to begin "
        "legal proceedings to recover it, together with interest, compensation and costs, "
        "without further notice. If you dispute the debt, tell us now and say why.</p>",
        "LETTER BEFORE ACTION. We write about the debt of {{ totals.open_balance }} set out "
        "below, which remains unpaid despite our previous reminders. Unless it is paid in "
        "full, or you contact us with a proposal to pay, within 14 days of the date of this "
        "letter, we intend to begin legal proceedings to recover it, together with interest, "
        "compensation and costs, without further notice. If you dispute the debt, tell us now "
        "and say why.",
        attach_statement=True,
    ),
)

TONE_DEFAULTS = {
    Tone.FRIENDLY: "reminder.friendly",
    Tone.FIRM: "reminder.firm",
    Tone.FINAL: "notice.final",
    Tone.FORMAL: "letter.before_action",
}
"""The shipped template used for a key notify does not ship, by the request's tone."""


@cache
def _layout(kind: str) -> str:
    return (_FOLDER / f"layout.{kind}.j2").read_text(encoding="utf-8")


def _template(step: _Step) -> Template:
    return Template(
        tenant_id=None,
        key=step.key,
        locale=DEFAULT_LOCALE,
        tone=step.tone,
        version=1,
        source=TemplateSource(
            subject=step.subject,
            html=_layout("html").replace(_MARKER, step.html),
            text=_layout("text").replace(_MARKER, step.text),
            attach_statement=step.attach_statement,
        ),
    )


@cache
def default_templates() -> tuple[Template, ...]:
    """Every shipped template, in ladder order."""
    return tuple(_template(step) for step in _STEPS)


def ladder_steps() -> dict[str, str]:
    """Template key -> the ladder step it is written for."""
    return {step.key: step.ladder_step for step in _STEPS}


def default_for(key: str, tone: Tone) -> Template:
    """The shipped template for ``key``, else the one for ``tone``."""
    by_key = {t.key: t for t in default_templates()}
    return by_key.get(key) or by_key[TONE_DEFAULTS[tone]]
