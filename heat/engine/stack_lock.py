"""The lock an engine holds on a stack while it changes it.

A lock is a row naming the holder's engine id.  An engine that finds a lock
asks the holder, on the holder's own RPC topic, whether it is alive; a dead
holder's lock is taken over, so no stack stays locked by a crashed engine.

Within its engine, a lock belongs to one thread at a time: the one that
took it, until it hands the lock over to the worker thread that runs the
operation.  Only the owning thread releases it, so whatever fails, exactly
one party releases the lock, and no lock outlives a failure while its
engine lives on.
"""

import contextlib
import enum
import logging
import threading

from heat.common import exception
from heat.db import api as db_api

LOG = logging.getLogger(__name__)


class LockOutcome(enum.Enum):
    ACQUIRED = 'acquired'
    TAKEN_OVER = 'taken over from a dead engine'


class StackLock:
    def __init__(self, stack_id, engine_id, is_engine_alive):
        self.stack_id = stack_id
        self.engine_id = engine_id
        self._is_engine_alive = is_engine_alive
        # Whether this lock, as taken by this object, is still ours: the
        # same engine may take the stack's lock again once it went.
        self.held = False
        # The thread that owns the lock here (see owned and hand_over);
        # None while it is being handed over.
        self._owner = None
        self._owner_guard = threading.Lock()

    def try_acquire(self, stack_name=None):
        """Take the lock: (LockOutcome, None), or (None, the live holder)."""
        holder = db_api.stack_lock_acquire(self.stack_id, self.engine_id)
        if holder is None:
            self._taken()
            return LockOutcome.ACQUIRED, None
        if holder != self.engine_id and not self._is_engine_alive(holder):
            if db_api.stack_lock_steal(self.stack_id, holder, self.engine_id):
                LOG.warning(
                    'Stack %s: took over the lock of engine %s, '
                    'which does not answer',
                    stack_name or self.stack_id,
                    holder,
                )
                self._taken()
                return LockOutcome.TAKEN_OVER, None
        return None, holder

    def acquire(self, stack_name=None):
        """Take the lock, or raise StackInProgress naming the stack."""
        outcome, _ = self.try_acquire(stack_name)
        if outcome is not None:
            return outcome
        raise exception.StackInProgress(
            message='Stack %s is being changed by another operation; '
            'try again when it has finished.' % (stack_name or self.stack_id)
        )

    def _taken(self):
        self.held = True
        self._owner = threading.get_ident()

    @contextlib.contextmanager
    def acquired(self, stack_name=None):
        """Hold the lock for the block, or raise StackInProgress; it is
        released however the block ends, unless the block handed it over."""
        self.acquire(stack_name)
        with self.owned():
            yield self

    @contextlib.contextmanager
    def owned(self):
        """Run the block as the lock's owner, which this thread is: the
        lock is released when the block ends, unless it was handed over."""
        try:
            yield self
        finally:
            if self.mine():
                self.release()

    def mine(self):
        """Whether this thread owns the lock (and is the one to release)."""
        return self._owner == threading.get_ident()

    def hand_over(self, start_worker):
        """Give the lock to the worker that start_worker() starts, which
        must take_over() before it acts and then own it.

        If start_worker() raises before the worker took the lock, the
        lock stays this thread's and the error goes on; if the worker took
        it all the same (an executor can queue work and then fail to add a
        thread), the worker owns it and the error is only logged.
        """
        with self._owner_guard:
            self._owner = None
        try:
            start_worker()
        except Exception:
            if self.take_over():
                raise
            LOG.warning(
                'Stack %s: its worker started although starting it failed',
                self.stack_id,
                exc_info=True,
            )

    def take_over(self):
        """Own the lock being handed over: False if another thread got it
        first (then that thread releases it, and this one must not act)."""
        with self._owner_guard:
            if self._owner is None:
                self._owner = threading.get_ident()
            return self.mine()

    def release(self):
        """Drop the lock, unless it went already (see released)."""
        if self.held:
            db_api.stack_lock_release(self.stack_id, self.engine_id)
            self.held = False

    def released(self):
        """Note that the lock went with a write of the stack's state; a
        later release must not drop a lock taken since."""
        self.held = False
