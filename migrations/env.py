"""Alembic environment: migrations run on the engine the app hands over
(``config.attributes["engine"]``), or on ``SOURCEDIFF_DATABASE_URL`` when
run from the ``alembic`` command line."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from service.models import metadata
from service.platform.config import Settings
from service.platform.db import make_engine

config = context.config


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if isinstance(engine, Engine):
        return engine
    url = config.get_main_option("sqlalchemy.url") or Settings().database_url
    return make_engine(url)


def run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url") or Settings().database_url,
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = _engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
