"""Alembic environment: runs migrations on the engine dondoc hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from engine.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode drops and re-creates a table, which the foreign keys of
            # the rows pointing at it would refuse. SQLite ignores this pragma
            # inside a transaction, so it is set before the migration's begins,
            # and the keys are checked again (foreign_key_check) before commit.
            # Sent on the driver's connection: SQLAlchemy's would begin one first.
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            # SQLite cannot ALTER most things; batch mode copies the table instead.
            render_as_batch=sqlite,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"migration left rows without their parents: {broken[:5]}")
        connection.commit()
        if sqlite:
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]


run_migrations_online()
