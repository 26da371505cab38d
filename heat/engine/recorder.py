"""Persisting resource states and their events, in batches.

A stack with hundreds of resources changes state thousands of times; one
transaction each would dominate the run.  The recorder keeps the events
and the resources that changed, and writes them together at most every
FLUSH_SECONDS, and always before the stack's own state changes, so what
DescribeStackEvents shows is never more than that far behind.
"""

import threading
import time

from heat.db import api as db_api

FLUSH_SECONDS = 0.05


class StateRecorder:

    def __init__(self, stack_id):
        self._stack_id = stack_id
        self._events = []
        self._changed = {}   # resource row id -> resource
        self._last_flush = time.monotonic()
        self._lock = threading.Lock()

    def resource_changed(self, row_id, resource, event):
        with self._lock:
            self._changed[row_id] = resource
            self._events.append(event)
        if time.monotonic() - self._last_flush >= FLUSH_SECONDS:
            self.flush()

    def flush(self):
        with self._lock:
            events, self._events = self._events, []
            changed, self._changed = self._changed, {}
            self._last_flush = time.monotonic()
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
