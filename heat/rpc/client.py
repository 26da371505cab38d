"""The client the API uses to call the engines over RPC."""

import logging
import time

import oslo_messaging

from heat.common import config
from heat.common import exception
from heat.rpc import api
from heat.rpc import local
from heat.rpc import transport

CONF = config.CONF
LOG = logging.getLogger(__name__)

# Pause between attempts to hand a call to a broker that refused it.
SEND_RETRY_SECONDS = 0.5


class EngineClient:
    """Calls methods of heat.rpc.api on any engine serving the topic.

    Each method takes the request context first and keyword arguments as
    the engine's method of the same name defines them.  A call that no
    engine answers in time raises EngineTimeout (a 503 for the caller).
    A call the broker does not take, because it cannot be reached, is
    tried again until ``[heat_api] rpc_unavailable_timeout`` has passed,
    then raises EngineUnreachable (a 503 too, for a call no engine got).
    A topic call that an engine of this process can answer (heat-all) is
    answered by it on the caller's thread (heat.rpc.local).
    """

    def __init__(self, timeout=None, unavailable_timeout=None):
        target = oslo_messaging.Target(
            topic=CONF.engine.topic, version=api.RPC_API_VERSION
        )
        self._timeout = timeout or CONF.rpc_response_timeout
        if unavailable_timeout is None:
            unavailable_timeout = CONF.heat_api.rpc_unavailable_timeout
        self._unavailable_timeout = unavailable_timeout
        self._serializer = transport.ContextSerializer()
        self._client = oslo_messaging.get_rpc_client(
            transport.get_transport(),
            target,
            timeout=self._timeout,
            serializer=self._serializer,
            # One connection attempt per send: by default the driver
            # reconnects forever, holding the caller for the whole outage;
            # _send tries again itself, against a deadline.
            retry=0,
        )

    def call(self, ctxt, method, server=None, timeout=None, **kwargs):
        if method not in api.CALLS:
            raise ValueError('not an engine RPC method: %s' % method)
        if server is None:
            endpoint = local.endpoint()
            if endpoint is not None:
                return local.call(
                    endpoint,
                    ctxt,
                    method,
                    kwargs,
                    self._serializer,
                    transport.ALLOWED_EXMODS,
                )
        client = self._client
        if server is not None or timeout is not None:
            client = client.prepare(server=server, timeout=timeout)
        try:
            return self._send(client, ctxt, method, kwargs)
        except oslo_messaging.MessagingTimeout:
            raise exception.EngineTimeout(
                seconds=timeout or self._timeout
            ) from None

    def _send(self, client, ctxt, method, kwargs):
        """client.call, again while the broker cannot be reached.

        The driver raises MessageDeliveryFailure for a message the broker
        did not confirm: with the broker gone, one it never got, so the
        attempts do not reach an engine.
        """
        deadline = time.monotonic() + self._unavailable_timeout
        while True:
            try:
                return client.call(ctxt, method, **kwargs)
            except oslo_messaging.MessageDeliveryFailure as exc:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    LOG.warning('Message broker unreachable: %s', exc)
                    raise exception.EngineUnreachable(
                        seconds=self._unavailable_timeout
                    ) from None
                time.sleep(min(SEND_RETRY_SECONDS, remaining))

    def __getattr__(self, method):
        if method not in api.CALLS:
            raise AttributeError(method)
        return lambda ctxt, **kwargs: self.call(ctxt, method, **kwargs)
