"""The oslo.messaging transport, and how the request context crosses it."""

from oslo_config import cfg
import oslo_messaging

from heat.common import config
from heat.common import context
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
            CONF, allowed_remote_exmods=ALLOWED_EXMODS)
        _transport_url = _configured_url()
    return _transport


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
