"""A failure anywhere in an operation frees the stack's lock at once.

Each test breaks one real step of create, update, delete or cancel (the
state write that begins it, the hand-over to a worker, the operation
itself, the state write that ends it) and checks that the stack ends in a
state that says why, that no lock is left, and that a DeleteStack right
after takes the stack at once rather than waiting for a lock.
"""

import threading
from unittest import mock

import pytest

from heat.db import api as db_api
from heat.engine import operations
from heat.engine import stack as stack_mod
from heat.tests.unit.engine import test_worker as helpers
from heat.tests.unit.engine.test_worker import CTXT
from heat.tests.waiting import wait_until

BROKEN = 'the step broke on purpose'


def broken(*args, **kwargs):
    raise RuntimeError(BROKEN)


def failing_once(real, when):
    """real, except that its first call for which when(...) holds raises."""
    failed = threading.Event()

    def call(*args, **kwargs):
        if not failed.is_set() and when(*args, **kwargs):
            failed.set()
            raise RuntimeError(BROKEN)
        return real(*args, **kwargs)

    return call


def final_write_fails(action, status='COMPLETE'):
    """Break the write of the state <action>_<status>, once."""
    return mock.patch.object(
        db_api,
        'stack_set_state',
        failing_once(
            db_api.stack_set_state,
            lambda stack_id, values, *a, **k: (
                (values['action'], values['status']) == (action, status)
            ),
        ),
    )


def in_a_worker(*args, **kwargs):
    return threading.current_thread().name.startswith('heat-stack')


def body(**resources):
    return helpers.template(**resources)


def assert_failed_and_free(engines, engine, name, state):
    # Waited for by name: a cancelled create shows CREATE_FAILED first.
    shown = wait_until(
        lambda: (
            found
            if (found := helpers.describe(engines, name))['StackStatus']
            == state
            else None
        ),
        what=lambda: (
            '%s to reach %s: it is %s'
            % (name, state, helpers.describe(engines, name)['StackStatus'])
        ),
    )
    assert shown['StackStatusReason'] == 'Internal error: %s' % BROKEN
    assert db_api.stack_locks_holders() == {}
    # The worker forgets the operation just after its last write.
    wait_until(
        lambda: engine._running == {},
        what=lambda: 'the engine to forget %s' % sorted(engine._running),
    )


def assert_deleted_at_once(engines, name):
    arn = helpers.describe(engines, name)['StackId']
    engines.client.delete_stack(CTXT, args={'StackName': name})
    # A lock left behind would leave the stack as it was until a worker
    # gave up waiting for it; a free one shows the delete begun.
    assert helpers.describe(engines, arn)['StackStatus'] in (
        'DELETE_IN_PROGRESS',
        'DELETE_COMPLETE',
    )
    assert helpers.wait_until_deleted(engines, arn) == 'DELETE_COMPLETE'
    assert db_api.stack_locks_holders() == {}


def create_settled(engines, name, **resources):
    helpers.create(engines, name, body(**resources))
    assert helpers.wait_until_settled(engines, name)['StackStatus'] == (
        'CREATE_COMPLETE'
    )


def update(engines, name, **resources):
    return engines.client.update_stack(
        CTXT, args={'StackName': name, 'TemplateBody': body(**resources)}
    )


# -- before the worker owns the lock: the caller hears of it ----------------


def break_begin(engine):
    return mock.patch.object(stack_mod.Stack, 'begin', broken)


def break_submit(engine):
    return mock.patch.object(engine._workers, 'submit', broken)


@pytest.mark.parametrize('breaking', [break_begin, break_submit])
def test_create_broken_before_its_worker(engines, breaking):
    engine = engines.start()
    with breaking(engine), pytest.raises(Exception, match=BROKEN):
        helpers.create(engines, 's', body(A={}))
    assert_failed_and_free(engines, engine, 's', 'CREATE_FAILED')
    assert_deleted_at_once(engines, 's')


@pytest.mark.parametrize('breaking', [break_begin, break_submit])
def test_update_broken_before_its_worker(engines, breaking):
    engine = engines.start()
    create_settled(engines, 's', A={})
    with breaking(engine), pytest.raises(Exception, match=BROKEN):
        update(engines, 's', A={'Value': 'b'})
    assert_failed_and_free(engines, engine, 's', 'UPDATE_FAILED')
    assert_deleted_at_once(engines, 's')


@pytest.mark.parametrize('breaking', [break_begin, break_submit])
def test_delete_broken_before_its_worker(engines, breaking):
    engine = engines.start()
    create_settled(engines, 's', A={})
    with breaking(engine), pytest.raises(Exception, match=BROKEN):
        engines.client.delete_stack(CTXT, args={'StackName': 's'})
    assert_failed_and_free(engines, engine, 's', 'DELETE_FAILED')
    assert_deleted_at_once(engines, 's')


def test_a_worker_that_starts_although_submit_failed_runs_alone(engines):
    """An executor can queue the work and then fail to add a thread: the
    worker and the caller must not both end the operation."""
    engine = engines.start()
    real_submit = engine._workers.submit

    def queued_then_failed(*args, **kwargs):
        future = real_submit(*args, **kwargs)
        future.result(timeout=60)
        raise RuntimeError(BROKEN)

    with mock.patch.object(engine._workers, 'submit', queued_then_failed):
        helpers.create(engines, 's', body(A={}))
    shown = helpers.wait_until_settled(engines, 's')
    assert shown['StackStatus'] == 'CREATE_COMPLETE'
    assert db_api.stack_locks_holders() == {}
    assert_deleted_at_once(engines, 's')


# -- in the worker ----------------------------------------------------------


def break_operation():
    return mock.patch.object(operations.Operation, 'run', broken)


def test_create_whose_operation_breaks(engines):
    engine = engines.start()
    with break_operation():
        helpers.create(engines, 's', body(A={}))
        assert_failed_and_free(engines, engine, 's', 'CREATE_FAILED')
    assert_deleted_at_once(engines, 's')


def test_create_whose_final_state_write_breaks(engines):
    engine = engines.start()
    with final_write_fails('CREATE'):
        helpers.create(engines, 's', body(A={}))
        assert_failed_and_free(engines, engine, 's', 'CREATE_FAILED')
    assert_deleted_at_once(engines, 's')


def test_update_whose_operation_breaks(engines):
    engine = engines.start()
    create_settled(engines, 's', A={})
    with break_operation():
        update(engines, 's', A={'Value': 'b'})
        assert_failed_and_free(engines, engine, 's', 'UPDATE_FAILED')
    assert_deleted_at_once(engines, 's')


def test_update_whose_final_state_write_breaks(engines):
    engine = engines.start()
    create_settled(engines, 's', A={})
    with final_write_fails('UPDATE'):
        update(engines, 's', A={'Value': 'b'})
        assert_failed_and_free(engines, engine, 's', 'UPDATE_FAILED')
    assert_deleted_at_once(engines, 's')


def test_delete_whose_operation_breaks(engines):
    engine = engines.start()
    create_settled(engines, 's', A={})
    with break_operation():
        engines.client.delete_stack(CTXT, args={'StackName': 's'})
        assert_failed_and_free(engines, engine, 's', 'DELETE_FAILED')
    assert_deleted_at_once(engines, 's')


def test_delete_whose_final_state_write_breaks(engines):
    engine = engines.start()
    create_settled(engines, 's', A={})
    arn = helpers.describe(engines, 's')['StackId']
    with final_write_fails('DELETE'):
        engines.client.delete_stack(CTXT, args={'StackName': 's'})
        assert_failed_and_free(engines, engine, arn, 'DELETE_FAILED')
    # Its resources are gone and its name free: deleting it again is
    # deleting a deleted stack, which does nothing and succeeds.
    assert engines.client.delete_stack(CTXT, args={'StackName': arn}) == {}
    assert helpers.resource_states(arn) == {'A': 'DELETE_COMPLETE'}


# -- cancelled operations ---------------------------------------------------


def start_stalled_update(engines):
    create_settled(engines, 's', A={})
    update(engines, 's', A={}, S={'Stall': True})
    row = helpers.stored_stack(helpers.describe(engines, 's')['StackId'])

    def state_of_s():
        # The update adds the row of S once it runs.
        found = db_api.resource_get(row.id, 'S')
        return found and '%s_%s' % (found.action, found.status)

    wait_until(
        lambda: state_of_s() == 'CREATE_IN_PROGRESS',
        what=lambda: 'S to be created: it is %s' % state_of_s(),
    )


def test_cancelled_update_whose_rollback_breaks(engines):
    engine = engines.start()
    start_stalled_update(engines)
    # The update's own graph run is under way: only the rollback's breaks.
    with break_operation():
        engines.client.cancel_update_stack(CTXT, args={'StackName': 's'})
        assert_failed_and_free(engines, engine, 's', 'UPDATE_ROLLBACK_FAILED')
    assert_deleted_at_once(engines, 's')


def test_cancelled_update_whose_final_state_write_breaks(engines):
    engine = engines.start()
    start_stalled_update(engines)
    with final_write_fails('UPDATE_ROLLBACK'):
        engines.client.cancel_update_stack(CTXT, args={'StackName': 's'})
        assert_failed_and_free(engines, engine, 's', 'UPDATE_ROLLBACK_FAILED')
    assert_deleted_at_once(engines, 's')


def start_stalled_create(engines):
    arn = helpers.create(engines, 's', body(Stuck={'Stall': True}))['StackId']
    row = helpers.stored_stack(arn)
    helpers.wait_for_resource(row.id, 'Stuck', 'CREATE_IN_PROGRESS')


def test_delete_that_cancels_a_create_and_cannot_load_it(engines):
    engine = engines.start()
    start_stalled_create(engines)
    load = failing_once(stack_mod.Stack.load, in_a_worker)
    with mock.patch.object(stack_mod.Stack, 'load', load):
        engines.client.delete_stack(CTXT, args={'StackName': 's'})
        assert_failed_and_free(engines, engine, 's', 'DELETE_FAILED')
    assert_deleted_at_once(engines, 's')


def test_delete_that_cancels_a_create_and_then_breaks(engines):
    engine = engines.start()
    start_stalled_create(engines)
    with break_operation():
        engines.client.delete_stack(CTXT, args={'StackName': 's'})
        assert_failed_and_free(engines, engine, 's', 'DELETE_FAILED')
    assert_deleted_at_once(engines, 's')
