"""heat-all: the API and an engine in one process, with embedded defaults.

With no configuration at all it keeps a SQLite database under the per-user
data directory, talks over the in-process transport, checks signatures
against its own credential store and builds stacks in the sandbox cloud.
"""

import sys

from heat.cmd import _process
from heat.common import config
from heat.common import wsgi
from heat.db import migration
from heat.engine import worker

CONF = config.CONF

WELCOME = """\
Heat is serving the CloudFormation API at {endpoint}
Make credentials for a tenant with:
    heat-manage {config}credentials create --tenant demo
then, for example:
    aws cloudformation list-stacks --endpoint-url {endpoint} --region {region}
"""


def main(argv=None):
    _process.start('heat-all', argv)
    config.use_embedded_transport_by_default()
    migration.upgrade()
    server = wsgi.Server(wsgi.load_app())
    # The address first: a second heat-all on the same port and state must
    # stop before its engine starts working on the first one's stacks.
    with _process.failures_in_one_line('heat-all'):
        server.bind()
    engine = worker.Engine()
    engine.start()
    server.start()
    config_arg = ''.join('--config-file %s ' % f for f in CONF.config_file)
    sys.stdout.write(WELCOME.format(endpoint=server.endpoint,
                                    config=config_arg,
                                    region=CONF.clients.region_name))
    sys.stdout.flush()
    try:
        _process.wait_for_stop_signal()
    finally:
        server.stop()
        engine.stop()
