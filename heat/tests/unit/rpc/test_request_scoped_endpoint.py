import logging

import oslo_messaging

from heat.common import context
from heat.common import log
from heat.common import request_scope
from heat.rpc import transport

LOG = logging.getLogger(__name__)


class Endpoint:
    target = oslo_messaging.Target(version='1.0')

    def describe(self, ctxt, name):
        LOG.info('describing %s', name)
        return request_scope.current()


def test_a_call_runs_with_the_callers_request_id(caplog):
    caplog.handler.addFilter(log.RequestIdFilter())
    caplog.set_level(logging.INFO, logger=__name__)
    scoped = transport.RequestScopedEndpoint(Endpoint())
    ctxt = context.RequestContext(tenant='t', request_id='req-1')

    assert scoped.describe(ctxt, name='web') == 'req-1'

    assert [(r.getMessage(), r.request_id) for r in caplog.records] == [
        ('describing web', 'req-1')
    ]
    assert request_scope.current() is None


def test_the_target_is_the_endpoints():
    endpoint = Endpoint()
    assert transport.RequestScopedEndpoint(endpoint).target is endpoint.target
