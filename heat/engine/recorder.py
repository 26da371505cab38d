"""Persisting resource states and their events, in batches.

A stack with hundreds of resources changes state thousands of times; one
transaction each would dominate the run.  The recorder keeps the events
and the resources that changed, and writes them together at most every
FLUSH_SECONDS, and always before the stack's own state changes, so what
DescribeStackEvents shows is never more than that far behind.  A change
that no later one follows soon (a resource then waits long, for a server
or for signals) is written by a timer.
"""

import logging
import threading
import time

from heat.db import api as db_api

LOG = logging.getLogger(__name__)

FLUSH_SECONDS = 0.05


class StateRecorder:

    def __init__(self, stack_id):
        self._stack_id = stack_id
        self._events = []
        self._changed = {}   # resource row id -> resource
        self._last_flush = time.monotonic()
        self._lock = threading.Lock()
        # Held while a batch is written, so batches land in order and a
        # flush returns only once everything before it is written.
        self._write_lock = threading.Lock()
        self._timer = None

    def resource_changed(self, row_id, resource, event):
        with self._lock:
            self._changed[row_id] = resource
            self._events.append(event)
            due = time.monotonic() - self._last_flush >= FLUSH_SECONDS
            if not due and self._timer is None:
                self._timer = threading.Timer(FLUSH_SECONDS,
                                              self._timed_flush)
                self._timer.name = 'heat-state-flush'
                self._timer.daemon = True
                self._timer.start()
        if due:
            self.flush()

    def _timed_flush(self):
        try:
            self.flush()
        except Exception:
            # Nobody waits on the timer's thread: say what was lost.
            LOG.exception('Stack %s: resource states and events could not '
                          'be written', self._stack_id)

    def flush(self):
        with self._write_lock:
            with self._lock:
                events, self._events = self._events, []
                changed, self._changed = self._changed, {}
                self._last_flush = time.monotonic()
                self._timer = None
            if not events and not changed:
                return
            # The resources' values as they are now, not as they were when
            # they changed: a physical id may have arrived since.
            updates = [(row_id, resource_values(resource))
                       for row_id, resource in changed.items()]
            db_api.write_batch(updates, events)


def resource_values(resource):
    """A resource's persistent state as resource table columns."""
    return {
        'action': resource.action.value,
        'status': resource.status.value,
        'status_reason': resource.status_reason,
        'physical_resource_id': resource.resource_id,
        'data': dict(resource.data),
        'rsrc_metadata': resource.metadata,
    }
