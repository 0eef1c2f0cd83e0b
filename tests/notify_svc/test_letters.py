"""Letters: a PDF in the shared Unicode font, on the structured postal address, stored, and
optionally handed to a print-and-mail provider over the HTTP provider contract."""

from __future__ import annotations

import base64
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from debtflow_shared.catalog.notification import NotificationSent
from notify_svc.domain.provider_contract import verify
from tests.notify_svc.notify_world import (
    RULES,
    Notify,
    creditor,
    debtor,
    invoice_state,
    issued,
    letter_request,
    postal_debtor,
    running_notify,
)
from tests.notify_svc.provider_server import ProviderServer, provider_server
from tests.support.harness import Backend, eventually
from tests.support.pdf_text import pdf_text

POLISH = "Zakład Usług Świętokrzyskich Łódź-Żółć Sp. z o.o."
GREEK = "Αθηναϊκή Εμπορική Εταιρεία Α.Ε."  # noqa: RUF001 (Greek on purpose)
POLISH_ADDRESS = {
    "lines": ["ul. Źródlana 5/7"],
    "postcode": "90-001",
    "city": "Łódź",
    "country": "PL",
}
GREEK_ADDRESS = {
    "lines": ["Οδός Ερμού 12"],
    "postcode": "105 63",
    "city": "Αθήνα",
    "country": "GR",
}
PRINT_SECRET = "test-print-provider-secret"


@pytest.fixture
def printer() -> Iterator[ProviderServer]:
    with provider_server() as server:
        yield server


def _overrides(letters: Path, **more: Any) -> dict[str, Any]:
    return {
        "letters_dir": letters,
        "dispatch_seconds": 0.1,
        "mail_from": "accounts@northwind.example",
        "public_base_url": "http://notify.test",
    } | more


async def _two_letters(notify: Notify) -> None:
    await notify.publish(
        postal_debtor("d-pl", POLISH, POLISH_ADDRESS, country="PL", language="pl"),
        postal_debtor("d-gr", GREEK, GREEK_ADDRESS, country="GR", language="el"),
        creditor(),
        issued(invoice_state("inv-d-pl", debtor_id="d-pl")),
        issued(invoice_state("inv-d-gr", debtor_id="d-gr")),
    )
    await notify.publish(letter_request("d-pl", locale="pl"), letter_request("d-gr", locale="el"))


def _letters(folder: Path) -> list[Path]:
    return sorted((folder / "tenant-a").glob("*.pdf")) if folder.exists() else []


async def test_letters_print_polish_and_greek_names_and_addresses_as_written(
    backend: Backend, tmp_path: Path
) -> None:
    letters = tmp_path / "letters"
    async with (
        backend.probe(NotificationSent.event_type) as sent,
        running_notify(backend, **_overrides(letters)) as notify,
    ):
        await _two_letters(notify)
        await eventually(lambda: len(sent.messages) == 2)
    texts = [pdf_text(path.read_bytes()) for path in _letters(letters)]
    assert len(texts) == 2
    polish = next(t for t in texts if "Łódź" in t)
    greek = next(t for t in texts if "Αθήνα" in t)
    assert POLISH in polish
    assert "ul. Źródlana 5/7" in polish
    assert "90-001 Łódź" in polish  # a Polish address: postcode, then town
    assert GREEK in greek
    assert "Οδός Ερμού 12" in greek
    for text in texts:
        assert "Northwind Supplies Ltd" in text
        assert "INV-D-" in text
        assert "Letter before action" in text
        assert "https://pay.northwind.example/acme" in text
        assert "disputes@northwind.example" in text
    channels = {e.data["channel"] for e in sent.envelopes()}
    assert channels == {"letter"}
    addresses = {e.data["address"] for e in sent.envelopes()}
    assert "ul. Źródlana 5/7, 90-001 Łódź, PL" in addresses


async def test_a_letter_renders_to_an_image_with_its_unicode_names(
    backend: Backend, tmp_path: Path
) -> None:
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm not found: `make test` installs poppler-utils"
    letters = tmp_path / "letters"
    async with (
        backend.probe(NotificationSent.event_type) as sent,
        running_notify(backend, **_overrides(letters)) as notify,
    ):
        await _two_letters(notify)
        await eventually(lambda: len(sent.messages) == 2)
    for path in _letters(letters):
        data = _first_page_png(pdftoppm, path, tmp_path / path.stem)
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(data) > 5_000  # a page with text on it, not a blank one


def _first_page_png(pdftoppm: str, pdf: Path, prefix: Path) -> bytes:
    subprocess.run(
        [pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(prefix)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    (png,) = prefix.parent.glob(f"{prefix.name}*.png")
    return png.read_bytes()


async def test_a_letter_goes_to_the_print_and_mail_provider_signed_with_its_pdf(
    backend: Backend, tmp_path: Path, printer: ProviderServer
) -> None:
    letters = tmp_path / "letters"
    overrides = _overrides(
        letters, letter_provider_url=printer.url, letter_provider_secret=PRINT_SECRET
    )
    async with (
        backend.probe(NotificationSent.event_type) as sent,
        running_notify(backend, **overrides) as notify,
    ):
        await _two_letters(notify)
        await eventually(lambda: len(sent.messages) == 2)
    assert len(printer.accepted()) == 2
    stored = {path.read_bytes() for path in _letters(letters)}
    for request in printer.accepted():
        verify(PRINT_SECRET, request.body, request.headers["X-Debtflow-Signature"], time.time())
        body = request.json
        assert body["channel"] == "letter"
        (document,) = body["documents"]
        assert document["media_type"] == "application/pdf"
        assert base64.b64decode(document["content_base64"]) in stored
        assert body["postal_lines"][0] in (POLISH, GREEK)
    assert {e.data["provider"] for e in sent.envelopes()} == {"letter-http"}


async def test_a_step_on_email_and_letter_sends_both_despite_the_minimum_gap(
    backend: Backend, tmp_path: Path
) -> None:
    letters = tmp_path / "letters"
    gap = RULES.model_copy(update={"min_gap_minutes": 24 * 60})
    final = {"step": "plus-21-final-notice", "template_key": "notice.final", "tone": "final"}
    async with (
        backend.probe(NotificationSent.event_type) as sent,
        running_notify(backend, **_overrides(letters)) as notify,
    ):
        await notify.publish(
            postal_debtor("d-pl", POLISH, POLISH_ADDRESS, country="PL"),
            creditor(),
            issued(invoice_state("inv-d-pl", debtor_id="d-pl")),
        )
        await notify.publish(
            letter_request("d-pl", rules=gap, **final),
            letter_request("d-pl", rules=gap, channel="email", **final),
        )
        await eventually(lambda: len(sent.messages) == 2)
    assert {e.data["channel"] for e in sent.envelopes()} == {"email", "letter"}


async def test_a_letter_goes_to_a_free_text_postal_contact_when_no_structured_address(
    backend: Backend, tmp_path: Path
) -> None:
    letters = tmp_path / "letters"
    contacts = [
        {"kind": "email", "value": "ap@acme.example"},
        {"kind": "postal", "value": "Accounts Payable\n1 High Street\nLondon EC1A 1BB"},
    ]
    async with (
        backend.probe(NotificationSent.event_type) as sent,
        running_notify(backend, **_overrides(letters)) as notify,
    ):
        await notify.publish(
            debtor("d-1", contacts=contacts),
            creditor(),
            issued(invoice_state("inv-d-1")),
        )
        await notify.publish(letter_request("d-1"))
        await eventually(lambda: len(sent.messages) == 1)
    (text,) = [pdf_text(path.read_bytes()) for path in _letters(letters)]
    assert "Accounts Payable\n1 High Street\nLondon EC1A 1BB" in text
    assert sent.envelopes()[0].data["address"] == "Accounts Payable, 1 High Street, London EC1A 1BB"


async def test_a_letter_for_a_debtor_without_any_postal_address_waits_for_one(
    backend: Backend, tmp_path: Path
) -> None:
    async with running_notify(backend, **_overrides(tmp_path / "letters")) as notify:
        await notify.publish(debtor("d-1"), creditor(), issued(invoice_state("inv-d-1")))
        await notify.publish(letter_request("d-1"))
        await eventually(lambda: _waiting_for_an_address(notify))
        (item,) = await notify.notifications()
    assert item["status"] == "deferred"
    assert item["waiting_for"] == "no_usable_address"


async def _waiting_for_an_address(notify: Notify) -> bool:
    # Not "debtor not known yet": the debtor's copy arrived, and it has no address.
    items = await notify.notifications()
    return bool(items) and "no postal address" in (items[0]["status_reason"] or "")
