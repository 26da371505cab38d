"""Topic calls answered by an engine of this process, on the caller's thread.

heat-all runs the API and its engine in one interpreter over the in-process
transport, where a call still crosses four threads (the caller, the
engine's listener, its executor, the caller's reply waiter) and costs more
than a describe does in the engine.  An engine serving the topic on that
transport registers its endpoint here while it runs, and the client hands
topic calls (not calls to one engine by name: pings, cancels) straight to
it.  What the transport does to a call is kept: the context and arguments
are serialized and read back as they would be sent, so is the answer, and
an error comes back rebuilt exactly as oslo.messaging rebuilds it.  The
caller sees no difference but the time, and such a call cannot time out.

Only the in-process transport allows this: on a broker, engines in other
processes share the topic's calls.
"""

import logging
import sys
import threading

from oslo_messaging._drivers import common as rpc_common
from oslo_messaging.rpc import dispatcher
from oslo_serialization import jsonutils

LOG = logging.getLogger(__name__)

_lock = threading.Lock()
_endpoints: list[object] = []


def serve(endpoint):
    """Answer this process's topic calls with endpoint (an EngineService)."""
    with _lock:
        _endpoints.append(endpoint)


def withdraw(endpoint):
    with _lock:
        if endpoint in _endpoints:
            _endpoints.remove(endpoint)


def endpoint():
    """An endpoint serving the topic in this process, or None."""
    with _lock:
        return _endpoints[0] if _endpoints else None


# The types JSON reads back as they were written...
_SCALARS = frozenset((str, float, bool, type(None)))
# ...and ints short enough to be written whatever
# sys.set_int_max_str_digits allows (never fewer than 640 digits).
_WRITABLE_INT = 10**639


class _NotPlain(Exception):
    """The value holds something JSON would convert or refuse."""


def _copy_plain(value):
    """A copy of value as JSON reads it back, if it holds nothing but
    dicts with str keys, lists, tuples, _SCALARS and writable ints; else
    _NotPlain."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is dict:
        copy = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain()
            copy[key] = _copy_plain(item)
        return copy
    if kind is list or kind is tuple:
        return [_copy_plain(item) for item in value]
    if kind is int and -_WRITABLE_INT < value < _WRITABLE_INT:
        return value
    raise _NotPlain()


def _as_sent(value):
    """value as the other side of the transport reads it.

    Mostly it holds JSON's own types only, and copying it gives what the
    round trip through JSON would, in a third of the time.  Anything else
    (datetimes, objects, other keys, a cycle) takes the round trip, to be
    converted or refused exactly as the transport does.
    """
    try:
        return _copy_plain(value)
    except (_NotPlain, RecursionError):
        pass
    # Out of the handler, so that a refusal's traceback is its own.
    return jsonutils.loads(jsonutils.dumps(value))


def call(endpoint, ctxt, method, kwargs, serializer, allowed_exmods):
    """endpoint.method(ctxt, **kwargs) as if it had crossed the transport.

    serializer is the client's (and the server's) context serializer;
    allowed_exmods the modules whose errors travel back as themselves.
    """
    ctxt = serializer.deserialize_context(
        _as_sent(serializer.serialize_context(ctxt))
    )
    kwargs = _as_sent(kwargs)
    try:
        return _as_sent(getattr(endpoint, method)(ctxt, **kwargs))
    except dispatcher.ExpectedException as expected:
        failure = expected.exc_info
    except Exception:
        failure = sys.exc_info()
        # What the RPC server logs for an error nobody expected.
        LOG.exception('Exception during message handling')
    try:
        error = rpc_common.deserialize_remote_exception(
            rpc_common.serialize_remote_exception(failure), allowed_exmods
        )
    finally:
        del failure  # the traceback refers to this frame
    raise error


class Server:
    """An oslo.messaging RPC server whose endpoint, while the server runs,
    also answers this process's topic calls directly."""

    def __init__(self, rpc_server, endpoint):
        self._rpc_server = rpc_server
        self._endpoint = endpoint

    def start(self):
        self._rpc_server.start()
        serve(self._endpoint)

    def stop(self):
        withdraw(self._endpoint)
        self._rpc_server.stop()

    def wait(self):
        self._rpc_server.wait()
