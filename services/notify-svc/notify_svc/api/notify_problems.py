"""notify-svc's typed errors as problem documents: the one table where they meet HTTP."""

from __future__ import annotations

from debtflow_shared.http.problems import (
    CONCURRENT_CHANGE,
    NOT_FOUND,
    UNPROCESSABLE,
    ProblemTable,
    ProblemType,
)
from debtflow_shared.optimistic_lock import ConcurrentUpdate
from notify_svc.domain.provider_contract import ForgedSignature
from notify_svc.domain.templates import TemplateRefused
from notify_svc.service_layer.bounces import BounceForUnknownMessage, BounceSignatureInvalid
from notify_svc.service_layer.notifications import NotificationNotFound
from notify_svc.service_layer.receipts import UnknownProvider
from notify_svc.service_layer.suppressions import UnsubscribeLinkInvalid
from notify_svc.service_layer.templates import PreviewDebtorUnknown, TemplateNotFound

NOTIFY_PROBLEMS = ProblemTable(
    {
        TemplateRefused: ProblemType(422, "Template refused", "template-refused"),
        PreviewDebtorUnknown: UNPROCESSABLE,
        UnsubscribeLinkInvalid: ProblemType(400, "Invalid unsubscribe link", "unsubscribe-link"),
        BounceSignatureInvalid: ProblemType(401, "Invalid signature", "signature"),
        ForgedSignature: ProblemType(401, "Invalid signature", "signature"),
        UnknownProvider: UNPROCESSABLE,
        BounceForUnknownMessage: ProblemType(422, "Unknown message", "unknown-message"),
        TemplateNotFound: NOT_FOUND,
        NotificationNotFound: NOT_FOUND,
        ConcurrentUpdate: CONCURRENT_CHANGE,
    }
)
NotifyRoute = NOTIFY_PROBLEMS.route_class
