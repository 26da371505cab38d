"""The database connection: one SQLAlchemy engine per process.

SQLite (the default, a file in state_path) runs in WAL mode so readers never
wait for the writer; writes start with BEGIN IMMEDIATE so that concurrent
writers queue on the busy timeout instead of failing with "database is
locked" when a read transaction tries to become a write one.
"""

import collections
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
    return sa.create_engine(
        url,
        pool_pre_ping=True,
        pool_size=CONF.database.pool_size,
        echo=CONF.database.echo,
    )


def _sqlite_engine(url):
    engine = sa.create_engine(
        url,
        echo=CONF.database.echo,
        pool_size=CONF.database.pool_size,
        connect_args={
            'check_same_thread': False,
            'timeout': SQLITE_BUSY_TIMEOUT_MS / 1000,
        },
    )

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
            'BEGIN IMMEDIATE' if writes else 'BEGIN'
        )

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


class DirectRead:
    """A fixed SELECT run on the driver's own cursor, for the reads of
    every describe.

    Through SQLAlchemy's execution (a Connection, its transaction, events,
    a Result) such a read costs three times as much.  The statement is
    compiled once per engine; the values bound and the columns read pass
    through their types' conversions as executing it would, and rows are
    named tuples.  The statement runs in a transaction of its own (SQLite's
    autocommit; elsewhere the driver's, rolled back when the connection
    goes back to the pool).  These reads are not echoed.
    """

    def __init__(self, statement):
        self._statement = statement
        self._plan = None

    def rows(self, **params) -> list:
        plan = self._plan_for(get_engine())
        with contextlib.closing(plan.engine.raw_connection()) as conn:
            cursor = conn.cursor()
            try:
                cursor.execute(plan.sql, plan.parameters(params))
                return [plan.row(values) for values in cursor.fetchall()]
            finally:
                cursor.close()

    def first(self, **params):
        rows = self.rows(**params)
        return rows[0] if rows else None

    def _plan_for(self, engine):
        plan = self._plan
        if plan is None or plan.engine is not engine:
            plan = self._plan = _ReadPlan(engine, self._statement)
        return plan


class _ReadPlan:
    """A statement compiled for one engine's dialect and driver."""

    def __init__(self, engine, statement):
        dialect = engine.dialect
        compiled = statement.compile(dialect=dialect)
        if '__[POSTCOMPILE' in compiled.string:
            raise ValueError(
                'A direct read needs every value bound as '
                'given (no IN lists): %s' % compiled.string
            )
        self.engine = engine
        self.sql = compiled.string
        self._compiled = compiled
        self._order = compiled.positiontup if compiled.positional else None
        # Only the values a type converts: most need nothing done.
        self._bind_processors = {}
        for name, bind in compiled.binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self._bind_processors[name] = processor
        self._result_processors = []
        for index, column in enumerate(statement.selected_columns):
            processor = column.type.dialect_impl(dialect).result_processor(
                dialect, None
            )
            if processor is not None:
                self._result_processors.append((index, processor))
        self._row = collections.namedtuple(
            'Row', statement.selected_columns.keys()
        )

    def parameters(self, given):
        values = self._compiled.construct_params(given)
        for name, processor in self._bind_processors.items():
            values[name] = processor(values[name])
        if self._order is None:
            return values
        return tuple(values[name] for name in self._order)

    def row(self, values):
        values = list(values)
        for index, processor in self._result_processors:
            values[index] = processor(values[index])
        return self._row._make(values)


@contextlib.contextmanager
def writing():
    """A session in one transaction, committed when the block ends."""
    get_engine()
    with _sessions(bind=_writer_engine) as session, session.begin():
        yield session
