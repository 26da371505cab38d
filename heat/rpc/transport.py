"""The oslo.messaging transport, and how the request context crosses it."""

import functools

from oslo_config import cfg
import oslo_messaging

from heat.common import config
from heat.common import context
from heat.common import request_scope
from heat.rpc import local
from heat.rpc import memory_transport

CONF = config.CONF

# Engine errors travel back to the API as themselves, so they keep their
# AWS error code: oslo.messaging rebuilds exceptions from these modules.
ALLOWED_EXMODS = ['heat.common.exception']

_transport = None
_transport_url = None


def _configured_url():
    try:
        return CONF.transport_url
    except cfg.NoSuchOptError:
        return None  # oslo.messaging registers it with the first transport


def get_transport():
    """The process's RPC transport for the configured URL.

    Made again when the URL changes, so a transport made before the
    configuration was complete is never used for the wrong broker.
    """
    global _transport, _transport_url
    if _transport is None or _transport_url != _configured_url():
        cleanup()
        memory_transport.register()
        _transport = oslo_messaging.get_rpc_transport(
            CONF, allowed_remote_exmods=ALLOWED_EXMODS
        )
        _transport_url = _configured_url()
    return _transport


def in_process():
    """Whether the configured transport is heat-all's in-process one."""
    url = _configured_url() or ''
    return url.split(':', 1)[0] in (
        memory_transport.NAME,
        'kombu+' + memory_transport.NAME,
    )


def get_rpc_server(target, endpoint):
    """The RPC server of target, answering with endpoint's methods.

    On the in-process transport the endpoint also answers this process's
    topic calls directly (heat.rpc.local).
    """
    endpoint = RequestScopedEndpoint(endpoint)
    server = oslo_messaging.get_rpc_server(
        get_transport(),
        target,
        [endpoint],
        serializer=ContextSerializer(),
        access_policy=oslo_messaging.DefaultRPCAccessPolicy,
    )
    if in_process():
        return local.Server(server, endpoint)
    return server


class RequestScopedEndpoint:
    """Serves an endpoint's methods with the caller's request id bound
    (heat.common.request_scope), so that every log line a call makes
    carries the id the caller's log lines and answer carry."""

    def __init__(self, endpoint):
        self._endpoint = endpoint
        # What oslo.messaging matches calls' versions against.
        self.target = getattr(endpoint, 'target', None)

    def __getattr__(self, name):
        attribute = getattr(self._endpoint, name)
        if name.startswith('_') or not callable(attribute):
            return attribute  # private names are not served

        @functools.wraps(attribute)
        def scoped(ctxt, **kwargs):
            with request_scope.bound(ctxt.request_id):
                return attribute(ctxt, **kwargs)

        return scoped


def cleanup():
    global _transport
    if _transport is not None:
        _transport.cleanup()
        _transport = None


class ContextSerializer(oslo_messaging.NoOpSerializer):
    """Carries heat.common.context.RequestContext as a plain dict."""

    def serialize_context(self, ctxt):
        return ctxt.to_dict()

    def deserialize_context(self, ctxt):
        return context.RequestContext.from_dict(ctxt)
