"""Engines in this process on the in-process transport and a SQLite file:
locks, cancelling by delete, and stopping cleanly.

The ``engines`` fixture (conftest.py) is also what test_service.py drives.
"""

import json

import pytest

from heat.common import context
from heat.common import exception
from heat.db import api as db_api
from heat.engine import operations
from heat.engine import stack as stack_mod
from heat.tests.waiting import wait_until

CTXT = context.RequestContext(tenant='t1', user='u1')


def template(**resource_properties):
    """One Test::Resource::Controlled per keyword, with those properties."""
    return json.dumps(
        {
            'Resources': {
                name: {
                    'Type': 'Test::Resource::Controlled',
                    'Properties': props,
                }
                for name, props in resource_properties.items()
            }
        }
    )


def create(engines, name, body, ctxt=CTXT, **args):
    return engines.client.create_stack(
        ctxt, args={'StackName': name, 'TemplateBody': body, **args}
    )


def describe(engines, name, ctxt=CTXT):
    return engines.client.describe_stacks(ctxt, args={'StackName': name})[
        'Stacks'
    ][0]


def wait_until_settled(engines, name, ctxt=CTXT):
    """The stack's description once it is no longer IN_PROGRESS."""

    def settled():
        shown = describe(engines, name, ctxt)
        if not shown['StackStatus'].endswith('_IN_PROGRESS'):
            return shown
        return None

    return wait_until(
        settled,
        what=lambda: (
            'stack %s to settle: still %s'
            % (name, describe(engines, name, ctxt)['StackStatus'])
        ),
    )


def resource_state(stack_id, name):
    row = db_api.resource_get(stack_id, name)
    return '%s_%s' % (row.action, row.status)


def wait_for_resource(stack_id, name, status):
    wait_until(
        lambda: resource_state(stack_id, name) == status,
        what=lambda: (
            'resource %s to reach %s: it is %s'
            % (name, status, resource_state(stack_id, name))
        ),
    )


def stored_stack(arn):
    return db_api.stack_get(arn.rsplit('/', 1)[1], show_deleted=True)


def locks_held_by(engine_id):
    return sorted(
        stack_id
        for stack_id, holder in db_api.stack_locks_holders().items()
        if holder == engine_id
    )


def resource_states(arn):
    return {
        row.name: '%s_%s' % (row.action, row.status)
        for row in db_api.resource_get_all(stored_stack(arn).id)
    }


def test_operation_on_a_stack_another_live_engine_holds_is_refused(engines):
    first, second = engines.start(), engines.start()
    arn = create(engines, 'locked', template(A={}))['StackId']
    wait_until_settled(engines, 'locked')
    row = stored_stack(arn)
    assert db_api.stack_lock_acquire(row.id, second.engine_id) is None
    stack = stack_mod.Stack.load(CTXT, row)
    with pytest.raises(exception.StackInProgress) as caught:
        first.run_locked(
            stack, operations.delete, 'DELETE', operations.DELETE_STARTED
        )
    assert 'locked' in str(caught.value)
    assert locks_held_by(second.engine_id) == [row.id]


def test_a_dead_engines_lock_is_taken_over(engines):
    engine = engines.start()
    arn = create(engines, 'orphan', template(A={}))['StackId']
    wait_until_settled(engines, 'orphan')
    row = stored_stack(arn)
    assert db_api.stack_lock_acquire(row.id, 'gone-host:0123456789ab') is None
    engine.run_locked(
        stack_mod.Stack.load(CTXT, row),
        operations.delete,
        'DELETE',
        operations.DELETE_STARTED,
    )
    assert wait_until_deleted(engines, arn) == 'DELETE_COMPLETE'
    assert locks_held_by('gone-host:0123456789ab') == []


def wait_until_deleted(engines, arn):
    def deleted():
        status = describe(engines, arn)['StackStatus']
        return (
            status if status in ('DELETE_COMPLETE', 'DELETE_FAILED') else None
        )

    return wait_until(
        deleted,
        what=lambda: (
            'stack %s to be deleted: it '
            'is %s' % (arn, describe(engines, arn)['StackStatus'])
        ),
    )


def test_delete_cancels_a_create_in_progress(engines):
    engine = engines.start()
    arn = create(engines, 'stuck', template(Stuck={'Stall': True}, Quick={}))[
        'StackId'
    ]
    wait_for_resource(stored_stack(arn).id, 'Stuck', 'CREATE_IN_PROGRESS')
    assert describe(engines, 'stuck')['StackStatus'] == 'CREATE_IN_PROGRESS'
    engines.client.delete_stack(CTXT, args={'StackName': 'stuck'})
    assert wait_until_deleted(engines, arn) == 'DELETE_COMPLETE'
    assert resource_states(arn) == {
        'Stuck': 'DELETE_COMPLETE',
        'Quick': 'DELETE_COMPLETE',
    }
    assert locks_held_by(engine.engine_id) == []


def test_delete_cancels_a_create_running_on_another_engine(engines):
    first = engines.start()
    arn = create(engines, 'elsewhere', template(Stuck={'Stall': True}))[
        'StackId'
    ]
    row = stored_stack(arn)
    wait_for_resource(row.id, 'Stuck', 'CREATE_IN_PROGRESS')
    second = engines.start()
    assert locks_held_by(first.engine_id) == [row.id]
    second.delete_when_free(stack_mod.Stack.load(CTXT, row))
    assert wait_until_deleted(engines, arn) == 'DELETE_COMPLETE'
    assert resource_states(arn) == {'Stuck': 'DELETE_COMPLETE'}


def test_stop_cancels_running_operations_and_releases_locks(engines):
    engine = engines.start()
    arn = create(engines, 'halted', template(Stuck={'Stall': True}))['StackId']
    row = stored_stack(arn)
    wait_for_resource(row.id, 'Stuck', 'CREATE_IN_PROGRESS')
    engines.stop_all()
    engines.assert_no_threads()
    stopped = db_api.stack_get(row.id)
    assert (stopped.action, stopped.status) == ('CREATE', 'FAILED')
    assert stopped.status_reason == 'Create cancelled'
    assert locks_held_by(engine.engine_id) == []


def test_ping_answers_with_the_engine_id(engines):
    engine = engines.start()
    assert engines.client.call(CTXT, 'ping', server=engine.engine_id) == (
        engine.engine_id
    )
    assert engine.is_engine_alive('gone-host:0123456789ab') is False
