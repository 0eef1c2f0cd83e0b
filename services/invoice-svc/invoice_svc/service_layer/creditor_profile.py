"""Setting and reading the tenant's creditor profile."""

from __future__ import annotations

from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.adapters.creditor_profile_repository import CreditorProfileRepository
from invoice_svc.adapters.logo_image import checked_logo
from invoice_svc.domain.creditor_profile import CreditorDetails, CreditorProfile, Logo


def readable_logo(media_type: str, data: bytes) -> Logo:
    """The uploaded logo, once decoding shows the statement PDF can draw it.

    Raises :class:`~invoice_svc.domain.creditor_profile.InvalidLogo` saying what is wrong.
    """
    return checked_logo(media_type, data)


async def set_creditor_profile(
    uow: UnitOfWork, tenant_id: str, details: CreditorDetails
) -> CreditorProfile:
    """Create or change the profile; an unchanged profile emits nothing."""
    async with uow:
        repository = CreditorProfileRepository(uow.session)
        profile = await repository.get(tenant_id)
        now = uow.clock.now()
        if profile is None:
            profile = CreditorProfile.create(tenant_id, details, now)
            await repository.save(profile)
        elif profile.change(details, now):
            await repository.save(profile)
        uow.track(profile)
        await uow.commit()
    return profile


async def get_creditor_profile(uow: UnitOfWork, tenant_id: str) -> CreditorProfile | None:
    async with uow:
        return await CreditorProfileRepository(uow.session).get(tenant_id)
