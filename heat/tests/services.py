"""Finding the real services tests use, or skipping with a reason.

A test that needs RabbitMQ, MariaDB, PostgreSQL or keystone calls
``require(name, reason)`` when it cannot reach it: the test skips, unless
HEAT_TEST_REQUIRE_SERVICES=1, where it fails (CI sets that).
"""

import os
import socket

import pytest

MARIADB_URL = os.environ.get(
    'HEAT_TEST_MYSQL_URL', 'mysql+pymysql://root@127.0.0.1:3306'
)
POSTGRES_URL = os.environ.get(
    'HEAT_TEST_POSTGRES_URL', 'postgresql+psycopg://postgres@127.0.0.1:5432'
)
RABBIT_URL = os.environ.get(
    'HEAT_TEST_RABBIT_URL', 'rabbit://guest:guest@127.0.0.1:5672/'
)


def services_required():
    return os.environ.get('HEAT_TEST_REQUIRE_SERVICES') == '1'


def unavailable(name, reason):
    """Skip (or, when services are required, fail) the calling test."""
    message = '%s is not available: %s' % (name, reason)
    if services_required():
        pytest.fail(message + ' (HEAT_TEST_REQUIRE_SERVICES=1)')
    pytest.skip(message)


def port_open(host, port, timeout=1.0):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
