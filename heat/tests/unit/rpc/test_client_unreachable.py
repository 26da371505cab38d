"""A broker that cannot be reached: calls are tried again until
``[heat_api] rpc_unavailable_timeout``, then answered with a 503.

How the real rabbit driver fails is in the functional test
(heat/tests/functional/test_broker_outage.py); here a client stands in
for oslo.messaging's, failing as its driver does: MessageDeliveryFailure
for a call the broker did not take.
"""

import time

import oslo_messaging
import pytest

from heat.api.cfn import faults
from heat.common import context
from heat.common import exception
from heat.rpc import client

CTXT = context.RequestContext(tenant='t1', user='u1')


class Broker:
    """An RPC client whose broker refuses the first `refusals` calls."""

    def __init__(self, refusals):
        self.refusals = refusals
        self.attempts = 0

    def call(self, ctxt, method, **kwargs):
        self.attempts += 1
        if self.attempts <= self.refusals:
            raise oslo_messaging.MessageDeliveryFailure('connection refused')
        return {'method': method, 'kwargs': kwargs}


def engine_client(unavailable_timeout):
    return client.EngineClient(
        timeout=5, unavailable_timeout=unavailable_timeout
    )


def test_a_broker_back_in_time_takes_the_call():
    broker = Broker(refusals=2)
    rpc = engine_client(unavailable_timeout=30)
    answer = rpc._send(broker, CTXT, 'ping', {'x': 1})
    assert answer == {'method': 'ping', 'kwargs': {'x': 1}}
    assert broker.attempts == 3


def test_a_broker_gone_for_longer_is_service_unavailable():
    broker = Broker(refusals=10**6)
    rpc = engine_client(unavailable_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(exception.EngineUnreachable) as raised:
        rpc._send(broker, CTXT, 'ping', {})
    elapsed = time.monotonic() - started
    # Tried again, with pauses, for the whole second and not much more.
    assert elapsed >= 1.0
    assert elapsed < 1.0 + 10 * client.SEND_RETRY_SECONDS
    assert 2 <= broker.attempts <= 1 + 1.0 / client.SEND_RETRY_SECONDS + 1
    assert isinstance(raised.value, exception.ServiceUnavailable)
    assert not isinstance(raised.value, exception.EngineTimeout)


def test_no_wait_refuses_at_the_first_failure():
    broker = Broker(refusals=1)
    with pytest.raises(exception.EngineUnreachable):
        engine_client(unavailable_timeout=0)._send(broker, CTXT, 'ping', {})
    assert broker.attempts == 1


def test_the_answer_is_an_aws_service_unavailable():
    err = exception.EngineUnreachable(seconds=10.0)
    response = faults.error_response(err, 'req-1')
    assert response.status_code == 503
    body = response.body.decode()
    assert '<Code>ServiceUnavailable</Code>' in body
    assert '<Type>Receiver</Type>' in body
    assert 'The engines cannot be reached' in body
    assert 'within 10.0 seconds' in body
    assert '<RequestId>req-1</RequestId>' in body
