"""heat-api: the CloudFormation Query API, relaying to the engines over RPC."""

from heat.cmd import _process
from heat.common import wsgi


def main(argv=None):
    _process.start('heat-api', argv)
    server = wsgi.Server(wsgi.load_app())
    with _process.failures_in_one_line('heat-api'):
        server.bind()
    server.start()
    try:
        _process.wait_for_stop_signal()
    finally:
        server.stop()
