"""The oslo.messaging transport, and how the request context crosses it."""

import oslo_messaging

from heat.common import config
from heat.common import context
from heat.rpc import memory_transport

CONF = config.CONF

# Engine errors travel back to the API as themselves, so they keep their
# AWS error code: oslo.messaging rebuilds exceptions from these modules.
ALLOWED_EXMODS = ['heat.common.exception']

_transport = None


def get_transport():
    """The process's one RPC transport (created on first use)."""
    global _transport
    if _transport is None:
        memory_transport.register()
        _transport = oslo_messaging.get_rpc_transport(
            CONF, allowed_remote_exmods=ALLOWED_EXMODS)
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
