"""heat-engine: an RPC worker that parses templates and runs stacks.

Any number may run against one message bus and database; the API's calls
are shared among them.
"""

import sys

from heat.cmd import _process
from heat.common import config
from heat.db import migration
from heat.engine import worker


def main(argv=None):
    _process.start('heat-engine', argv)
    if not migration.is_current():
        sys.exit(
            'heat-engine: the database schema is not current; run '
            '"heat-manage %sdb_sync" first.' % config.config_file_args()
        )
    engine = worker.Engine()
    engine.start()
    try:
        _process.wait_for_stop_signal()
    finally:
        engine.stop()
