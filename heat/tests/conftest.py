"""Fixtures every test package may use.

The database fixtures live in heat.tests.dbfixtures; imported here, pytest
offers them to every test below without each module importing them.
"""

from heat.tests.dbfixtures import database_url  # noqa: F401
from heat.tests.dbfixtures import heat_db  # noqa: F401
from heat.tests.dbfixtures import heat_db_any  # noqa: F401
from heat.tests.dbfixtures import sqlite_url  # noqa: F401
