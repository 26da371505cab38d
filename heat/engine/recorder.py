"""Persisting resource states and their events, in batches.

A stack with hundreds of resources changes state thousands of times; one
transaction each would dominate the run.  The recorder keeps the events
and the resources that changed, and writes them together at most every
FLUSH_SECONDS, and always before the stack's own state changes, so what
DescribeStackEvents shows is never more than that far behind.  A change
that no later one follows soon (a resource then waits long, for a server
or for signals) is written by a timer, and so is one that comes while a
batch is being written: the stack's thread does not wait for the
database.

The keys of wait condition handles ride in the same batches: a new key is
written with, or before, the state that shows its URL, so the URL never
works late, and a handle's signals are cleared in that same transaction.
A revoked key goes with the state that follows its handle's delete.  So do
the old signals of a resource created anew: a signal sent once its
CREATE_IN_PROGRESS shows is never cleared after it arrived.
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
        self._changed = {}  # resource row id -> resource
        self._new_keys = []  # rows of db_api.resource_key_new
        self._revoked_keys = []  # access ids of keys to delete
        self._cleared = []  # names of resources whose signals go
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
            due = self._due()
        if not due:
            return
        # A batch being written already: the stack's thread goes on, and
        # the timer writes what it queued.
        if not self._write_lock.acquire(blocking=False):
            with self._lock:
                self._arm_timer()
            return
        try:
            self._write()
        finally:
            self._write_lock.release()

    def key_made(self, row):
        """Queue a resource key (and the clearing of its resource's
        signals); the state change that shows its URL follows, and flushes
        it if the timer has not."""
        with self._lock:
            self._new_keys.append(row)
            self._arm_timer()

    def key_revoked(self, access):
        """Queue the delete of a resource key of this stack."""
        with self._lock:
            self._revoked_keys.append(access)
            self._arm_timer()

    def signals_cleared(self, resource_name):
        """Queue the delete of a resource's signals; its next state
        change follows, and is written with it."""
        with self._lock:
            self._cleared.append(resource_name)
            self._arm_timer()

    def _due(self):
        """Whether a flush is due now; if not, the timer will make one.
        Called with the lock held."""
        if time.monotonic() - self._last_flush >= FLUSH_SECONDS:
            return True
        self._arm_timer()
        return False

    def _arm_timer(self):
        if self._timer is None:
            self._timer = threading.Timer(FLUSH_SECONDS, self._timed_flush)
            self._timer.name = 'heat-state-flush'
            self._timer.daemon = True
            self._timer.start()

    def clear_signals_now(self, resource_name):
        """Return once the signals a queued key clears for resource_name
        are gone from the database, so that a read of them sees it."""
        with self._write_lock:
            with self._lock:
                pending = resource_name in self._cleared or any(
                    row['resource_name'] == resource_name
                    for row in self._new_keys
                )
            if pending:
                self._write()

    def _timed_flush(self):
        try:
            self.flush()
        except Exception:
            # Nobody waits on the timer's thread: say what was lost.
            LOG.exception(
                'Stack %s: resource states, events and handle '
                'keys could not be written',
                self._stack_id,
            )

    def flush(self):
        with self._write_lock:
            self._write()

    def _write(self):
        """Write what is queued; called with the write lock held."""
        with self._lock:
            events, self._events = self._events, []
            changed, self._changed = self._changed, {}
            new_keys, self._new_keys = self._new_keys, []
            revoked, self._revoked_keys = self._revoked_keys, []
            cleared, self._cleared = self._cleared, []
            self._last_flush = time.monotonic()
            self._timer = None
            # The resources' values as they are now, not as they were when
            # they changed: a physical id may have arrived since.  Taken
            # under the lock: a handle's URL is its id only after its key
            # was queued, so the key is in this batch or an earlier one.
            updates = [
                (row_id, resource_values(resource))
                for row_id, resource in changed.items()
            ]
        if not (events or updates or new_keys or revoked or cleared):
            return
        db_api.write_batch(
            updates,
            events,
            new_keys=new_keys,
            revoked_keys=[(self._stack_id, access) for access in revoked],
            cleared_signals=[(self._stack_id, name) for name in cleared],
        )


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
