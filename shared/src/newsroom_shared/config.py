"""Settings every service shares, read from the environment with pydantic-settings.

Each service subclasses :class:`ServiceSettings` with its own prefix (``PUBLISHER_`` ...).
The connection settings named in ``COMMON`` fall back to an unprefixed variable, so one
``MONGODB_URI`` serves all five services locally while production can give each service its
own cluster (``PUBLISHER_MONGODB_URI``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, SecretStr
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

COMMON = frozenset(
    {
        "kafka_bootstrap_servers",
        "mongodb_uri",
        "kafka_fetch_max_wait_ms",
        "kafka_off_path_fetch_max_wait_ms",
        "kafka_session_timeout_ms",
        "kafka_heartbeat_interval_ms",
        "log_level",
        "log_json",
    }
)

# The local default only: retryWrites=false because the local SecantusDB server slows down under
# retryable writes (see README, "Local infrastructure"). Production URIs keep the driver defaults.
LOCAL_MONGODB_URI = "mongodb://127.0.0.1:27027/?replicaSet=secantus&retryWrites=false"
LOCAL_KAFKA = "127.0.0.1:19092"


def key_list(value: SecretStr | None) -> list[str]:
    """The keys of a comma-separated setting, newest first (empty when unset): the
    newest key signs or encrypts, every listed key still verifies or decrypts, so keys rotate."""
    if value is None:
        return []
    return [key.strip() for key in value.get_secret_value().split(",") if key.strip()]


class _CommonEnvSource(EnvSettingsSource):
    """Unprefixed environment variables, for the settings in ``COMMON`` only."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        if field_name not in COMMON:
            return None, field_name, False
        return super().get_field_value(field, field_name)


class ServiceSettings(BaseSettings):
    """Connection, consumer, outbox and retry settings; each service adds its own."""

    model_config = SettingsConfigDict(extra="ignore", env_prefix="NEWSROOM_")
    service_name: ClassVar[str] = "newsroom"

    kafka_bootstrap_servers: str = LOCAL_KAFKA
    mongodb_uri: str = LOCAL_MONGODB_URI
    mongodb_database: str = ""  # empty: newsroom_<service>

    # How long the broker may hold a fetch of the publish-path consumers. Apache Kafka answers a
    # fetch as soon as data arrives, so a long wait costs no latency there and spares idle
    # fetches (each idle consumer sends one per wait): aiokafka's default. The local Kafka-protocol
    # broker holds a fetch for the whole wait instead, so local runs set 100 ms
    # (deploy/local/devstack.py exports KAFKA_FETCH_MAX_WAIT_MS with the local broker).
    kafka_fetch_max_wait_ms: int = 500
    # The same for consumers off that path (key events, newsroom and media facts, withdrawals):
    # an idle consumer sends one fetch per wait, and a service runs several, so a longer wait
    # spares idle fetches and CPU (bench/README.md, P5's idle CPU). Apache Kafka answers as
    # soon as data arrives, so this costs no latency there. The local broker holds a fetch for
    # its whole wait: locally 500 ms (deploy/local/devstack.py exports
    # KAFKA_OFF_PATH_FETCH_MAX_WAIT_MS).
    kafka_off_path_fetch_max_wait_ms: int = 2_000
    # A consumer missing heartbeats this long is dropped from its group and its partitions go
    # to the others. The local broker holds every JoinGroup for part of this timeout (Apache
    # Kafka delays only a new group's first join, by ``group.initial.rebalance.delay.ms``), so
    # local runs set a shorter one (deploy/local/devstack.py exports KAFKA_SESSION_TIMEOUT_MS).
    kafka_session_timeout_ms: int = 10_000
    kafka_heartbeat_interval_ms: int = 3_000
    consumer_group: str = ""  # empty: newsroom-<service>
    # Off for API-only replicas: they serve HTTP and consume nothing (each consumer takes
    # seconds to join its group at startup).
    consumers_enabled: bool = True

    outbox_batch_size: int = 500
    outbox_poll_interval_s: float = 1.0
    # While entries keep coming, the relay pauses this long between passes so each pass takes
    # the commits of the whole pause (fewer reads, marks and produce requests per event); it
    # is the most a busy relay adds to an event's latency. An idle relay publishes at once.
    outbox_busy_pause_s: float = 0.05
    outbox_lease_ttl_s: float = 10.0

    retry_max_attempts: int = 5
    retry_backoff_initial_s: float = 0.2
    retry_backoff_max_s: float = 10.0
    inbox_ttl_s: int = 14 * 24 * 3600

    # Each shutdown step (a hook, the relay, the consumers, the client) gets this long before it
    # is abandoned with a warning: a consumer stuck in a group join must not hold the process
    # past the orchestrator's grace period (Kubernetes: 30 s), so nothing else gets to stop.
    shutdown_step_timeout_s: float = 10.0

    # Staff API keys (newsroom_shared.auth): how long a verified key is trusted without
    # re-checking the key store; other replicas honour a revocation within this time.
    api_key_cache_ttl_s: float = 30.0

    # Request bodies longer than this answer 413 (newsroom_shared.http.body_limits): our APIs
    # take JSON; uploads, where a service has them, set their own larger limit.
    http_max_body_bytes: int = Field(default=1024 * 1024, ge=1)
    # The path prefix under which a reverse proxy serves this API, stripped before the request
    # reaches us (the one origin: /api/<service>). The server (``python -m <service>``) gives it
    # to the app as the ASGI root path, so the OpenAPI ``servers`` and /docs name it and work
    # through the proxy.
    http_root_path: str = Field(default="", pattern=r"^(/[A-Za-z0-9._~-]+)*$")
    # How many proxies we run in front of the service, each appending the address it saw to
    # X-Forwarded-For: per-client rate limits read the client from there (0: the peer address;
    # the one origin's proxy makes it 1 where the peer is the proxy, as in compose).
    http_trusted_proxies: int = Field(default=0, ge=0)

    log_level: str = "INFO"
    log_json: bool = True

    @property
    def database_name(self) -> str:
        return self.mongodb_database or f"newsroom_{self.service_name}"

    @property
    def group_id(self) -> str:
        return self.consumer_group or f"newsroom-{self.service_name}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        common = _CommonEnvSource(settings_cls, env_prefix="")
        return init_settings, env_settings, common, dotenv_settings, file_secret_settings
