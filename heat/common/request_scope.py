"""The id of the request the running code works for, for its log lines.

The API binds it for each request (its RequestId), the engine for each RPC
call (from the caller's context, which carries the same id).  Threads that
go on working for a request are started with a copy of the context that
submitted them (``submit``), so their lines carry it too.  A contextvar,
not a thread-local: a copy is what a thread pool's task needs.
heat.common.log's filter writes it into every record.
"""

import contextlib
import contextvars

_current = contextvars.ContextVar('heat_request_id', default=None)


def current():
    """The id of the request being handled, or None."""
    return _current.get()


@contextlib.contextmanager
def bound(request_id):
    """Make request_id the current one within the block."""
    token = _current.set(request_id)
    try:
        yield
    finally:
        _current.reset(token)


def submit(executor, fn, *args, **kwargs):
    """executor.submit(fn, ...), run in a copy of the caller's context."""
    return executor.submit(contextvars.copy_context().run, fn, *args, **kwargs)
