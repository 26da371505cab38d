"""Create, rollback and delete of real stacks on a SQLite file.

The stacks use the test resource types (heat/tests/resources) and run in
the test's thread with a real call pool, as an engine worker runs them.
"""

import threading
import time

import pytest

from heat.common import context
from heat.db import api as db_api
from heat.engine import operations
from heat.engine import scheduler
from heat.engine import stack as stack_mod
from heat.engine import template as template_mod
from heat.tests.resources import test_types
from heat.tests.waiting import WAIT_SECONDS

pytestmark = pytest.mark.usefixtures('heat_db', 'test_resource_types')

CONTROLLED = 'Test::Resource::Controlled'
SIMPLE = 'Test::Resource::Simple'


def controlled(depends_on=None, **properties):
    definition = {'Type': CONTROLLED, 'Properties': properties}
    if depends_on:
        definition['DependsOn'] = depends_on
    return definition


def new_stack(resource_definitions, name='web', **options):
    ctxt = context.RequestContext(tenant='t1', user='u1')
    template = template_mod.Template({'Resources': resource_definitions})
    stack = stack_mod.Stack.new(ctxt, name, template, {}, options)
    stack.validate()
    stack.store()
    return stack


def run(operation, stack, cancel=None):
    with scheduler.CallPool(16) as pool:
        operation(
            stack, operations.Operation(pool, cancel or threading.Event())
        )


def stack_status(stack):
    row = db_api.stack_get(stack.row.id, show_deleted=True)
    return '%s_%s' % (row.action, row.status), row.status_reason


def resource_states(stack):
    return {
        row.name: '%s_%s' % (row.action, row.status)
        for row in db_api.resource_get_all(stack.row.id)
    }


def events(stack):
    """(logical id, status) of every event, oldest first."""
    return [
        (e.resource_name, '%s_%s' % (e.resource_action, e.resource_status))
        for e in reversed(db_api.event_list(stack.row.id))
    ]


def stack_event_reasons(stack, status):
    """The reasons of the stack's own events with that status."""
    return [
        e.resource_status_reason
        for e in db_api.event_list(stack.row.id)
        if e.resource_type == stack_mod.STACK_RESOURCE_TYPE
        and '%s_%s' % (e.resource_action, e.resource_status) == status
    ]


def test_create_starts_a_resource_after_what_it_needs_completes():
    stack = new_stack(
        {
            'Db': controlled(CreateSeconds=0.2),
            'App': {'Type': SIMPLE, 'Properties': {'Value': {'Ref': 'Db'}}},
            'Web': controlled(depends_on='App'),
        }
    )
    run(operations.create, stack)
    assert stack_status(stack) == (
        'CREATE_COMPLETE',
        'Stack CREATE completed successfully',
    )
    order = events(stack)
    assert order.index(('Db', 'CREATE_COMPLETE')) < order.index(
        ('App', 'CREATE_IN_PROGRESS')
    )
    assert order.index(('App', 'CREATE_COMPLETE')) < order.index(
        ('Web', 'CREATE_IN_PROGRESS')
    )
    assert order[0] == ('web', 'CREATE_IN_PROGRESS')
    assert order[-1] == ('web', 'CREATE_COMPLETE')


def test_independent_resources_are_created_in_parallel(monkeypatch):
    # Each create waits until all ten are running at once: created one
    # at a time, the first would wait in vain and fail.
    together = threading.Barrier(10, timeout=WAIT_SECONDS)
    create = test_types.ControlledResource.handle_create

    def create_together(rsrc):
        together.wait()
        return create(rsrc)

    monkeypatch.setattr(
        test_types.ControlledResource, 'handle_create', create_together
    )
    stack = new_stack({'R%d' % i: controlled() for i in range(10)})
    run(operations.create, stack)
    assert stack_status(stack) == (
        'CREATE_COMPLETE',
        'Stack CREATE completed successfully',
    )


def test_failure_rolls_back_and_names_the_failed_resource():
    stack = new_stack(
        {
            'Good': controlled(),
            'Bad': controlled(depends_on='Good', FailCreate=True),
            'After': controlled(depends_on='Bad'),
        }
    )
    run(operations.create, stack)
    status, reason = stack_status(stack)
    assert status == 'ROLLBACK_COMPLETE'
    assert reason == (
        'Rollback completed after: The following '
        'resource(s) failed to create: [Bad].'
    )
    # As in CloudFormation: no CREATE_FAILED on the way to the rollback.
    assert stack_event_reasons(stack, 'ROLLBACK_IN_PROGRESS') == [
        'Rollback requested: Resource create failed: Bad: Creation failed '
        'on command'
    ]
    assert stack_event_reasons(stack, 'CREATE_FAILED') == []
    assert resource_states(stack) == {
        'Good': 'DELETE_COMPLETE',
        'Bad': 'DELETE_COMPLETE',
        'After': 'INIT_COMPLETE',
    }
    order = events(stack)
    assert ('Bad', 'CREATE_FAILED') in order
    assert ('After', 'CREATE_IN_PROGRESS') not in order


@pytest.mark.parametrize(
    'options, final, good',
    [
        ({'on_failure': 'DO_NOTHING'}, 'CREATE_FAILED', 'CREATE_COMPLETE'),
        ({'disable_rollback': True}, 'CREATE_FAILED', 'CREATE_COMPLETE'),
        ({'on_failure': 'DELETE'}, 'DELETE_COMPLETE', 'DELETE_COMPLETE'),
        ({'on_failure': 'ROLLBACK'}, 'ROLLBACK_COMPLETE', 'DELETE_COMPLETE'),
    ],
)
def test_on_failure(options, final, good):
    stack = new_stack(
        {
            'Good': controlled(),
            'Bad': controlled(depends_on='Good', FailCreate=True),
        },
        **options,
    )
    run(operations.create, stack)
    assert stack_status(stack)[0] == final
    assert resource_states(stack)['Good'] == good
    row = db_api.stack_get(stack.row.id, show_deleted=True)
    assert (row.deleted_at is not None) == (final == 'DELETE_COMPLETE')


def test_create_times_out_and_rolls_back():
    stack = new_stack({'Quick': controlled(), 'Stuck': controlled(Stall=True)})
    stack.row.timeout = 0.5 / 60  # minutes, as TimeoutInMinutes is
    started = time.monotonic()
    run(operations.create, stack)
    # Stuck never completes: only the timeout ends the create.  The bound
    # just tells that from waiting forever, however loaded the machine.
    assert time.monotonic() - started < WAIT_SECONDS
    assert stack_status(stack)[0] == 'ROLLBACK_COMPLETE'
    assert stack_event_reasons(stack, 'ROLLBACK_IN_PROGRESS') == [
        'Rollback requested: Create timed out'
    ]
    assert set(resource_states(stack).values()) == {'DELETE_COMPLETE'}


def test_cancelled_create_stops_without_rollback():
    stack = new_stack({'Stuck': controlled(Stall=True)})
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    run(operations.create, stack, cancel)
    assert stack_status(stack) == ('CREATE_FAILED', 'Create cancelled')
    assert resource_states(stack)['Stuck'] == 'CREATE_FAILED'


def test_delete_removes_resources_dependents_first_and_the_stack():
    stack = new_stack(
        {'Base': controlled(), 'Top': controlled(depends_on='Base')}
    )
    run(operations.create, stack)
    run(operations.delete, stack)
    assert stack_status(stack)[0] == 'DELETE_COMPLETE'
    order = events(stack)
    assert order.index(('Top', 'DELETE_COMPLETE')) < order.index(
        ('Base', 'DELETE_IN_PROGRESS')
    )
    assert db_api.stack_get(stack.row.id) is None
    assert db_api.stack_get(stack.row.id, show_deleted=True) is not None


def test_retain_policy_keeps_the_resource_on_delete():
    stack = new_stack(
        {
            'Kept': dict(controlled(), DeletionPolicy='Retain'),
            'Gone': controlled(),
        }
    )
    run(operations.create, stack)
    kept_id = stack.resources['Kept'].resource_id
    run(operations.delete, stack)
    rows = {r.name: r for r in db_api.resource_get_all(stack.row.id)}
    assert rows['Kept'].status_reason == 'Retained by its deletion policy'
    assert rows['Kept'].physical_resource_id == kept_id
    assert rows['Gone'].status_reason == ''


def test_failed_delete_leaves_the_stack_delete_failed():
    stack = new_stack({'Sticky': controlled(FailDelete=True)})
    run(operations.create, stack)
    run(operations.delete, stack)
    status, reason = stack_status(stack)
    assert status == 'DELETE_FAILED'
    assert 'Sticky' in reason and 'Deletion failed on command' in reason
    assert db_api.stack_get(stack.row.id) is not None
