"""Where the tenant's staff alerts (listening spikes) go."""

from __future__ import annotations

from fastapi import APIRouter

from distribution.entrypoints.http.dependencies import AdminTenant, DistributionDep, EditorTenant
from distribution.entrypoints.http.schemas.alerts import AlertRecipientsIn, AlertRecipientsOut
from distribution.service import alerts

router = APIRouter(prefix="/v1/alert-recipients", tags=["alerts"])


@router.get("")
async def get_alert_recipients(
    tenant: EditorTenant, distribution: DistributionDep
) -> AlertRecipientsOut:
    """Where alerts go (nobody until an admin sets it)."""
    now = distribution.clock.now()
    found = await alerts.get_recipients(distribution.reader(), tenant, now)
    return AlertRecipientsOut.of(found)


@router.put("")
async def set_alert_recipients(
    body: AlertRecipientsIn, tenant: AdminTenant, distribution: DistributionDep
) -> AlertRecipientsOut:
    """Replace where alerts go: staff email addresses and webhook channels of yours."""
    now = distribution.clock.now()
    saved = await distribution.transact(
        lambda uow: alerts.set_recipients(uow, tenant, body.emails, body.webhook_channel_ids, now)
    )
    return AlertRecipientsOut.of(saved)
