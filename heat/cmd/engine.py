"""heat-engine: an RPC worker that parses templates and runs stacks.

Any number may run against one message bus and database; the API's calls
are shared among them.
"""

import sys

from alembic import script

from heat.cmd import _process
from heat.db import migration
from heat.engine import worker


def schema_is_current():
    head = script.ScriptDirectory.from_config(
        migration.make_config()).get_current_head()
    return migration.version() == head


def main(argv=None):
    _process.start('heat-engine', argv)
    if not schema_is_current():
        sys.exit('heat-engine: the database schema is not current; run '
                 '"heat-manage db_sync" first.')
    engine = worker.Engine()
    engine.start()
    try:
        _process.wait_for_stop_signal()
    finally:
        engine.stop()
