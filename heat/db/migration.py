"""Schema migrations (alembic), driven from code.

    upgrade(url)            bring the schema to the newest revision
    downgrade(url, rev)     go back to rev ('base': nothing)
    version(url)            the revision the database is at, or None
    is_current(url)         whether it is at the newest revision

url=None means the configured database ([database] connection, else the
SQLite file in state_path).
"""

import contextlib
import logging
import os

from alembic import command
from alembic import config as alembic_config
from alembic import migration as alembic_migration
from alembic import script as alembic_script

from heat.db import connection

LOG = logging.getLogger(__name__)

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), 'migrations')


def upgrade(url=None, revision='head'):
    with _alembic_config(url) as config:
        current = alembic_migration.MigrationContext.configure(
            config.attributes['connection']
        ).get_current_revision()
        wanted = alembic_script.ScriptDirectory.from_config(
            config
        ).as_revision_number(revision)
        if current != wanted:
            # Said once here; alembic's own line per step is kept quiet.
            LOG.info(
                'Upgrading the database schema from %s to %s',
                current or 'nothing',
                wanted,
            )
        command.upgrade(config, revision)


def downgrade(url, revision='base'):
    with _alembic_config(url) as config:
        command.downgrade(config, revision)


def version(url=None) -> str | None:
    with _connection(url) as conn:
        return alembic_migration.MigrationContext.configure(
            conn
        ).get_current_revision()


def is_current(url=None) -> bool:
    head = alembic_script.ScriptDirectory.from_config(
        make_config()
    ).get_current_head()
    return version(url) == head


def make_config():
    """An alembic Config for Heat's migrations (without a connection)."""
    config = alembic_config.Config()
    config.set_main_option('script_location', MIGRATIONS_DIR)
    return config


@contextlib.contextmanager
def _alembic_config(url):
    with _connection(url) as conn:
        config = make_config()
        config.attributes['connection'] = conn
        yield config
        conn.commit()


@contextlib.contextmanager
def _connection(url):
    engine = connection.make_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == 'sqlite':
                # SQLite batch migrations copy and drop tables, which
                # enforced foreign keys would forbid.  (A pragma is ignored
                # inside a transaction: set it before one begins.)
                conn.connection.driver_connection.execute(
                    'PRAGMA foreign_keys = OFF'
                )
            yield conn
    finally:
        engine.dispose()
