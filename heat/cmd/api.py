"""heat-api: the CloudFormation Query API, relaying to the engines over RPC."""

import heat.cmd  # noqa: F401  (quiets eventlet's import warning)
from heat.cmd import _process
from heat.common import wsgi


def main(argv=None):
    _process.start('heat-api', argv)
    server = wsgi.Server(wsgi.load_app())
    server.start()
    try:
        _process.wait_for_stop_signal()
    finally:
        server.stop()
