"""FastAPI dependencies every service's routes share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from debtflow_shared.unit_of_work import UnitOfWork


def unit_of_work(request: Request) -> UnitOfWork:
    """A fresh unit of work of the service handling the request (routes never commit)."""
    uow: UnitOfWork = request.app.state.runtime.uow()
    return uow


UnitOfWorkDep = Annotated[UnitOfWork, Depends(unit_of_work)]
