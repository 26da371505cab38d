"""Alembic's entry point: run migrations on the connection Heat hands over.

heat.db.migration builds the alembic Config in code and passes an open
connection in ``config.attributes['connection']``; no alembic.ini is needed.
"""

from alembic import context

from heat.db import models

connection = context.config.attributes['connection']
context.configure(
    connection=connection,
    target_metadata=models.Base.metadata,
    # SQLite cannot ALTER most things; batch mode copies the table instead.
    render_as_batch=connection.dialect.name == 'sqlite',
)
with context.begin_transaction():
    context.run_migrations()
