"""The lock an engine holds on a stack while it changes it.

A lock is a row naming the holder's engine id.  An engine that finds a lock
asks the holder, on the holder's own RPC topic, whether it is alive; a dead
holder's lock is taken over, so no stack stays locked by a crashed engine.
"""

import enum
import logging

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

    def try_acquire(self, stack_name=None):
        """Take the lock: (LockOutcome, None), or (None, the live holder)."""
        holder = db_api.stack_lock_acquire(self.stack_id, self.engine_id)
        if holder is None:
            self.held = True
            return LockOutcome.ACQUIRED, None
        if holder != self.engine_id and not self._is_engine_alive(holder):
            if db_api.stack_lock_steal(self.stack_id, holder, self.engine_id):
                LOG.warning(
                    'Stack %s: took over the lock of engine %s, '
                    'which does not answer',
                    stack_name or self.stack_id,
                    holder,
                )
                self.held = True
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

    def release(self):
        """Drop the lock, unless it went already (see released)."""
        if self.held:
            db_api.stack_lock_release(self.stack_id, self.engine_id)
            self.held = False

    def released(self):
        """Note that the lock went with a write of the stack's state; a
        later release must not drop a lock taken since."""
        self.held = False
