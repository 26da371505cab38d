"""What a stack does: create, delete and roll back, as graph runs.

Each operation runs in one engine worker thread while it holds the stack's
lock.  Resources run as scheduler tasks: every resource starts as soon as
what it depends on is complete, and cloud calls wait in the shared pool.
"""

import logging

from heat.common.states import ResourceAction
from heat.common.states import ResourceStatus
from heat.common.states import StackAction
from heat.common.states import StackStatus
from heat.engine import scheduler

LOG = logging.getLogger(__name__)

CREATE_STARTED = 'Stack CREATE started'
DELETE_STARTED = 'Stack DELETE started'

ON_FAILURE_ROLLBACK = 'ROLLBACK'
ON_FAILURE_DELETE = 'DELETE'
ON_FAILURE_DO_NOTHING = 'DO_NOTHING'


class Operation:
    """The things every operation of a stack needs besides the stack."""

    def __init__(self, pool, cancel_event):
        self.pool = pool
        self.cancel_event = cancel_event

    def run(self, stack, start_task, reverse=False, timeout=None):
        try:
            return scheduler.run_graph(
                stack.dependencies(),
                start_task,
                pool=self.pool,
                reverse=reverse,
                timeout=timeout,
                cancel_event=self.cancel_event,
            )
        finally:
            stack.recorder.flush()


def _timeout_seconds(stack):
    return stack.row.timeout * 60 if stack.row.timeout else None


def _failure_reason(action, result):
    """Why a graph run did not complete, naming the real failure."""
    if result.outcome is scheduler.RunOutcome.TIMED_OUT:
        return '%s timed out' % action.capitalize()
    if result.outcome is scheduler.RunOutcome.CANCELLED:
        return '%s cancelled' % action.capitalize()
    return 'Resource %s failed: %s' % (action, result.error)


def create(stack, operation):
    """Create every resource; on failure act as the stack's OnFailure says.

    As in CloudFormation, a failed create that rolls back (or deletes) goes
    straight from CREATE_IN_PROGRESS to ROLLBACK_IN_PROGRESS (or
    DELETE_IN_PROGRESS): only a create that keeps what it made, or that a
    delete cancelled, ends CREATE_FAILED.
    """
    stack.begin(StackAction.CREATE, CREATE_STARTED)
    result = operation.run(
        stack,
        lambda name: stack.resources[name].create(),
        timeout=_timeout_seconds(stack),
    )
    if result.outcome is scheduler.RunOutcome.COMPLETE:
        stack.set_state(
            StackAction.CREATE,
            StackStatus.COMPLETE,
            'Stack CREATE completed successfully',
        )
        return
    reason = _failure_reason('create', result)
    on_failure = stack.row.on_failure or (
        ON_FAILURE_DO_NOTHING
        if stack.row.disable_rollback
        else ON_FAILURE_ROLLBACK
    )
    if (
        result.outcome is scheduler.RunOutcome.CANCELLED
        or on_failure == ON_FAILURE_DO_NOTHING
    ):
        # A cancel came from a delete, which carries on from here.
        stack.set_state(StackAction.CREATE, StackStatus.FAILED, reason)
    elif on_failure == ON_FAILURE_ROLLBACK:
        rollback(stack, operation, reason)
    else:
        delete(stack, operation)


def rollback(stack, operation, reason):
    """Delete what a failed create made; reason says why it failed."""
    # Named now: the rollback turns the failed resources DELETE_COMPLETE.
    failure = _creation_failure(stack)
    stack.set_state(
        StackAction.ROLLBACK,
        StackStatus.IN_PROGRESS,
        'Rollback requested: %s' % reason,
    )
    result = operation.run(
        stack, lambda name: stack.resources[name].delete(), reverse=True
    )
    if result.outcome is scheduler.RunOutcome.COMPLETE:
        stack.set_state(
            StackAction.ROLLBACK,
            StackStatus.COMPLETE,
            'Rollback completed after: %s' % failure,
        )
    else:
        stack.set_state(
            StackAction.ROLLBACK,
            StackStatus.FAILED,
            _failure_reason('rollback', result),
        )


def _creation_failure(stack):
    failed = sorted(
        name
        for name, rsrc in stack.resources.items()
        if rsrc.action is ResourceAction.CREATE
        and rsrc.status is ResourceStatus.FAILED
    )
    if failed:
        return 'The following resource(s) failed to create: [%s].' % ', '.join(
            failed
        )
    return 'the create did not complete.'


def delete(stack, operation):
    """Delete every resource, dependents first; then the stack itself."""
    stack.begin(StackAction.DELETE, DELETE_STARTED)
    result = operation.run(
        stack,
        lambda name: stack.resources[name].delete(),
        reverse=True,
        timeout=_timeout_seconds(stack),
    )
    if result.outcome is scheduler.RunOutcome.COMPLETE:
        # Deleted first, so no one sees DELETE_COMPLETE on a stack that
        # its name still finds.
        stack.mark_deleted()
        stack.set_state(
            StackAction.DELETE,
            StackStatus.COMPLETE,
            'Stack DELETE completed successfully',
        )
    else:
        stack.set_state(
            StackAction.DELETE,
            StackStatus.FAILED,
            _failure_reason('delete', result),
        )
