"""The organisations offices entrust cases to (domain/organisations.py), kept in a plain
table an admin manages, beside the accounts: configuration, not history. Whoever adds
one is recorded in the account events."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Engine, MetaData, String, Table, func, insert, select
from sqlalchemy.exc import IntegrityError

from domain.errors import InvalidValue
from domain.organisations import Organisation, OrganisationKind

metadata = MetaData()

organisations = Table(
    "organisations",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("created_at", DateTime, nullable=False, server_default=func.now()),
)


class OrganisationExists(InvalidValue):
    def __init__(self, code: str) -> None:
        super().__init__("code", f"an organisation {code!r} already exists")


class Organisations:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def setup(self) -> None:
        metadata.create_all(self.engine)

    def add(self, code: str, *, name: str,
            kind: OrganisationKind = OrganisationKind.CONSUMER_ASSOCIATION) -> Organisation:
        organisation = Organisation(code, name.strip(), OrganisationKind(kind))
        try:
            with self.engine.begin() as db:
                db.execute(insert(organisations), {"code": organisation.code,
                                                   "name": organisation.name,
                                                   "kind": organisation.kind.value})
        except IntegrityError:
            raise OrganisationExists(code) from None
        return organisation

    def all(self) -> list[Organisation]:
        with self.engine.connect() as db:
            rows = db.execute(select(organisations).order_by(organisations.c.code)).all()
        return [Organisation(r.code, r.name, OrganisationKind(r.kind)) for r in rows]

    def get(self, code: str) -> Organisation | None:
        return next((o for o in self.all() if o.code == code), None)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.get(code) is not None
