"""The queries of saved regression-check policies, scoped to the tenant by
``TenantRepository``: by name, the policy of one of some stories or of an
outlet (the first by name), all of them (the base saves and deletes one)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col

from service.models.checks import CheckPolicy
from service.platform.repository import TenantRepository

__all__ = ["PolicyRepository"]


class PolicyRepository(TenantRepository):
    def named(self, name: str) -> CheckPolicy | None:
        return self.session.exec(self.select(CheckPolicy).where(CheckPolicy.name == name)).first()

    def of_stories(self, keys: Sequence[str]) -> CheckPolicy | None:
        if not keys:
            return None
        return self.session.exec(
            self.select(CheckPolicy)
            .where(col(CheckPolicy.story).in_(keys))
            .order_by(col(CheckPolicy.name))
        ).first()

    def of_outlet(self, outlet: str) -> CheckPolicy | None:
        return self.session.exec(
            self.select(CheckPolicy)
            .where(CheckPolicy.outlet == outlet)
            .order_by(col(CheckPolicy.name))
        ).first()

    def all(self) -> Sequence[CheckPolicy]:
        return self.session.exec(self.select(CheckPolicy).order_by(col(CheckPolicy.name))).all()
