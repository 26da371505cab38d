"""Databases for tests: a SQLite file, or a fresh database on a server.

Fixtures (import the ones a test module uses):

    sqlite_url      URL of an empty SQLite file in tmp_path
    database_url    an empty database on each backend in turn
                    (sqlite, mysql, postgresql); server backends skip, or
                    fail under HEAT_TEST_REQUIRE_SERVICES=1, when absent
    heat_db         heat.db.api configured on a migrated SQLite file, with
                    state_path in tmp_path (so the crypto key file is too)
    heat_db_any     the same on each backend in turn

``server_database(backend)`` is the context manager underneath, for tests
that want a database of their own.
"""

import contextlib
import shutil
import uuid

import pytest
import sqlalchemy as sa

from heat.common import config
from heat.db import connection
from heat.db import migration
from heat.tests import services

BACKENDS = ('sqlite', 'mysql', 'postgresql')
SERVER_URLS = {
    'mysql': services.MARIADB_URL,
    'postgresql': services.POSTGRES_URL,
}


@contextlib.contextmanager
def server_database(backend):
    """Create a database heat_test_<random> on the server; drop it after."""
    server = sa.make_url(SERVER_URLS[backend])
    host, port = server.host or '127.0.0.1', server.port
    if not services.port_open(host, port):
        services.unavailable(
            backend, 'nothing listens on %s:%s' % (host, port)
        )
    name = 'heat_test_%s' % uuid.uuid4().hex[:12]
    admin = sa.create_engine(
        server.set(database='postgres' if backend == 'postgresql' else None),
        isolation_level='AUTOCOMMIT',
        poolclass=sa.pool.NullPool,
    )
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(_create_sql(backend, name))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        services.unavailable(backend, str(exc).splitlines()[0])
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(_drop_sql(backend, name))
        admin.dispose()


def _create_sql(backend, name):
    if backend == 'mysql':
        return 'CREATE DATABASE %s CHARACTER SET utf8mb4' % name
    return 'CREATE DATABASE %s' % name


def _drop_sql(backend, name):
    if backend == 'postgresql':
        # Pooled connections of the test may still be open.
        return 'DROP DATABASE IF EXISTS %s WITH (FORCE)' % name
    return 'DROP DATABASE IF EXISTS %s' % name


@contextlib.contextmanager
def database(backend, tmp_path):
    if backend == 'sqlite':
        yield 'sqlite:///' + str(tmp_path / 'heat.sqlite')
    else:
        with server_database(backend) as url:
            yield url


@pytest.fixture
def sqlite_url(tmp_path):
    return 'sqlite:///' + str(tmp_path / 'heat.sqlite')


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    with database(request.param, tmp_path) as url:
        yield url


_schema_file = None


def _copy_of_migrated_sqlite(tmp_path_factory, path):
    """Copy a once-migrated SQLite file to path: much faster than migrating."""
    global _schema_file
    if _schema_file is None:
        schema = tmp_path_factory.mktemp('schema') / 'heat.sqlite'
        migration.upgrade('sqlite:///' + str(schema))
        _schema_file = schema
    shutil.copyfile(_schema_file, path)


@contextlib.contextmanager
def _configured(url, tmp_path):
    config.CONF.set_override('state_path', str(tmp_path))
    connection.configure(url)
    try:
        yield url
    finally:
        connection.get_engine().dispose()
        config.CONF.clear_override('state_path')


@pytest.fixture
def heat_db(tmp_path, tmp_path_factory):
    path = tmp_path / 'heat.sqlite'
    _copy_of_migrated_sqlite(tmp_path_factory, path)
    with _configured('sqlite:///' + str(path), tmp_path) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def heat_db_any(request, tmp_path):
    with database(request.param, tmp_path) as url:
        migration.upgrade(url)
        with _configured(url, tmp_path):
            yield url
