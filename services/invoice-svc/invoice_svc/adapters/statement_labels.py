"""Every text printed on a statement PDF, per language: the one place to translate them.

A statement uses the labels of the debtor's base language ("de" for "de", "de-AT" or
"de_CH"), taken from the Babel locale that also formats its amounts and dates; a language
not translated here gets English.

To add a language:

1. Copy ``ENGLISH`` below, name it after the language and translate every text as a credit
   controller in that country would write it to a customer.
2. Keep the ``{placeholders}`` exactly as in English (their order may change), and type
   typographic details such as the space before a French colon into the text itself.
3. Any character of DejaVu Sans (the document font: Latin, Greek, Cyrillic) prints.
4. Add it to ``LABELS`` under its ISO 639-1 code, and run
   ``tests/invoice_svc/test_statement_pdf_languages.py``, which checks all of the above.

Every field is required, so a new label cannot reach a PDF until each language has it.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel.core import Locale


@dataclass(frozen=True)
class StatementLabels:
    # Header. ``label_value`` joins a label to its value ("Statement date: 2 Mar 2026").
    label_value: str  # {label}, {value}
    statement_of_account: str
    statement_date: str
    customer_account: str
    statement_number: str
    aged_at: str  # shown when the items are aged at another day than the statement's
    to: str
    creditor_missing: str
    creditor_missing_detail: str
    # Footer of each page.
    footer: str  # {debtor}, {date}
    page: str  # {page}, {pages}
    # Open items.
    open_items: str
    no_open_items: str
    invoice: str
    date: str
    due: str
    amount: str
    days_overdue: str
    details: str
    balance: str
    # The lines under an invoice; a payment's reference or a credit note's reason follows.
    credit_note: str
    payment: str
    late_fee: str
    interest: str  # {start}, {end}: the days it covers
    compensation: str
    adjustment: str  # what the recorded lines do not explain
    disputed: str  # {number}: the invoice number of a disputed item
    # Summary by age: one column per aging bucket.
    summary_by_age: str
    currency: str
    not_yet_due: str
    days_1_30: str
    days_31_60: str
    days_61_90: str
    over_90_days: str
    total_open: str
    unapplied_credit: str
    balance_due: str
    # How to pay.
    how_to_pay: str
    payment_details_missing: str
    bank_transfer: str
    account_name: str
    sort_code: str
    account_number: str
    pay_online: str
    ask_for_payment_details: str
    quote_invoice_numbers: str
    # Questions or disputes.
    questions_or_disputes: str
    dispute: str
    email: str
    phone: str

    def bucket(self, key: str) -> str:
        """The column name of an aging bucket, by its key in ``statement.AGING_BUCKETS``."""
        return {
            "current": self.not_yet_due,
            "1-30": self.days_1_30,
            "31-60": self.days_31_60,
            "61-90": self.days_61_90,
            "90+": self.over_90_days,
        }[key]

    def pair(self, label: str, value: str) -> str:
        return self.label_value.format(label=label, value=value)


ENGLISH = StatementLabels(
    label_value="{label}: {value}",
    statement_of_account="Statement of account",
    statement_date="Statement date",
    customer_account="Customer account",
    statement_number="Statement no.",
    aged_at="Aged at",
    to="To:",
    creditor_missing="Creditor details not set",
    creditor_missing_detail="The creditor has not set its legal name, address or payment details.",
    footer="Statement for {debtor} as of {date}",
    page="Page {page} of {pages}",
    open_items="Open items",
    no_open_items="There are no open items on your account.",
    invoice="Invoice",
    date="Date",
    due="Due",
    amount="Amount",
    days_overdue="Days overdue",
    details="Details",
    balance="Balance",
    credit_note="Credit note",
    payment="Payment received",
    late_fee="Late payment fee",
    interest="Interest {start} to {end}",
    compensation="Compensation for recovery costs",
    adjustment="Other adjustments",
    disputed="{number} (disputed)",
    summary_by_age="Summary by age",
    currency="Currency",
    not_yet_due="Not yet due",
    days_1_30="1\u201330 days",
    days_31_60="31\u201360 days",
    days_61_90="61\u201390 days",
    over_90_days="Over 90 days",
    total_open="Total open",
    unapplied_credit="Unapplied credit on your account",
    balance_due="Balance due",
    how_to_pay="How to pay",
    payment_details_missing=(
        "Payment details have not been set up yet: please contact us before paying."
    ),
    bank_transfer="Bank transfer",
    account_name="Account name",
    sort_code="Sort code",
    account_number="Account number",
    pay_online="Pay online",
    ask_for_payment_details="Please contact us for payment details.",
    quote_invoice_numbers="Please quote the invoice numbers as the payment reference.",
    questions_or_disputes="Questions or disputes",
    dispute=(
        "If you believe an item on this statement is wrong, please contact us, quoting the "
        "invoice number and the reason. A disputed item is not chased while we look into it."
    ),
    email="Email",
    phone="Phone",
)

GERMAN = StatementLabels(
    label_value="{label}: {value}",
    statement_of_account="Kontoauszug",
    statement_date="Stichtag",
    customer_account="Kundennummer",
    statement_number="Auszugsnummer",
    aged_at="Fälligkeiten zum",
    to="An:",
    creditor_missing="Gläubigerangaben fehlen",
    creditor_missing_detail=(
        "Der Gläubiger hat Firmenname, Anschrift oder Zahlungsangaben noch nicht hinterlegt."
    ),
    footer="Kontoauszug für {debtor}, Stichtag {date}",
    page="Seite {page} von {pages}",
    open_items="Offene Posten",
    no_open_items="Auf Ihrem Konto sind keine Posten offen.",
    invoice="Rechnung",
    date="Datum",
    due="Fällig",
    amount="Betrag",
    days_overdue="Tage überfällig",
    details="Buchungstext",
    balance="Saldo",
    credit_note="Gutschrift",
    payment="Zahlungseingang",
    late_fee="Mahngebühr",
    interest="Verzugszinsen {start} bis {end}",
    compensation="Verzugspauschale",
    adjustment="Sonstige Korrekturen",
    disputed="{number} (beanstandet)",
    summary_by_age="Übersicht nach Fälligkeit",
    currency="Währung",
    not_yet_due="Noch nicht fällig",
    days_1_30="1\u201330 Tage",
    days_31_60="31\u201360 Tage",
    days_61_90="61\u201390 Tage",
    over_90_days="Über 90 Tage",
    total_open="Offen gesamt",
    unapplied_credit="Noch nicht verrechnetes Guthaben",
    balance_due="Zu zahlender Betrag",
    how_to_pay="Zahlungsinformationen",
    payment_details_missing=(
        "Die Zahlungsangaben sind noch nicht hinterlegt: Bitte sprechen Sie uns vor der Zahlung an."
    ),
    bank_transfer="Überweisung",
    account_name="Kontoinhaber",
    sort_code="Bankleitzahl",
    account_number="Kontonummer",
    pay_online="Online bezahlen",
    ask_for_payment_details="Bitte erfragen Sie unsere Bankverbindung bei uns.",
    quote_invoice_numbers="Bitte geben Sie die Rechnungsnummern als Verwendungszweck an.",
    questions_or_disputes="Rückfragen und Beanstandungen",
    dispute=(
        "Sollte ein Posten auf diesem Kontoauszug nicht stimmen, wenden Sie sich bitte unter "
        "Angabe der Rechnungsnummer und des Grundes an uns. Solange wir einen beanstandeten "
        "Posten prüfen, mahnen wir ihn nicht an."
    ),
    email="E-Mail",
    phone="Telefon",
)

FRENCH = StatementLabels(
    # French typography puts a non-breaking space before a colon.
    label_value="{label}\u00a0: {value}",
    statement_of_account="Relevé de compte",
    statement_date="Date du relevé",
    customer_account="Compte client",
    statement_number="N° de relevé",
    aged_at="Échéances au",
    to="Destinataire\u00a0:",
    creditor_missing="Coordonnées du créancier non renseignées",
    creditor_missing_detail=(
        "Le créancier n'a pas encore renseigné sa raison sociale, son adresse ou ses "
        "coordonnées de paiement."
    ),
    footer="Relevé de compte de {debtor} au {date}",
    page="Page {page} sur {pages}",
    open_items="Factures non réglées",
    no_open_items="Votre compte ne présente aucune facture non réglée.",
    invoice="Facture",
    date="Date",
    due="Échéance",
    amount="Montant",
    days_overdue="Jours de retard",
    details="Libellé",
    balance="Solde",
    credit_note="Avoir",
    payment="Règlement reçu",
    late_fee="Frais de retard",
    interest="Intérêts de retard du {start} au {end}",
    compensation="Indemnité forfaitaire pour frais de recouvrement",
    adjustment="Autres ajustements",
    disputed="{number} (contestée)",
    summary_by_age="Récapitulatif par ancienneté",
    currency="Devise",
    not_yet_due="Non échu",
    days_1_30="1\u201330 jours",
    days_31_60="31\u201360 jours",
    days_61_90="61\u201390 jours",
    over_90_days="Plus de 90 jours",
    total_open="Total dû",
    unapplied_credit="Crédit non imputé sur votre compte",
    balance_due="Solde à régler",
    how_to_pay="Modalités de règlement",
    payment_details_missing=(
        "Les coordonnées de paiement ne sont pas encore renseignées\u00a0: merci de nous "
        "contacter avant tout règlement."
    ),
    bank_transfer="Virement bancaire",
    account_name="Titulaire du compte",
    sort_code="Code banque",
    account_number="Numéro de compte",
    pay_online="Paiement en ligne",
    ask_for_payment_details="Merci de nous contacter pour obtenir nos coordonnées bancaires.",
    quote_invoice_numbers=(
        "Merci d'indiquer les numéros de facture en référence de votre règlement."
    ),
    questions_or_disputes="Questions ou contestations",
    dispute=(
        "Si un élément de ce relevé vous semble erroné, merci de nous contacter en indiquant "
        "le numéro de facture et le motif. Nous ne relançons pas une facture contestée tant "
        "que nous l'examinons."
    ),
    email="E-mail",
    phone="Téléphone",
)

SPANISH = StatementLabels(
    label_value="{label}: {value}",
    statement_of_account="Extracto de cuenta",
    statement_date="Fecha del extracto",
    customer_account="Cuenta de cliente",
    statement_number="N.º de extracto",
    aged_at="Antigüedad a",
    to="Destinatario:",
    creditor_missing="Faltan los datos del acreedor",
    creditor_missing_detail=(
        "El acreedor aún no ha indicado su razón social, su dirección ni sus datos de pago."
    ),
    footer="Extracto de cuenta de {debtor} a fecha de {date}",
    page="Página {page} de {pages}",
    open_items="Facturas pendientes",
    no_open_items="No hay facturas pendientes en su cuenta.",
    invoice="Factura",
    date="Fecha",
    due="Vencimiento",
    amount="Importe",
    days_overdue="Días de retraso",
    details="Concepto",
    balance="Saldo",
    credit_note="Abono",
    payment="Pago recibido",
    late_fee="Recargo por demora",
    interest="Intereses de demora del {start} al {end}",
    compensation="Indemnización por costes de cobro",
    adjustment="Otros ajustes",
    disputed="{number} (impugnada)",
    summary_by_age="Resumen por antigüedad",
    currency="Moneda",
    not_yet_due="No vencido",
    days_1_30="1\u201330 días",
    days_31_60="31\u201360 días",
    days_61_90="61\u201390 días",
    over_90_days="Más de 90 días",
    total_open="Total pendiente",
    unapplied_credit="Saldo a su favor no aplicado",
    balance_due="Importe a pagar",
    how_to_pay="Forma de pago",
    payment_details_missing=(
        "Los datos de pago aún no están configurados: póngase en contacto con nosotros antes "
        "de pagar."
    ),
    bank_transfer="Transferencia bancaria",
    account_name="Titular de la cuenta",
    sort_code="Código de sucursal",
    account_number="Número de cuenta",
    pay_online="Pago en línea",
    ask_for_payment_details="Póngase en contacto con nosotros para obtener los datos de pago.",
    quote_invoice_numbers="Indique los números de factura como concepto del pago.",
    questions_or_disputes="Consultas y reclamaciones",
    dispute=(
        "Si considera que alguna partida de este extracto no es correcta, póngase en contacto "
        "con nosotros indicando el número de factura y el motivo. Mientras revisamos una "
        "factura impugnada, no gestionaremos su cobro."
    ),
    email="Correo electrónico",
    phone="Teléfono",
)

DUTCH = StatementLabels(
    label_value="{label}: {value}",
    statement_of_account="Rekeningoverzicht",
    statement_date="Datum overzicht",
    customer_account="Klantnummer",
    statement_number="Overzichtnummer",
    aged_at="Ouderdom per",
    to="Aan:",
    creditor_missing="Gegevens schuldeiser ontbreken",
    creditor_missing_detail=(
        "De schuldeiser heeft zijn bedrijfsnaam, adres of betaalgegevens nog niet ingevuld."
    ),
    footer="Rekeningoverzicht voor {debtor} per {date}",
    page="Pagina {page} van {pages}",
    open_items="Openstaande posten",
    no_open_items="Er staan geen posten open op uw rekening.",
    invoice="Factuur",
    date="Datum",
    due="Vervaldatum",
    amount="Bedrag",
    days_overdue="Dagen te laat",
    details="Omschrijving",
    balance="Saldo",
    credit_note="Creditnota",
    payment="Ontvangen betaling",
    late_fee="Kosten wegens te late betaling",
    interest="Rente van {start} tot en met {end}",
    compensation="Vergoeding voor incassokosten",
    adjustment="Overige correcties",
    disputed="{number} (betwist)",
    summary_by_age="Overzicht naar ouderdom",
    currency="Valuta",
    not_yet_due="Niet vervallen",
    days_1_30="1\u201330 dagen",
    days_31_60="31\u201360 dagen",
    days_61_90="61\u201390 dagen",
    over_90_days="Meer dan 90 dagen",
    total_open="Totaal openstaand",
    unapplied_credit="Nog niet verrekend tegoed op uw rekening",
    balance_due="Te betalen",
    how_to_pay="Betaalinformatie",
    payment_details_missing=(
        "De betaalgegevens zijn nog niet ingesteld: neem vóór betaling contact met ons op."
    ),
    bank_transfer="Overboeking",
    account_name="Ten name van",
    sort_code="Bankcode",
    account_number="Rekeningnummer",
    pay_online="Online betalen",
    ask_for_payment_details="Neem contact met ons op voor onze betaalgegevens.",
    quote_invoice_numbers="Vermeld bij uw betaling de factuurnummers in de omschrijving.",
    questions_or_disputes="Vragen of bezwaren",
    dispute=(
        "Klopt een post op dit overzicht volgens u niet? Neem dan contact met ons op en "
        "vermeld het factuurnummer en de reden. Zolang wij een betwiste post onderzoeken, "
        "sturen wij daarvoor geen herinneringen."
    ),
    email="E-mail",
    phone="Telefoon",
)

LABELS: dict[str, StatementLabels] = {
    "en": ENGLISH,
    "de": GERMAN,
    "fr": FRENCH,
    "es": SPANISH,
    "nl": DUTCH,
}


def labels_for(locale: Locale) -> StatementLabels:
    """The labels in ``locale``'s language, or English when it is not translated."""
    return LABELS.get(locale.language, ENGLISH)
