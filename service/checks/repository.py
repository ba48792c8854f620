"""Saved regression-check policies: their queries.

Public API: ``PolicyRepository(session, tenant)``: by name, the policy of
one of some stories or of an outlet (the first by name), all, add, delete.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from service.models.checks import CheckPolicy

__all__ = ["PolicyRepository"]


class PolicyRepository:
    def __init__(self, session: Session, tenant: str) -> None:
        self.session = session
        self.tenant = tenant

    def named(self, name: str) -> CheckPolicy | None:
        return self.session.exec(
            select(CheckPolicy).where(CheckPolicy.tenant == self.tenant, CheckPolicy.name == name)
        ).first()

    def of_stories(self, keys: Sequence[str]) -> CheckPolicy | None:
        if not keys:
            return None
        return self.session.exec(
            select(CheckPolicy)
            .where(CheckPolicy.tenant == self.tenant, col(CheckPolicy.story).in_(keys))
            .order_by(col(CheckPolicy.name))
        ).first()

    def of_outlet(self, outlet: str) -> CheckPolicy | None:
        return self.session.exec(
            select(CheckPolicy)
            .where(CheckPolicy.tenant == self.tenant, CheckPolicy.outlet == outlet)
            .order_by(col(CheckPolicy.name))
        ).first()

    def all(self) -> Sequence[CheckPolicy]:
        return self.session.exec(
            select(CheckPolicy)
            .where(CheckPolicy.tenant == self.tenant)
            .order_by(col(CheckPolicy.name))
        ).all()

    def save(self, policy: CheckPolicy) -> CheckPolicy:
        self.session.add(policy)
        self.session.flush()
        return policy

    def delete(self, policy: CheckPolicy) -> None:
        self.session.delete(policy)
        self.session.flush()
