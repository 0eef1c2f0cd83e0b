"""SMS bodies counted in GSM-7 or UCS-2 segments; a template over the limit refused at save."""

from __future__ import annotations

import pytest

from notify_svc.domain.sms_segments import SmsEncoding, SmsSize, sms_size
from notify_svc.service_layer.templates import sms_text
from tests.notify_svc.notify_world import running_notify
from tests.support.harness import Backend


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", SmsEncoding.GSM_7, 0, 0),
        ("a" * 160, SmsEncoding.GSM_7, 160, 1),
        ("a" * 161, SmsEncoding.GSM_7, 161, 2),
        ("a" * 306, SmsEncoding.GSM_7, 306, 2),
        ("a" * 307, SmsEncoding.GSM_7, 307, 3),
        ("£1,320.00 due" + "a" * 147, SmsEncoding.GSM_7, 160, 1),
        ("€" * 80, SmsEncoding.GSM_7, 160, 1),  # an extension character costs two septets
        ("€" * 81, SmsEncoding.GSM_7, 162, 2),
        ("a" * 152 + "€", SmsEncoding.GSM_7, 154, 1),
        ("a" * 153 + "€" + "a" * 10, SmsEncoding.GSM_7, 165, 2),
        ("Łódź" + "a" * 66, SmsEncoding.UCS_2, 70, 1),  # one Polish letter: all UCS-2
        ("Łódź" + "a" * 67, SmsEncoding.UCS_2, 71, 2),
        ("Ελλάδα" * 23, SmsEncoding.UCS_2, 138, 3),  # lower-case Greek is not in GSM-7
        ("😀" * 35, SmsEncoding.UCS_2, 70, 1),  # outside the BMP: two code units each
        ("a" * 66 + "😀" + "a" * 66, SmsEncoding.UCS_2, 134, 3),  # a pair is never split
    ],
)
def test_a_body_is_counted_in_the_segments_a_provider_bills(
    text: str, encoding: SmsEncoding, units: int, segments: int
) -> None:
    assert sms_size(text) == SmsSize(encoding, units, segments)


def test_a_pair_of_units_that_does_not_fit_starts_the_next_part() -> None:
    # 152 septets, then an escape pair: 154 > 153, so the pair opens part two.
    assert sms_size("a" * 152 + "€" + "a" * 10).segments == 2
    assert sms_size("a" * 151 + "€" + "a" * 7).segments == 1  # 160 septets fit in one


SMS_TEMPLATE = {
    "key": "reminder.firm",
    "locale": "en-GB",
    "tone": "firm",
    "subject": "Overdue - {{ creditor.legal_name }}",
    "html": "<p>{{ totals.open_balance }}</p>",
    "text": "{{ totals.open_balance }}",
}


async def test_an_sms_template_over_the_tenants_segment_limit_is_refused_at_save(
    backend: Backend,
) -> None:
    long_sms = "{{ creditor.legal_name }} " + "Please pay what you owe us today. " * 15
    async with running_notify(
        backend, sms_max_segments=3, sms_segment_limits={"tenant-b": 1}
    ) as notify:
        refused = await notify.post("/v1/templates", SMS_TEMPLATE | {"sms": long_sms})
        short = "{{ creditor.legal_name }}: {{ totals.open_balance }} overdue. Reply STOP"
        saved = await notify.post("/v1/templates", SMS_TEMPLATE | {"sms": short})
        two = "{{ creditor.legal_name }} " + "Please pay. " * 14
        within_three = await notify.post("/v1/templates", SMS_TEMPLATE | {"sms": two})
        over_b = await notify.post("/v1/templates", SMS_TEMPLATE | {"sms": two}, tenant="tenant-b")
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["detail"].startswith("sms: renders to 4 SMS segments")
    assert "more than the tenant's limit of 3" in problem["detail"]
    assert saved.status_code == 201, saved.text
    assert saved.json()["sms"] == short
    assert within_three.status_code == 201, within_three.text
    assert over_b.status_code == 422
    assert "limit of 1" in over_b.json()["detail"]


def test_a_no_break_space_from_amount_formatting_does_not_make_an_sms_ucs_2() -> None:
    body = sms_text("Zahlen Sie 1.560,00\u00a0£ bis 7\u202fTage.\n\n")
    assert body == "Zahlen Sie 1.560,00 £ bis 7 Tage."
    assert sms_size(body).encoding is SmsEncoding.GSM_7
