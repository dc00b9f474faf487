"""One typed settings object; the only place that knows eventsourcing's variable names."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./complaints.db"
# Working days the holiday library does not know yet, and the confirmed years (SPEC §3).
DEFAULT_CALENDAR_OVERRIDES = Path(__file__).resolve().parent / "data" / "calendar_overrides.toml"


class OutboxEndpoint(BaseModel):
    """A system the desk tells of every change (COMPLAINTS_OUTBOX_ENDPOINTS, a JSON list)."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    url: str = Field(pattern=r"^https?://")
    secret: SecretStr = Field(min_length=16)  # the HMAC key the receiver checks with
    personal_data: bool = False


class Settings(BaseSettings):
    """`COMPLAINTS_DATABASE_URL` alone chooses the store: `sqlite:///path` or `postgresql://...`.

    A PostgreSQL URL may carry `?schema=NAME` to keep the store in its own schema.
    """

    model_config = SettingsConfigDict(env_prefix="COMPLAINTS_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    cipher_key: str | None = Field(default=None, repr=False)
    # HMAC key of the keyed hash chain (base64 of 32 bytes), kept apart from the database.
    chain_key: str | None = Field(default=None, repr=False)
    # Ed25519 private key that signs checkpoints (base64 of its 32 raw bytes).
    signing_key: str | None = Field(default=None, repr=False)
    secret_key: str | None = Field(default=None, repr=False)
    # HMAC keys of the search indexes, each apart from the cipher key so a leaked index
    # key reveals no event: exact lookups of phone, name and ID number (blind index), and
    # the character pairs of descriptions and requests (search tokens). Each may list
    # several keys separated by commas, newest first: rows are written under the newest,
    # searches try every one, `complaints keys rotate` moves the rows to the newest.
    blind_index_key: str | None = Field(default=None, repr=False)
    search_token_key: str | None = Field(default=None, repr=False)
    # Set when a key lives in a file beside the SQLite database (adapters/keys.py): the
    # service re-reads the file when it changes, so a rotation needs no restart.
    key_files: dict[str, Path] = Field(default_factory=dict, repr=False, exclude=True)
    # Years personal data is kept after a complaint closes (PIPL Art. 19, 47);
    # `complaints retention run` erases what is older.
    retention_years: int = Field(default=3, ge=1, le=100)
    # Whether the public disclosure shows each business's credit grade (SPEC §5: not
    # unless this says so).
    public_grade: bool = False
    # Minutes a bearer token stays valid; a changed role or password counts from the next one.
    token_minutes: int = Field(default=60, ge=1, le=24 * 60)
    timezone: str = "Asia/Shanghai"
    # After changing this file, rebuild the timeliness view: every deadline is recomputed.
    calendar_overrides: Path = DEFAULT_CALENDAR_OVERRIDES
    # The credit penalty rules file (None: the shipped SPEC §4 defaults). After changing
    # it, rebuild the credit_ledger view: every ledger is recomputed from the history.
    credit_rules: Path | None = None
    # The offices (codes, names, parents, which is the intake centre); None: the shipped file.
    offices: Path | None = None
    # Views follow the store inside the serving process; set false when a worker
    # (`complaints projections run`) keeps them current instead, as in production.
    projections_in_process: bool = True
    # ...and with it on, `complaints serve` runs them in a worker process it starts and
    # restarts itself, off the serving process's core; false keeps them in a thread.
    views_worker: bool = True
    # Every wait on the database is bounded, so an outage answers 503 at once instead of
    # hanging request threads: connecting and waiting for a pooled connection,
    # a running statement, and data the network never acknowledges (seconds).
    db_connect_timeout: float = Field(default=2.0, gt=0, le=60)
    db_statement_timeout: float = Field(default=15.0, gt=0, le=3600)
    db_network_timeout: float = Field(default=5.0, gt=0, le=600)
    # At most this many requests queue for a pooled connection; more get 503 at once.
    db_max_waiting: int = Field(default=40, ge=1, le=10_000)
    # Sign-in attempts (`limits` notation): failures per account, attempts per client
    # address; over either, 429 with Retry-After. Kept in this process's memory unless a
    # shared store is named (e.g. redis://host:6379 with several API processes).
    sign_in_per_account: str = "5/minute"
    sign_in_per_address: str = "30/minute"
    sign_in_limits_storage: str = "memory://"
    # Password checks (64 MiB each with argon2's defaults) running at once.
    password_checks: int = Field(default=2, ge=1, le=64)
    # The scraper's bearer token for /metrics; without it /metrics answers loopback only.
    metrics_token: str | None = Field(default=None, repr=False, min_length=16)
    # The surge test's thresholds for consumer warnings; None: the shipped file.
    warning_thresholds: Path | None = None
    # The outbox (application/delivery.py): where changes go, and how hard to try.
    outbox_endpoints: list[OutboxEndpoint] = Field(default_factory=list, repr=False)
    outbox_max_attempts: int = Field(default=8, ge=1, le=100)
    outbox_first_retry: float = Field(default=5.0, gt=0, le=3600)  # seconds; then doubling
    outbox_longest_retry: float = Field(default=3600.0, gt=0, le=86_400)
    outbox_timeout: float = Field(default=5.0, gt=0, le=120)
    outbox_concurrency: int = Field(default=4, ge=1, le=64)  # posts in flight per endpoint

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, url: str) -> str:
        if not url.startswith(("sqlite:///", "postgresql://", "postgres://")):
            raise ValueError("use sqlite:///path or postgresql://user@host:port/dbname")
        return url

    @field_validator("sign_in_per_account", "sign_in_per_address")
    @classmethod
    def _rate(cls, value: str) -> str:
        from limits import parse

        parse(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        ZoneInfo(name)
        return name

    @property
    def is_postgres(self) -> bool:
        return not self.database_url.startswith("sqlite")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def sqlite_path(self) -> Path:
        return Path(self.database_url.removeprefix("sqlite:///"))

    @property
    def postgres_schema(self) -> str:
        return parse_qs(urlsplit(self.database_url).query).get("schema", ["public"])[0]

    def sqlalchemy_url(self) -> str:
        if not self.is_postgres:
            return f"sqlite:///{self.sqlite_path}"
        parts = urlsplit(self.database_url)
        return f"postgresql+psycopg://{parts.netloc}{parts.path}"

    def to_eventsourcing_env(self) -> dict[str, str]:
        if not self.is_postgres:
            env = {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": str(self.sqlite_path),
                "SQLITE_LOCK_TIMEOUT": "10",
            }
        else:
            parts = urlsplit(self.database_url)
            env = {
                # eventsourcing.postgres, with statement and network timeouts added.
                "PERSISTENCE_MODULE": "adapters.event_store:BoundedPostgresFactory",
                "POSTGRES_DBNAME": parts.path.lstrip("/") or "postgres",
                "POSTGRES_HOST": parts.hostname or "127.0.0.1",
                "POSTGRES_PORT": str(parts.port or 5432),
                "POSTGRES_USER": unquote(parts.username or "postgres"),
                "POSTGRES_PASSWORD": unquote(parts.password or ""),
                "POSTGRES_SCHEMA": self.postgres_schema,
                # Stored functions insert a batch in one round trip: about twice the
                # write rate measured here (PERF.md).
                "POSTGRES_ENABLE_DB_FUNCTIONS": "y",
                "POSTGRES_POOL_SIZE": "5",
                "POSTGRES_MAX_OVERFLOW": "10",
                "POSTGRES_LOCK_TIMEOUT": "5",
                # eventsourcing takes whole seconds here; libpq needs at least 2.
                "POSTGRES_CONNECT_TIMEOUT": str(max(2, round(self.db_connect_timeout))),
                "POSTGRES_MAX_WAITING": str(self.db_max_waiting),
                "POSTGRES_PRE_PING": "y",
                "POSTGRES_STATEMENT_TIMEOUT": str(self.db_statement_timeout),
                "POSTGRES_TCP_USER_TIMEOUT": str(self.db_network_timeout),
            }
        if self.cipher_key:
            env["CIPHER_TOPIC"] = "adapters.keyring:KeyringCipher"
            env["CIPHER_KEY"] = self.cipher_key
            if "cipher_key" in self.key_files:
                env["CIPHER_KEY_FILE"] = str(self.key_files["cipher_key"])
        return env
