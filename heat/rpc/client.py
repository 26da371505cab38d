"""The client the API uses to call the engines over RPC."""

import oslo_messaging

from heat.common import config
from heat.common import exception
from heat.rpc import api
from heat.rpc import local
from heat.rpc import transport

CONF = config.CONF


class EngineClient:
    """Calls methods of heat.rpc.api on any engine serving the topic.

    Each method takes the request context first and keyword arguments as
    the engine's method of the same name defines them.  A call that no
    engine answers in time raises EngineTimeout (a 503 for the caller).
    A topic call that an engine of this process can answer (heat-all) is
    answered by it on the caller's thread (heat.rpc.local).
    """

    def __init__(self, timeout=None):
        target = oslo_messaging.Target(
            topic=CONF.engine.topic, version=api.RPC_API_VERSION
        )
        self._timeout = timeout or CONF.rpc_response_timeout
        self._serializer = transport.ContextSerializer()
        self._client = oslo_messaging.get_rpc_client(
            transport.get_transport(),
            target,
            timeout=self._timeout,
            serializer=self._serializer,
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
            return client.call(ctxt, method, **kwargs)
        except oslo_messaging.MessagingTimeout:
            raise exception.EngineTimeout(
                seconds=timeout or self._timeout
            ) from None

    def __getattr__(self, method):
        if method not in api.CALLS:
            raise AttributeError(method)
        return lambda ctxt, **kwargs: self.call(ctxt, method, **kwargs)
