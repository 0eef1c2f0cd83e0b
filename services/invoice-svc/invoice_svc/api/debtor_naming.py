"""Request bodies that name a debtor: by debtflow's id, or by the ERP's (its ``erp_id``).

An ERP knows its own customer numbers, not ours: ``debtor_erp_id`` spares it a lookup per
row. Exactly one of the two; a body with both or neither is refused naming the field.
"""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import BaseModel, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from debtflow_shared.catalog.common import ONE_LINE, ErpId

DebtflowId = Annotated[str, Field(min_length=1, max_length=36), ONE_LINE]
"""An id debtflow gave (a debtor's, an invoice's): a UUID, so at most 36 characters."""


class NamesDebtor(BaseModel):
    debtor_id: DebtflowId | None = Field(
        default=None, description="the debtor, by debtflow's id (or give `debtor_erp_id`)"
    )
    debtor_erp_id: ErpId | None = Field(
        default=None,
        description="the debtor, by the ERP's id (its `erp_id`), instead of `debtor_id`",
    )

    @model_validator(mode="after")
    def _exactly_one_debtor(self) -> Self:
        if self.debtor_id is not None and self.debtor_erp_id is not None:
            raise _error("debtor_erp_id", "give debtor_id or debtor_erp_id, not both")
        if self.debtor_id is None and self.debtor_erp_id is None:
            raise _error("debtor_id", "give debtor_id or debtor_erp_id")
        return self


def _error(field: str, message: str) -> ValidationError:
    # A ValidationError (not a ValueError) keeps the field in the error's location, so the
    # problem names ``debtor_id`` (or ``items[3].debtor_id``) rather than the whole body.
    error = PydanticCustomError("debtor_named", message)
    return ValidationError.from_exception_data(
        "NamesDebtor", [InitErrorDetails(type=error, loc=(field,), input=None)]
    )
