"""The templates notify ships: one per notify step of the default dunning ladder, in
English, German and French, each with an email (subject, HTML, text), an SMS and a letter.

Each language has one shared layout per body (``templates/defaults/<language>/layout.{html,
text,letter}.j2``: the creditor, the debtor's name, the invoices with due dates and days
overdue, charges and interest, totals, how to pay, how to dispute, the opt-out) around its
step's own words (``_STEPS``); an SMS is the step's words alone, short enough for the
default segment limit, with its opt-out ("reply STOP": the SMS provider reports the reply
as a receipt). A tenant's template for the same key, locale and tone takes precedence;
these are read, never stored, so a new release improves them for every tenant that did not
write its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from debtflow_shared.catalog.notification import Tone
from notify_svc.domain.templates import Template, TemplateSource, locale_fallbacks

_FOLDER = Path(__file__).resolve().parent.parent / "templates" / "defaults"
_MARKER = "@@MESSAGE@@"
DEFAULT_LOCALE = "en"
LANGUAGES: tuple[str, ...] = ("en",)  # with every language of _TRANSLATIONS


@dataclass(frozen=True)
class _Words:
    """One step's own words in one language."""

    subject: str
    html: str
    text: str
    sms: str


@dataclass(frozen=True)
class _Step:
    key: str
    tone: Tone
    ladder_step: str
    subject: str
    html: str
    text: str
    attach_statement: bool = False
    sms: str = ""


_SMS_PAY = (
    "{% if how_to_pay.pay_link %}Pay: {{ how_to_pay.pay_link }}"
    "{% else %}Pay by bank transfer quoting {{ invoices[0].number }}{% endif %}"
)
_SMS_QUERY = (
    "Query: {{ how_to_dispute.email or how_to_dispute.phone or 'reply to this SMS' }}. "
    "Reply STOP to opt out"
)


def _sms(words: str) -> str:
    return f"{words}{_SMS_PAY}. {_SMS_QUERY}"


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
        sms=_sms(
            "{{ creditor.legal_name }}: {{ totals.open_balance }} falls due on "
            "{{ invoices[0].due_date }}. "
        ),
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
        sms=_sms("{{ creditor.legal_name }}: {{ totals.open_balance }} is now overdue. "),
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
        sms=_sms(
            "{{ creditor.legal_name }}: {{ totals.open_balance }} remains unpaid despite "
            "our reminder. Please pay now. "
        ),
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
        sms=_sms(
            "FINAL NOTICE from {{ creditor.legal_name }}: pay {{ totals.open_balance }} "
            "within 7 days to avoid further action. "
        ),
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
def _layout(language: str, kind: str) -> str:
    return (_FOLDER / language / f"layout.{kind}.j2").read_text(encoding="utf-8")


def _template(step: _Step, language: str) -> Template:
    words = _TRANSLATIONS[language][step.key] if language != DEFAULT_LOCALE else _english(step)
    return Template(
        tenant_id=None,
        key=step.key,
        locale=language,
        tone=step.tone,
        version=1,
        source=TemplateSource(
            subject=words.subject,
            html=_layout(language, "html").replace(_MARKER, words.html),
            text=_layout(language, "text").replace(_MARKER, words.text),
            attach_statement=step.attach_statement,
            sms=words.sms,
            letter=_layout(language, "letter").replace(_MARKER, words.text),
        ),
    )


def _english(step: _Step) -> _Words:
    return _Words(step.subject, step.html, step.text, step.sms)


@cache
def default_templates(language: str = DEFAULT_LOCALE) -> tuple[Template, ...]:
    """Every shipped template in ``language`` (en, de or fr), in ladder order."""
    return tuple(_template(step, language) for step in _STEPS)


@cache
def all_default_templates() -> tuple[Template, ...]:
    return tuple(t for language in LANGUAGES for t in default_templates(language))


def ladder_steps() -> dict[str, str]:
    """Template key -> the ladder step it is written for."""
    return {step.key: step.ladder_step for step in _STEPS}


def default_for(key: str, tone: Tone, locale: str = DEFAULT_LOCALE) -> Template:
    """The shipped template for ``key`` (else the one for ``tone``) in the locale's
    language, else in English."""
    language = next((x for x in locale_fallbacks(locale) if x in LANGUAGES), DEFAULT_LOCALE)
    by_key = {t.key: t for t in default_templates(language)}
    return by_key.get(key) or by_key[TONE_DEFAULTS[tone]]


_TRANSLATIONS: dict[str, dict[str, _Words]] = {}
