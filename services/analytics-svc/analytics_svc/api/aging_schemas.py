"""The aging report's JSON shape."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from analytics_svc.domain.aging import Buckets
from analytics_svc.service_layer.reports import CurrencyAging


class BucketsOut(BaseModel):
    """Open amounts by days past due, in minor units."""

    model_config = ConfigDict(populate_by_name=True)

    current: int = Field(description="not yet due (or due on the day)")
    days_1_30: int = Field(alias="1-30")
    days_31_60: int = Field(alias="31-60")
    days_61_90: int = Field(alias="61-90")
    days_90_plus: int = Field(alias="90+")
    total: int

    @classmethod
    def of(cls, buckets: Buckets) -> BucketsOut:
        a = buckets.amounts
        return cls(
            current=a["current"],
            days_1_30=a["1-30"],
            days_31_60=a["31-60"],
            days_61_90=a["61-90"],
            days_90_plus=a["90+"],
            total=buckets.total,
        )


class DebtorAgingOut(BaseModel):
    debtor_id: str
    name: str | None = Field(description="null until the debtor's debtor.upserted is seen")
    buckets: BucketsOut


class CurrencyAgingOut(BaseModel):
    currency: str
    total: BucketsOut
    debtors: list[DebtorAgingOut] = Field(description="every debtor owing something, by id")

    @classmethod
    def of(cls, report: CurrencyAging) -> CurrencyAgingOut:
        return cls(
            currency=report.currency,
            total=BucketsOut.of(report.aging.total),
            debtors=[
                DebtorAgingOut(
                    debtor_id=debtor_id,
                    name=report.names.get(debtor_id),
                    buckets=BucketsOut.of(buckets),
                )
                for debtor_id, buckets in report.aging.by_debtor.items()
            ],
        )


class AgingOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "as_of": "2026-03-31",
                    "include_charges": True,
                    "currencies": [
                        {
                            "currency": "GBP",
                            "total": {
                                "current": 120000,
                                "1-30": 50000,
                                "31-60": 0,
                                "61-90": 0,
                                "90+": 7500,
                                "total": 177500,
                            },
                            "debtors": [
                                {
                                    "debtor_id": "d-1001",
                                    "name": "Acme Widgets Ltd",
                                    "buckets": {
                                        "current": 120000,
                                        "1-30": 50000,
                                        "31-60": 0,
                                        "61-90": 0,
                                        "90+": 7500,
                                        "total": 177500,
                                    },
                                }
                            ],
                        }
                    ],
                }
            ]
        }
    )

    as_of: date
    include_charges: bool = Field(description="whether open charges count as well as principal")
    currencies: list[CurrencyAgingOut]
