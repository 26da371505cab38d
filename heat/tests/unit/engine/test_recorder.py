"""Resource states and events are written in batches, never left behind."""

import threading
import time

import pytest
import sqlalchemy as sa

from heat.common import context
from heat.common import handle_url
from heat.db import api as db_api
from heat.db.types import utcnow
from heat.engine import recorder
from heat.engine import resource
from heat.engine import stack as stack_mod
from heat.engine import template as template_mod
from heat.tests.unit.db.test_signals_api import statements_run
from heat.tests.waiting import WAIT_SECONDS
from heat.tests.waiting import wait_until

CTXT = context.RequestContext(tenant='t1', user='u1')


def stored_stack():
    stack = stack_mod.Stack.new(
        CTXT,
        'recorded',
        template_mod.Template(
            {
                'Resources': {
                    'Handle': {
                        'Type': 'AWS::CloudFormation::WaitConditionHandle'
                    }
                }
            }
        ),
        {},
        {},
    )
    stack.store()
    return stack


def stored_events(stack):
    return [
        (e.resource_action, e.resource_status)
        for e in reversed(db_api.event_list(stack.row.id))
    ]


def test_a_change_nothing_follows_is_written_soon(heat_db):
    stack = stored_stack()
    handle = stack.resources['Handle']
    handle.action = resource.Action.CREATE
    for status in (resource.Status.IN_PROGRESS, resource.Status.COMPLETE):
        handle.status = status
        stack.state_changed(handle)
    # Nothing else happens: the resource might now wait for minutes.
    wait_until(
        lambda: (
            stored_events(stack)
            == [('CREATE', 'IN_PROGRESS'), ('CREATE', 'COMPLETE')]
        ),
        what=lambda: 'both events: %s' % stored_events(stack),
    )
    row = db_api.resource_get(stack.row.id, 'Handle')
    assert (row.action, row.status) == ('CREATE', 'COMPLETE')


def test_a_change_does_not_wait_for_a_batch_being_written(heat_db):
    stack = stored_stack()
    handle = stack.resources['Handle']
    handle.action = resource.Action.CREATE
    handle.status = resource.Status.IN_PROGRESS
    writing, release = threading.Event(), threading.Event()

    def write_slowly():
        # Stands for a flush in another thread, holding its write lock
        # until the test is done looking.
        with stack.recorder._write_lock:
            writing.set()
            release.wait(2 * WAIT_SECONDS)

    writer = threading.Thread(target=write_slowly)
    writer.start()
    assert writing.wait(WAIT_SECONDS)
    # Lets the time for a flush pass: the change below finds one due.
    time.sleep(recorder.FLUSH_SECONDS)
    changing = threading.Thread(target=stack.state_changed, args=(handle,))
    changing.start()
    changing.join(WAIT_SECONDS)
    returned = not changing.is_alive()  # while the batch is still written
    release.set()
    writer.join()
    changing.join()
    assert returned, 'the change waited for the batch being written'
    wait_until(
        lambda: stored_events(stack) == [('CREATE', 'IN_PROGRESS')],
        what=lambda: 'the event: %s' % stored_events(stack),
    )


# -- the keys of wait condition handles ---------------------------------------


def handles_stack(count):
    stack = stack_mod.Stack.new(
        CTXT,
        'handles',
        template_mod.Template(
            {
                'Resources': {
                    'H%03d' % i: {
                        'Type': 'AWS::CloudFormation::WaitConditionHandle'
                    }
                    for i in range(count)
                }
            }
        ),
        {},
        {},
    )
    stack.store()
    return stack


def stored_url(stack, name):
    return db_api.resource_get(stack.row.id, name).physical_resource_id


def key_of(url):
    return db_api.ec2_credential_get(handle_url.access_key(url))


@pytest.fixture
def no_timed_flush(monkeypatch):
    """Batches are written only when the test flushes."""
    monkeypatch.setattr(recorder, 'FLUSH_SECONDS', 600)


def test_a_handle_key_is_written_in_its_state_s_batch(heat_db, no_timed_flush):
    stack = handles_stack(1)
    handle = stack.resources['H000']
    list(handle.create())
    url = handle.resource_id
    assert key_of(url) is None and stored_url(stack, 'H000') is None
    stack.recorder.flush()
    assert key_of(url).resource_name == 'H000'
    assert stored_url(stack, 'H000') == url
    list(handle.delete())
    assert key_of(url) is not None
    stack.recorder.flush()
    assert key_of(url) is None
    assert db_api.resource_get(stack.row.id, 'H000').status == 'COMPLETE'


def test_a_failed_batch_writes_neither_key_nor_url(heat_db, no_timed_flush):
    stack = handles_stack(1)
    handle = stack.resources['H000']
    list(handle.create())
    # An event the database refuses: its stack does not exist.
    stack.recorder.resource_changed(
        stack._row_ids['H000'],
        handle,
        {
            'stack_id': 'no-such-stack',
            'resource_name': 'H000',
            'physical_resource_id': None,
            'resource_status_reason': '',
            'resource_type': handle.definition.type,
            'resource_action': 'CREATE',
            'resource_status': 'COMPLETE',
            'created_at': utcnow(),
            'uuid': 'refused',
        },
    )
    with pytest.raises(sa.exc.IntegrityError):
        stack.recorder.flush()
    assert key_of(handle.resource_id) is None
    assert stored_url(stack, 'H000') is None
    assert db_api.ec2_credential_list(stack_id=stack.row.id) == []


def test_a_url_that_arrives_during_a_flush_waits_for_its_key(
    heat_db, no_timed_flush, monkeypatch
):
    stack = handles_stack(1)
    handle = stack.resources['H000']
    handle.action = resource.Action.CREATE
    handle.status = resource.Status.IN_PROGRESS
    stack.state_changed(handle)
    values = recorder.resource_values
    creating = []

    def values_while_the_handle_is_created(rsrc):
        # The stack's thread makes the URL while the batch is being taken.
        if not creating:
            creating.append(threading.Thread(target=handle.handle_create))
            creating[0].start()
            creating[0].join(0.2)
        return values(rsrc)

    monkeypatch.setattr(
        recorder, 'resource_values', values_while_the_handle_is_created
    )
    stack.recorder.flush()
    creating[0].join()
    url = stored_url(stack, 'H000')
    assert url is None or key_of(url) is not None
    stack.state_changed(handle)
    stack.recorder.flush()
    assert key_of(stored_url(stack, 'H000')) is not None


def test_handle_keys_are_made_and_revoked_in_bulk(heat_db, no_timed_flush):
    stack = handles_stack(20)
    for handle in stack.resources.values():
        list(handle.create())
    made = statements_run(stack.recorder.flush)
    assert made.count('INSERT INTO ec2_credential') == 1
    assert made.count('DELETE FROM resource_signal') == 1
    assert len(db_api.ec2_credential_list(stack_id=stack.row.id)) == 20
    for handle in stack.resources.values():
        list(handle.delete())
    revoked = statements_run(stack.recorder.flush)
    assert revoked.count('DELETE FROM ec2_credential') == 1
    assert db_api.ec2_credential_list(stack_id=stack.row.id) == []


def test_a_new_handle_s_unwritten_batch_still_clears_its_signals(
    heat_db, no_timed_flush
):
    stack = handles_stack(1)
    list(stack.resources['H000'].create())
    stack.recorder.flush()
    db_api.resource_signal_store(stack.row.id, 'H000', 'old', 'SUCCESS')
    list(stack.replace_resource('H000').create())
    # What waits on the new handle reads its signals before any flush.
    assert stack.signals('H000') == []
    db_api.resource_signal_store(stack.row.id, 'H000', 'new', 'SUCCESS')
    assert [s['unique_id'] for s in stack.signals('H000')] == ['new']


def test_old_signals_go_in_the_write_that_shows_a_create_started(
    heat_db, no_timed_flush
):
    stack = stack_mod.Stack.new(
        CTXT,
        'signalled',
        template_mod.Template(
            {
                'Resources': {
                    'Wait': {
                        'Type': 'AWS::CloudFormation::WaitCondition',
                        'CreationPolicy': {
                            'ResourceSignal': {'Timeout': 'PT1M'}
                        },
                    }
                }
            }
        ),
        {},
        {},
    )
    stack.store()
    db_api.resource_signal_store(stack.row.id, 'Wait', 'old', 'SUCCESS')
    next(stack.resources['Wait'].create())  # up to its first cloud call
    assert db_api.resource_get(stack.row.id, 'Wait').action == 'INIT'
    assert len(db_api.resource_signal_list(stack.row.id, 'Wait')) == 1
    stack.recorder.flush()
    row = db_api.resource_get(stack.row.id, 'Wait')
    assert (row.action, row.status) == ('CREATE', 'IN_PROGRESS')
    assert db_api.resource_signal_list(stack.row.id, 'Wait') == []
    # One sent by whoever saw CREATE_IN_PROGRESS is the create's to count.
    db_api.resource_signal_store(stack.row.id, 'Wait', 'new', 'SUCCESS')
    assert [s['unique_id'] for s in stack.signals('Wait')] == ['new']
