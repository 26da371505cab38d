"""heat-all: the API and an engine in one process, with embedded defaults.

With no configuration at all it keeps a SQLite database under the per-user
data directory, talks over the in-process transport, checks signatures
against its own credential store and builds stacks in the sandbox cloud.
"""

import os
import shlex
import sys

from heat.cmd import _process
from heat.cmd import _state_claim
from heat.common import config
from heat.common import wsgi
from heat.db import migration
from heat.engine import worker

CONF = config.CONF

WELCOME = """\
Heat is serving the CloudFormation API at {endpoint}
It runs in the foreground until Ctrl-C.  In another terminal, make keys
for a tenant:
    {manage} {config}credentials create --tenant demo
then, with the access and secret keys that prints, list its stacks:
    {cfn} --endpoint-url {endpoint} --access-key ACCESS --secret-key SECRET list
"""  # noqa: E501 (a command, kept whole)
SANDBOX = """\
Stacks are built in the sandbox cloud, where nothing real is created; see
what was with:
    {manage} {config}sandbox show --tenant demo
"""


def program(name):
    """How to run Heat's program name from any shell: its path beside this
    program when it is there (a virtualenv's bin, which need not be on the
    user's PATH), else its bare name."""
    beside = os.path.join(os.path.dirname(os.path.abspath(sys.argv[0])), name)
    return shlex.quote(beside) if os.path.isfile(beside) else name


def welcome(endpoint):
    """What heat-all prints once it serves: commands that work as typed."""
    text = WELCOME
    if CONF.clients.backend == 'sandbox':
        text += SANDBOX
    return text.format(
        endpoint=endpoint,
        manage=program('heat-manage'),
        config=config.config_file_args(),
        cfn=program('heat-cfn'),
    )


def main(argv=None):
    _process.start('heat-all', argv)
    # Before anything reads or writes the state: a second heat-all on the
    # same directory stops here, whatever its port.
    with _process.failures_in_one_line('heat-all'):
        claim = _state_claim.claim(CONF.state_path)
    config.use_embedded_transport_by_default()
    migration.upgrade()
    server = wsgi.Server(wsgi.load_app())
    # The address before the engine, so a taken one stops heat-all
    # before its engine starts.
    with _process.failures_in_one_line('heat-all'):
        server.bind()
    engine = worker.Engine()
    engine.start()
    server.start()
    sys.stdout.write(welcome(server.endpoint))
    sys.stdout.flush()
    try:
        _process.wait_for_stop_signal()
    finally:
        server.stop()
        engine.stop()
        claim.close()
