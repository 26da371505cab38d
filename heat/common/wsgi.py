"""Serving a paste.deploy WSGI application with a threaded server."""

import logging
import os
import sys
import threading

from cheroot import wsgi as cheroot_wsgi
from paste import deploy

from heat.common import config

CONF = config.CONF
LOG = logging.getLogger(__name__)

PACKAGED_ETC = os.path.join(
    os.path.dirname(__file__), '..', '..', 'etc', 'heat'
)


def find_paste_config():
    """The paste file: absolute, beside a config file, or the packaged one."""
    name = CONF.heat_api.paste_config
    if os.path.isabs(name):
        return name
    candidates = [os.path.dirname(f) for f in CONF.config_file or []]
    candidates += [PACKAGED_ETC, os.path.join(sys.prefix, 'etc', 'heat')]
    for directory in candidates:
        path = os.path.abspath(os.path.join(directory, name))
        if os.path.exists(path):
            return path
    raise RuntimeError(
        'paste config %s not found in %s' % (name, ', '.join(candidates))
    )


def load_app(name='heat-api-cfn'):
    return deploy.loadapp('config:%s' % find_paste_config(), name=name)


def _reason(exc):
    """The operating system's words in cheroot's bind error."""
    cause = str(exc)
    return cause.rsplit(']', 1)[-1].strip(' )') or cause


class Server:
    """A threaded WSGI server on [heat_api] bind_host:bind_port."""

    def __init__(self, app, host=None, port=None):
        host = host or CONF.heat_api.bind_host
        port = CONF.heat_api.bind_port if port is None else port
        self._server = cheroot_wsgi.Server(
            (host, port),
            app,
            numthreads=CONF.heat_api.workers,
            request_queue_size=128,
            timeout=30,
            server_name='heat-api',
        )
        # Idle keep-alive connections are not counted against a limit
        # (each still closes after `timeout` seconds): counting them takes,
        # on every response, a lock that the connection manager's thread
        # also takes, and clients lose no connection to a limit.
        self._server.keep_alive_conn_limit = None
        self._thread = None

    def bind(self):
        """Take the listening address, or raise OSError saying why not."""
        try:
            self._server.prepare()
        except OSError as exc:
            host, port = self._server.bind_addr[:2]
            raise OSError(
                'cannot listen on %s:%d ([heat_api] bind_host and '
                'bind_port): %s' % (host, port, _reason(exc))
            ) from exc

    def start(self):
        if not self._server.ready:
            self.bind()
        self._thread = threading.Thread(
            target=self._server.serve, name='heat-api', daemon=True
        )
        self._thread.start()
        LOG.info('heat-api listening on %s', self.endpoint)

    @property
    def endpoint(self):
        host, port = self._server.bind_addr[:2]
        if ':' in host:
            host = '[%s]' % host
        return 'http://%s:%d/v1/' % (host, port)

    def stop(self):
        self._server.stop()
        if self._thread is not None:
            self._thread.join(timeout=10)
