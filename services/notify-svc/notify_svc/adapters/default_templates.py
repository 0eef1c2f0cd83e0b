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
LANGUAGES = ("en", "de", "fr")


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


def _sms(words: str, pay: str = _SMS_PAY, query: str = _SMS_QUERY) -> str:
    return f"{words}{pay}. {query}"


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


_DE_PAY = (
    "{% if how_to_pay.pay_link %}Zahlen: {{ how_to_pay.pay_link }}"
    "{% else %}Bitte überweisen mit Angabe {{ invoices[0].number }}{% endif %}"
)
_DE_QUERY = (
    "Fragen: {{ how_to_dispute.email or how_to_dispute.phone or 'Antwort auf diese SMS' }}. "
    "Abmelden: Antwort STOP"
)
_FR_PAY = (
    "{% if how_to_pay.pay_link %}Payer : {{ how_to_pay.pay_link }}"
    "{% else %}Virement en indiquant {{ invoices[0].number }}{% endif %}"
)
_FR_QUERY = (
    "Contestation : {{ how_to_dispute.email or how_to_dispute.phone or 'répondez à ce SMS' }}. "
    "STOP pour ne plus recevoir"
)


def _de(subject: str, words: str, sms: str) -> _Words:
    return _Words(subject, f"<p>{words}</p>", words, _sms(sms, _DE_PAY, _DE_QUERY))


def _fr(subject: str, words: str, sms: str) -> _Words:
    return _Words(subject, f"<p>{words}</p>", words, _sms(sms, _FR_PAY, _FR_QUERY))


_TRANSLATIONS: dict[str, dict[str, _Words]] = {
    "de": {
        "reminder.pre_due": _de(
            "{% if invoices | length == 1 %}Rechnung {{ invoices[0].number }} ist am "
            "{{ invoices[0].due_date }} fällig{% else %}{{ invoices | length }} Rechnungen "
            "werden bald fällig{% endif %} - {{ creditor.legal_name }}",
            "Eine freundliche Erinnerung: Die unten aufgeführten Rechnungen werden bald "
            "fällig. Ist die Zahlung schon unterwegs, danken wir Ihnen: Sie müssen nichts "
            "weiter tun.",
            "{{ creditor.legal_name }}: {{ totals.open_balance }} wird am "
            "{{ invoices[0].due_date }} fällig. ",
        ),
        "reminder.friendly": _de(
            "{% if invoices | length == 1 %}Rechnung {{ invoices[0].number }} ist "
            "überfällig{% else %}{{ invoices | length }} Rechnungen sind überfällig{% endif %}"
            " - {{ creditor.legal_name }}",
            "Nach unseren Unterlagen sind die unten aufgeführten Rechnungen fällig und noch "
            "offen. Vielleicht ist das untergegangen: Wir wären Ihnen dankbar, wenn Sie "
            "{{ totals.open_balance }} baldmöglichst begleichen.",
            "{{ creditor.legal_name }}: {{ totals.open_balance }} ist überfällig. ",
        ),
        "reminder.firm": _de(
            "Zahlung überfällig: {{ totals.open_balance }} - {{ creditor.legal_name }}",
            "Trotz unserer Erinnerung sind die unten aufgeführten Rechnungen weiterhin offen, "
            "die älteste seit {{ invoices | map(attribute='days_overdue') | max }} Tagen nach "
            "Fälligkeit. Bitte zahlen Sie {{ totals.open_balance }} jetzt, oder melden Sie "
            "sich noch heute, falls Sie nicht zahlen können.",
            "{{ creditor.legal_name }}: {{ totals.open_balance }} ist trotz Erinnerung "
            "offen. Bitte jetzt zahlen. ",
        ),
        "notice.final": _de(
            "Letzte Mahnung: {{ totals.open_balance }} überfällig - {{ creditor.legal_name }}",
            "LETZTE MAHNUNG VOR WEITEREN SCHRITTEN. Die unten aufgeführten Rechnungen sind "
            "erheblich überfällig. {% if charges %}Wie Gesetz und Vertrag es erlauben, haben "
            "wir die unten aufgeführten Gebühren berechnet. {% endif %}Bitte zahlen Sie "
            "{{ totals.open_balance }} innerhalb von 7 Tagen nach dieser Mahnung. Andernfalls "
            "können wir ohne weitere Ankündigung Zinsen berechnen, Ihr Konto sperren und die "
            "Forderung an ein Inkassounternehmen oder unsere Anwälte übergeben.",
            "LETZTE MAHNUNG von {{ creditor.legal_name }}: Zahlen Sie "
            "{{ totals.open_balance }} binnen 7 Tagen, um weitere Schritte zu vermeiden. ",
        ),
        "letter.before_action": _de(
            "Androhung gerichtlicher Schritte: {{ totals.open_balance }} - "
            "{{ creditor.legal_name }}",
            "ANDROHUNG GERICHTLICHER SCHRITTE. Wir schreiben Ihnen wegen der unten "
            "aufgeführten Forderung über {{ totals.open_balance }}, die trotz unserer "
            "Mahnungen offen ist. Wird sie nicht innerhalb von 14 Tagen nach dem Datum dieses "
            "Schreibens vollständig bezahlt oder melden Sie sich nicht mit einem "
            "Zahlungsvorschlag, werden wir ohne weitere Ankündigung gerichtliche Schritte "
            "einleiten und Zinsen, Pauschalen und Kosten geltend machen. Wenn Sie die "
            "Forderung bestreiten, teilen Sie uns dies jetzt mit Begründung mit.",
            "{{ creditor.legal_name }}: Wir haben Ihnen wegen {{ totals.open_balance }} "
            "gerichtliche Schritte angekündigt (Brief folgt). ",
        ),
    },
    "fr": {
        "reminder.pre_due": _fr(
            "{% if invoices | length == 1 %}La facture {{ invoices[0].number }} arrive à "
            "échéance le {{ invoices[0].due_date }}{% else %}{{ invoices | length }} factures "
            "arrivent bientôt à échéance{% endif %} - {{ creditor.legal_name }}",
            "Un rappel amical : les factures ci-dessous arrivent bientôt à échéance. Si votre "
            "paiement est déjà en route, merci : vous n'avez rien d'autre à faire.",
            "{{ creditor.legal_name }} : {{ totals.open_balance }} arrive à échéance le "
            "{{ invoices[0].due_date }}. ",
        ),
        "reminder.friendly": _fr(
            "{% if invoices | length == 1 %}La facture {{ invoices[0].number }} est échue"
            "{% else %}{{ invoices | length }} factures sont échues{% endif %}"
            " - {{ creditor.legal_name }}",
            "Selon nos écritures, les factures ci-dessous ont dépassé leur échéance et restent "
            "impayées. Il s'agit peut-être d'un oubli : nous vous serions reconnaissants de "
            "régler {{ totals.open_balance }} dans les meilleurs délais.",
            "{{ creditor.legal_name }} : {{ totals.open_balance }} est échu. ",
        ),
        "reminder.firm": _fr(
            "Paiement en retard : {{ totals.open_balance }} - {{ creditor.legal_name }}",
            "Malgré notre précédente relance, les factures ci-dessous restent impayées, la "
            "plus ancienne {{ invoices | map(attribute='days_overdue') | max }} jours après "
            "son échéance. Veuillez régler {{ totals.open_balance }} dès maintenant, ou "
            "contactez-nous aujourd'hui si vous ne pouvez pas payer.",
            "{{ creditor.legal_name }} : {{ totals.open_balance }} reste impayé malgré notre "
            "relance. Merci de régler maintenant. ",
        ),
        "notice.final": _fr(
            "Dernier avis : {{ totals.open_balance }} en retard - {{ creditor.legal_name }}",
            "DERNIER AVIS AVANT D'AUTRES MESURES. Les factures ci-dessous sont largement "
            "échues. {% if charges %}Comme la loi et vos conditions le permettent, les frais "
            "ci-dessous ont été ajoutés. {% endif %}Veuillez régler {{ totals.open_balance }} "
            "dans les 7 jours suivant cet avis. À défaut, nous pourrons, sans autre "
            "avertissement, facturer des intérêts, suspendre votre compte et confier la "
            "créance à une société de recouvrement ou à nos avocats.",
            "DERNIER AVIS de {{ creditor.legal_name }} : réglez {{ totals.open_balance }} "
            "sous 7 jours pour éviter d'autres mesures. ",
        ),
        "letter.before_action": _fr(
            "Mise en demeure : {{ totals.open_balance }} - {{ creditor.legal_name }}",
            "MISE EN DEMEURE. Nous vous écrivons au sujet de la créance de "
            "{{ totals.open_balance }} détaillée ci-dessous, qui reste impayée malgré nos "
            "relances. Faute de paiement intégral, ou d'une proposition de paiement de votre "
            "part, dans les 14 jours suivant la date du présent courrier, nous engagerons "
            "une procédure judiciaire pour la recouvrer, avec les intérêts, l'indemnité "
            "forfaitaire et les frais, sans autre avis. Si vous contestez la créance, "
            "dites-le-nous maintenant en précisant pourquoi.",
            "{{ creditor.legal_name }} : nous vous avons adressé une mise en demeure pour "
            "{{ totals.open_balance }}. ",
        ),
    },
}
