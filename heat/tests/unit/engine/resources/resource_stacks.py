"""Running a stored stack through the engine's operations, for resource
tests, and reading back what it recorded."""

import threading

from heat.db import api as db_api
from heat.engine import operations
from heat.engine import scheduler


def run(operation, stack):
    """Run operations.create/delete/... on the stack to its end."""
    with scheduler.CallPool(8) as pool:
        operation(stack, operations.Operation(pool, threading.Event()))


def status(stack):
    """The stored stack's state, e.g. 'CREATE_COMPLETE'."""
    row = db_api.stack_get(stack.row.id, show_deleted=True)
    return '%s_%s' % (row.action, row.status)


def event_reasons(stack, name, state):
    """The reasons of the resource's events in state, e.g. 'CREATE_FAILED'."""
    return [
        e.resource_status_reason
        for e in db_api.event_list(stack.row.id)
        if e.resource_name == name
        and '%s_%s' % (e.resource_action, e.resource_status) == state
    ]
