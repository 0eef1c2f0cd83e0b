"""The four services of the suite, in the order they are started."""

from __future__ import annotations

from dataclasses import dataclass

from analytics_svc.bootstrap import DEFINITION as ANALYTICS
from analytics_svc.settings import AnalyticsSettings
from debtflow_shared.service import ServiceDefinition
from debtflow_shared.settings import PlatformSettings, ServiceSettings
from escalation_svc.bootstrap import DEFINITION as ESCALATION
from escalation_svc.settings import EscalationSettings
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from notify_svc.bootstrap import DEFINITION as NOTIFY
from notify_svc.settings import NotifySettings


@dataclass(frozen=True)
class Member:
    definition: ServiceDefinition
    settings_class: type[ServiceSettings]

    @property
    def short_name(self) -> str:
        return self.definition.short_name

    def settings(self, platform: PlatformSettings) -> ServiceSettings:
        return self.settings_class(platform=platform)


SUITE: tuple[Member, ...] = (
    Member(INVOICE, InvoiceSettings),
    Member(ESCALATION, EscalationSettings),
    Member(NOTIFY, NotifySettings),
    Member(ANALYTICS, AnalyticsSettings),
)


def members(names: list[str] | None) -> list[Member]:
    """The members named (by short name, e.g. ``invoice``), or all of them."""
    if not names:
        return list(SUITE)
    known = {m.short_name: m for m in SUITE}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown service(s): {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[n] for n in names]
