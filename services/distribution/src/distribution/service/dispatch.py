"""One attempt of one delivery: compose what the channel needs and hand it to its sender.

Social posts are composed (and split into threads) from the release facts the consumer stored;
an email is rendered once per (release, channel, language, embargo) and stamped per recipient;
a webhook gets the release event's data. Everything here returns an Outcome: far-side trouble
never raises (a bug still does).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from distribution.domain.channels import Channel, EmailConfig, WebhookConfig
from distribution.domain.delivery import Delivery
from distribution.domain.email import (
    Recipient,
    ReleaseEmail,
    RenderedRelease,
    Sender,
    render_release,
)
from distribution.domain.email.alert import alert_message
from distribution.domain.email.wire import ReleaseMail
from distribution.domain.outcomes import Outcome, PermanentFailure, Success
from distribution.domain.releases import NEWSROOM_NAME, NOT_EVENT_DATA, ReleaseFacts
from distribution.domain.social import (
    Network,
    ReleaseForPost,
    SocialImage,
    SocialPostError,
    split_thread,
)
from distribution.domain.subscribers import Subscriber
from distribution.domain.tokens import TokenPurpose
from distribution.service.ports import EmailSender, SocialNetwork, TokenIssuer, WebhookDeliverer

RENDER_CACHE_SIZE = 256


@dataclass
class Senders:
    """The far sides' clients, one per channel kind (``bootstrap.py`` wires the real ones)."""

    networks: Mapping[str, SocialNetwork]
    webhooks: WebhookDeliverer
    smtp: EmailSender
    tokens: TokenIssuer
    public_base_url: str
    alert_sender: str = "alerts@newsroom.example"
    _rendered: dict[tuple[str, ...], ReleaseMail] = field(default_factory=dict)

    def rendered(self, key: tuple[str, ...], render: Callable[[], RenderedRelease]) -> ReleaseMail:
        """The email rendered (and its wire template made) once per key: rendering and building
        messages dominate a large fan-out."""
        if key not in self._rendered:
            if len(self._rendered) >= RENDER_CACHE_SIZE:
                self._rendered.pop(next(iter(self._rendered)))
            self._rendered[key] = ReleaseMail.of(render())
        return self._rendered[key]


def social_image(release: ReleaseFacts) -> SocialImage | None:
    """The release's social-card image from its stored facts (the event's ``image``), if any.

    The contract admits https URLs only, and the adapters check the destination before they
    download it. Facts stored before events carried images have none: no image is attached.
    """
    image = release.get("image")
    if not image or not image.get("url"):
        return None
    return SocialImage(url=image["url"], alt=image.get("alt_text", ""))


def release_for_post(release: ReleaseFacts) -> ReleaseForPost:
    return ReleaseForPost(
        title=release["title"],
        lead=release.get("lead", ""),
        url=release["url"],
        tags=tuple(release.get("tags", ())),
        language=release.get("language", "en"),
        image=social_image(release),
    )


async def attempt_social(
    senders: Senders, delivery: Delivery, channel: Channel, release: ReleaseFacts
) -> Outcome:
    try:
        posts = split_thread(release_for_post(release), Network(channel.kind))
    except SocialPostError as error:
        return PermanentFailure(f"cannot compose the post: {error}")
    adapter = senders.networks[channel.kind]
    # An earlier attempt may have posted (its answer lost, its worker dead): networks without an
    # idempotency key look for those posts first.
    since = delivery.reconcile_since()
    return await adapter.publish(channel.config, posts, delivery.idempotency_key, since=since)


async def retract_social(senders: Senders, delivery: Delivery, channel: Channel) -> Outcome:
    """Deletes every post of a withdrawn release's delivery, a thread's replies first. The first
    failure stops it; a post already gone counts as deleted, so a retry finishes the rest."""
    remote_ids = delivery.posted_ids()
    if not remote_ids:
        return PermanentFailure("the post's id is gone")
    adapter = senders.networks[channel.kind]
    for remote_id in reversed(remote_ids):
        outcome = await adapter.delete(channel.config, remote_id)
        if not isinstance(outcome, Success):
            return outcome
    return Success(remote_ids[0])


def webhook_payload(release: ReleaseFacts) -> dict[str, Any]:
    """What the hook receives: the release event's type and data, as we consumed it."""
    data = {k: v for k, v in release.items() if k not in NOT_EVENT_DATA}
    return {"type": release.get("event_type"), "data": data}


async def attempt_webhook(
    senders: Senders, delivery: Delivery, channel: Channel, release: ReleaseFacts
) -> Outcome:
    assert isinstance(channel.config, WebhookConfig)
    return await senders.webhooks.deliver(
        channel.config, webhook_payload(release), delivery.idempotency_key
    )


def release_email(release: ReleaseFacts, delivery: Delivery) -> ReleaseEmail:
    embargo = release.get("embargo_until") if delivery.under_embargo else None
    image = social_image(release)
    return ReleaseEmail(
        release_id=release["release_id"],
        # The slug only for a release planned before the newsroom read model knew its newsroom.
        newsroom_name=release.get(NEWSROOM_NAME) or release.get("newsroom_slug", ""),
        title=release["title"],
        lead=release.get("lead", ""),
        url=release["url"],
        language=release.get("language", "en"),
        image_url=None if image is None else image.url,
        image_alt="" if image is None else image.alt,
        embargo_until=datetime.fromisoformat(embargo) if embargo else None,
        preview_url=release.get("preview_url") if delivery.under_embargo else None,
    )


def _rendered_for(
    senders: Senders, delivery: Delivery, channel: Channel, release: ReleaseFacts, now: datetime
) -> ReleaseMail:
    config = channel.config
    assert isinstance(config, EmailConfig)
    key = (
        delivery.tenant_id,
        delivery.release_id,
        channel.id,
        str(release.get("version")),
        str(delivery.under_embargo),
    )
    sender = Sender(address=config.sender, name=config.sender_name, reply_to=config.reply_to)
    domain = config.sender.rsplit("@", 1)[1]
    list_id = f"{channel.name} <{channel.id}.{domain}>"
    return senders.rendered(
        key,
        lambda: render_release(
            release_email(release, delivery), sender=sender, list_id=list_id, now=now
        ),
    )


async def attempt_email(
    senders: Senders,
    delivery: Delivery,
    channel: Channel,
    release: ReleaseFacts,
    subscriber: Subscriber,
    now: datetime,
) -> Outcome:
    mail = _rendered_for(senders, delivery, channel, release, now)
    token = senders.tokens.issue(
        TokenPurpose.UNSUBSCRIBE, {"t": subscriber.tenant_id, "s": subscriber.id}
    )
    recipient = Recipient(
        address=subscriber.email,
        delivery_id=delivery.id,
        unsubscribe_url=f"{senders.public_base_url}/v1/unsubscribe/{token}",
        unsubscribe_mailto=f"mailto:{mail.rendered.sender}?subject={quote('unsubscribe ' + token)}",
    )
    return await senders.smtp.send(mail.for_recipient(recipient))


async def attempt_alert_email(
    senders: Senders, delivery: Delivery, spike: ReleaseFacts, now: datetime
) -> Outcome:
    """An alert to one staff address (the delivery's recipient); the delivery's id is the
    Message-ID, so a resend after a crash is the same message."""
    message = alert_message(
        spike, to=delivery.recipient, sender=senders.alert_sender, message_id=delivery.id, now=now
    )
    return await senders.smtp.send(message)
