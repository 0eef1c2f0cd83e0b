"""/v1/templates: save (a new version each time), read, list, check and preview."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from debtflow_shared.auth import Principal
from debtflow_shared.catalog.notification import Tone
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.pagination import PagedById
from debtflow_shared.http.security import require
from notify_svc.api.notify_problems import NotifyRoute
from notify_svc.api.template_schemas import (
    PreviewIn,
    PreviewOut,
    TemplateCheck,
    TemplateIn,
    TemplateOut,
    TemplatePage,
)
from notify_svc.service_layer import templates as use_cases
from notify_svc.service_layer.templates import TemplateName
from notify_svc.settings import NotifySettings

router = APIRouter(prefix="/templates", tags=["templates"], route_class=NotifyRoute)

Reader = Annotated[Principal, Depends(require("notifications:read"))]
Writer = Annotated[Principal, Depends(require("templates:write"))]
KeyPath = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9._-]*$")]
LocalePath = Annotated[str, Path(max_length=35, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]
REFUSED: dict[int | str, dict[str, Any]] = {
    422: {"description": "the template would fail: the field and line are named"}
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "the tenant has no such template (version)"}
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Save a template as the next version of its key, locale and tone",
    responses=REFUSED,
)
async def save_template(
    body: TemplateIn, principal: Writer, uow: UnitOfWorkDep, request: Request
) -> TemplateOut:
    name = TemplateName(body.key, body.locale, body.tone)
    limit = _segment_limit(request, principal.tenant_id)
    stored = await use_cases.save_template(uow, principal.tenant_id, name, body.source(), limit)
    return TemplateOut.of(stored)


def _segment_limit(request: Request, tenant_id: str) -> int:
    settings: NotifySettings = request.app.state.runtime.settings
    return settings.sms_segment_limit(tenant_id)


@router.post(
    "/validate",
    summary="Check a template without saving it (unknown variables, syntax, sample render)",
    responses=REFUSED,
)
async def validate_template(
    body: TemplateIn, principal: Writer, uow: UnitOfWorkDep, request: Request
) -> TemplateCheck:
    limit = _segment_limit(request, principal.tenant_id)
    use_cases.validate(body.source(), body.locale, uow.clock.now().date(), limit)
    return TemplateCheck(valid=True)


@router.post(
    "/preview",
    summary="Render a template with sample data or a debtor's open invoices",
    responses=REFUSED,
)
async def preview_template(
    body: PreviewIn, principal: Reader, uow: UnitOfWorkDep, request: Request
) -> PreviewOut:
    name = TemplateName(body.key, body.locale, body.tone)
    source = body.template.source() if body.template else None
    link = str(request.url_for("unsubscribe_page")) + "?preview=1"
    rendered, template = await use_cases.preview(
        uow, principal.tenant_id, name, source, body.debtor_id, link
    )
    return PreviewOut(
        subject=rendered.subject,
        html=rendered.html,
        text=rendered.text,
        template_version=template.version if template else None,
        shipped_default=template is not None and template.tenant_id is None,
    )


@router.get(
    "/defaults",
    summary="The templates notify ships, one per ladder step in English, German and French",
)
async def shipped_templates(principal: Reader) -> list[TemplateOut]:
    return [TemplateOut.of(t) for t in use_cases.shipped_templates()]


@router.get("", summary="List the tenant's templates, newest version of each (cursor pagination)")
async def list_templates(
    principal: Reader,
    uow: UnitOfWorkDep,
    paging: PagedById,
    key: Annotated[str | None, Query(max_length=100, pattern=r"^[a-z0-9][a-z0-9._-]*$")] = None,
) -> TemplatePage:
    items = await use_cases.list_templates(
        uow, principal.tenant_id, after=paging.after, limit=paging.fetch, key=key
    )
    page, cursor = paging.page(items, lambda t: f"{t.key} {t.locale} {t.tone.value}")
    return TemplatePage(items=[TemplateOut.of(t) for t in page], next_cursor=cursor)


@router.get(
    "/{key}/{locale}/{tone}",
    summary="Read the newest version of a template",
    responses=NOT_FOUND,
)
async def read_template(
    key: KeyPath, locale: LocalePath, tone: Tone, principal: Reader, uow: UnitOfWorkDep
) -> TemplateOut:
    found = await use_cases.get_template(uow, principal.tenant_id, TemplateName(key, locale, tone))
    return TemplateOut.of(found)


@router.get(
    "/{key}/{locale}/{tone}/versions/{version}",
    summary="Read one version of a template",
    responses=NOT_FOUND,
)
async def read_template_version(
    key: KeyPath,
    locale: LocalePath,
    tone: Tone,
    version: Annotated[int, Path(ge=1, le=1_000_000)],
    principal: Reader,
    uow: UnitOfWorkDep,
) -> TemplateOut:
    name = TemplateName(key, locale, tone)
    return TemplateOut.of(await use_cases.get_template(uow, principal.tenant_id, name, version))


@router.delete(
    "/{key}/{locale}/{tone}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Retire a template: its versions stay readable, the default applies again",
    responses=NOT_FOUND,
)
async def retire_template(
    key: KeyPath, locale: LocalePath, tone: Tone, principal: Writer, uow: UnitOfWorkDep
) -> Response:
    await use_cases.retire_template(uow, principal.tenant_id, TemplateName(key, locale, tone))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
