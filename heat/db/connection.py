"""The database connection: one SQLAlchemy engine per process.

SQLite (the default, a file in state_path) runs in WAL mode so readers never
wait for the writer; writes start with BEGIN IMMEDIATE so that concurrent
writers queue on the busy timeout instead of failing with "database is
locked" when a read transaction tries to become a write one.
"""

import contextlib
import os

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy import orm

from heat.common import config

CONF = config.CONF

SQLITE_BUSY_TIMEOUT_MS = 30000
_WRITES = 'heat_writes'

_engine = None
_writer_engine = None
_sessions = orm.sessionmaker(expire_on_commit=False)


def default_url():
    path = os.path.join(CONF.state_path, 'heat.sqlite')
    return 'sqlite:///' + path


def configured_url():
    return CONF.database.connection or default_url()


def make_engine(url=None):
    """A new engine for url (default: the configured database)."""
    url = sa.make_url(url or configured_url())
    if url.get_backend_name() == 'sqlite':
        return _sqlite_engine(url)
    return sa.create_engine(url, pool_pre_ping=True,
                            pool_size=CONF.database.pool_size,
                            echo=CONF.database.echo)


def _sqlite_engine(url):
    engine = sa.create_engine(
        url, echo=CONF.database.echo, pool_size=CONF.database.pool_size,
        connect_args={'check_same_thread': False,
                      'timeout': SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, 'connect')
    def on_connect(dbapi_connection, record):
        # SQLAlchemy emits BEGIN itself (below), not the sqlite3 module.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute('PRAGMA busy_timeout = %d' % SQLITE_BUSY_TIMEOUT_MS)
        if url.database not in (None, '', ':memory:'):
            cursor.execute('PRAGMA journal_mode = WAL')
        cursor.execute('PRAGMA synchronous = NORMAL')
        cursor.execute('PRAGMA foreign_keys = ON')
        cursor.close()

    @event.listens_for(engine, 'begin')
    def on_begin(connection):
        writes = connection.get_execution_options().get(_WRITES)
        # Straight to the driver: through SQLAlchemy's execution this
        # statement cost a fifth of every read.
        connection.connection.dbapi_connection.execute(
            'BEGIN IMMEDIATE' if writes else 'BEGIN')

    return engine


def configure(url=None):
    """Connect this process to url (default: [database] connection)."""
    global _engine, _writer_engine
    if _engine is not None:
        _engine.dispose()
    _engine = make_engine(url)
    _writer_engine = _engine.execution_options(**{_WRITES: True})


def get_engine():
    if _engine is None:
        configure()
    return _engine


@contextlib.contextmanager
def reading():
    """A session for reads; its rows stay usable after it closes."""
    with _sessions(bind=get_engine()) as session:
        yield session


@contextlib.contextmanager
def reading_rows():
    """A connection for reads of plain rows, in one read transaction.

    For the reads every request makes: it costs half what a session does,
    and rows cost far less to build than model objects.
    """
    with get_engine().connect() as conn, conn.begin():
        yield conn


@contextlib.contextmanager
def writing():
    """A session in one transaction, committed when the block ends."""
    get_engine()
    with _sessions(bind=_writer_engine) as session, session.begin():
        yield session
