"""Column types that behave the same on SQLite, MariaDB and PostgreSQL."""

import datetime
import json

import sqlalchemy as sa
from sqlalchemy.dialects import mysql


class Json(sa.types.TypeDecorator):
    """A JSON document stored as text.

    Text rather than each server's native JSON type, so that every backend
    stores and returns exactly what was given.  MySQL's TEXT holds only
    64 KiB, too little for a template: LONGTEXT there.
    """

    impl = sa.Text
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name in ('mysql', 'mariadb'):
            return mysql.LONGTEXT()
        return sa.Text()

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return json.dumps(value, separators=(',', ':'))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return json.loads(value)


class UTCDateTime(sa.types.TypeDecorator):
    """A moment in UTC, stored without zone, returned timezone-aware.

    Naive values given are taken to be UTC already.  MySQL keeps
    microseconds only when asked (fsp=6); events are ordered by them.
    """

    impl = sa.DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name in ('mysql', 'mariadb'):
            return mysql.DATETIME(fsp=6)
        return sa.DateTime()

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(datetime.UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=datetime.UTC)


def utcnow():
    return datetime.datetime.now(datetime.UTC)
