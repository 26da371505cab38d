"""Logging for Heat's processes: one line per record, to stderr."""

import logging

from oslo_config import cfg

from heat.common import config
from heat.common import request_scope

CONF = config.CONF

cli_opts = [
    cfg.BoolOpt(
        'debug',
        short='d',
        default=False,
        help='Log at DEBUG level instead of INFO.',
    ),
]
CONF.register_cli_opts(cli_opts)

FORMAT = '%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s'


class RequestIdFilter(logging.Filter):
    """Gives each record the id of the request it was made for (see
    heat.common.request_scope), or '-' when it was made for none."""

    def filter(self, record):
        if not hasattr(record, 'request_id'):
            record.request_id = request_scope.current() or '-'
        return True


def setup():
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if CONF.debug else logging.INFO)
    # Libraries that are chatty at INFO about every connection, migration
    # step or backend choice; Heat says what matters in its own words.
    for name in (
        'oslo.messaging',
        'oslo_messaging',
        'amqp',
        'kombu',
        'cheroot',
        'urllib3',
        'alembic',
        'oslo_service',
    ):
        logging.getLogger(name).setLevel(logging.WARNING)
