"""Resource states and events are written in batches, never left behind."""

import time

from heat.common import context
from heat.db import api as db_api
from heat.engine import recorder
from heat.engine import resource
from heat.engine import stack as stack_mod
from heat.engine import template as template_mod
from heat.tests.dbfixtures import heat_db  # noqa: F401 (fixture)

CTXT = context.RequestContext(tenant='t1', user='u1')


def stored_stack():
    stack = stack_mod.Stack.new(CTXT, 'recorded', template_mod.Template(
        {'Resources': {'Handle': {
            'Type': 'AWS::CloudFormation::WaitConditionHandle'}}}), {}, {})
    stack.store()
    return stack


def stored_events(stack):
    return [(e.resource_action, e.resource_status)
            for e in reversed(db_api.event_list(stack.row.id))]


def test_a_change_nothing_follows_is_written_soon(heat_db):
    stack = stored_stack()
    handle = stack.resources['Handle']
    handle.action = resource.Action.CREATE
    for status in (resource.Status.IN_PROGRESS, resource.Status.COMPLETE):
        handle.status = status
        stack.state_changed(handle)
    # Nothing else happens: the resource might now wait for minutes.
    time.sleep(recorder.FLUSH_SECONDS * 4)
    assert stored_events(stack) == [('CREATE', 'IN_PROGRESS'),
                                    ('CREATE', 'COMPLETE')]
    row = db_api.resource_get(stack.row.id, 'Handle')
    assert (row.action, row.status) == ('CREATE', 'COMPLETE')

