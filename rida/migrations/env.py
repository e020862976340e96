"""Alembic environment: migrations run on the connection rida hands over (see rida.db)."""

from alembic import context
from sqlalchemy import Connection, create_engine
from sqlmodel import SQLModel

from rida import models  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    with create_engine(config.get_main_option("sqlalchemy.url", "")).begin() as conn:
        run(conn)
