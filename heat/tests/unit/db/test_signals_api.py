"""Resource signals and keys made for one resource, on a real SQLite file."""

import datetime

import pytest
import sqlalchemy as sa

from heat.common import exception
from heat.db import api
from heat.tests.unit.db.test_api import make_stack

pytestmark = pytest.mark.usefixtures('heat_db')


def listed(stack_id, name='Handle'):
    return [
        (s.unique_id, s.status, s.reason, s.data)
        for s in api.resource_signal_list(stack_id, name)
    ]


def test_signals_in_arrival_order_and_a_unique_id_again_replaces():
    stack = make_stack()
    api.resource_signal_store(stack.id, 'Handle', 'b', 'SUCCESS', 'r1', 'd1')
    api.resource_signal_store(stack.id, 'Handle', 'a', 'SUCCESS')
    api.resource_signal_store(stack.id, 'Handle', 'b', 'FAILURE', 'r2', 'd2')
    api.resource_signal_store(stack.id, 'Other', 'b', 'SUCCESS')
    assert listed(stack.id) == [
        ('b', 'FAILURE', 'r2', 'd2'),
        ('a', 'SUCCESS', '', ''),
    ]
    assert api.resource_signal_delete(stack.id, 'Handle') == 2
    assert listed(stack.id) == []
    assert listed(stack.id, 'Other') == [('b', 'SUCCESS', '', '')]


def test_deleted_or_deleting_stacks_take_no_signals():
    deleting = make_stack('deleting', action='DELETE', status='FAILED')
    with pytest.raises(
        exception.ValidationError, match='Stack deleting is being deleted'
    ):
        api.resource_signal_store(deleting.id, 'Handle', 'a', 'SUCCESS')
    gone = make_stack('gone')
    api.stack_soft_delete(gone.id)
    with pytest.raises(exception.StackNotFound):
        api.resource_signal_store(gone.id, 'Handle', 'a', 'SUCCESS')
    assert listed(deleting.id) == listed(gone.id) == []


def test_resource_key_starts_its_resource_without_signals():
    stack = make_stack()
    api.resource_signal_store(stack.id, 'Handle', 'a', 'SUCCESS')
    api.resource_signal_store(stack.id, 'Other', 'a', 'SUCCESS')
    access, secret, row = api.resource_key_new(
        'tenant-a', 'u', stack.id, 'Handle'
    )
    assert secret not in row.values()
    assert api.ec2_credential_get(access) is None
    api.write_batch([], [], new_keys=[row])
    keypair = api.ec2_credential_get(access)
    assert (
        keypair.tenant,
        keypair.user,
        keypair.stack_id,
        keypair.resource_name,
        keypair.secret,
    ) == ('tenant-a', 'u', stack.id, 'Handle', secret)
    assert listed(stack.id) == []
    assert len(listed(stack.id, 'Other')) == 1


def stored_resource_key(stack_id, name='Handle'):
    access, _, row = api.resource_key_new('tenant-a', None, stack_id, name)
    api.write_batch([], [], new_keys=[row])
    return access


def test_only_resource_keys_of_the_stack_are_revoked():
    stack, other = make_stack(), make_stack('other')
    resource_keys = [
        stored_resource_key(stack.id, name) for name in ('A', 'B', 'C')
    ]
    stack_key, _ = api.ec2_credential_create('tenant-a', stack_id=stack.id)
    api.write_batch(
        [],
        [],
        revoked_keys=[(other.id, resource_keys[0]), (stack.id, stack_key)],
    )
    assert all(
        api.ec2_credential_get(access) is not None
        for access in resource_keys + [stack_key]
    )
    api.write_batch(
        [],
        [],
        revoked_keys=[(stack.id, access) for access in resource_keys[:2]],
    )
    assert [
        k.access
        for k in api.ec2_credential_list(stack_id=stack.id)
        if k.resource_name
    ] == resource_keys[2:]
    assert api.ec2_credential_get(stack_key) is not None


def test_revoking_many_keys_is_one_statement_a_chunk():
    stack = make_stack()
    rows = [
        api.resource_key_new('tenant-a', None, stack.id, 'H%d' % i)[2]
        for i in range(api._IN_CHUNK + 3)
    ]
    api.write_batch([], [], new_keys=rows)
    deletes = statements_run(
        lambda: api.write_batch(
            [], [], revoked_keys=[(stack.id, row['access']) for row in rows]
        )
    )
    assert [s for s in deletes if s.startswith('DELETE')] == [
        'DELETE FROM ec2_credential'
    ] * 2
    assert api.ec2_credential_list(stack_id=stack.id) == []


def test_new_keys_are_one_insert_and_one_signal_delete():
    stack = make_stack()
    rows = [
        api.resource_key_new('tenant-a', None, stack.id, 'H%d' % i)[2]
        for i in range(50)
    ]
    run = statements_run(lambda: api.write_batch([], [], new_keys=rows))
    assert run == ['INSERT INTO ec2_credential', 'DELETE FROM resource_signal']
    assert len(api.ec2_credential_list(stack_id=stack.id)) == 50


def test_a_stack_s_keys_go_in_one_statement():
    stack, other = make_stack(), make_stack('other')
    for name in ('A', 'B'):
        stored_resource_key(stack.id, name)
    api.ec2_credential_create('tenant-a', stack_id=stack.id)
    kept = stored_resource_key(other.id)
    run = statements_run(lambda: api.ec2_credential_delete_stack(stack.id))
    assert run == ['DELETE FROM ec2_credential']
    assert api.ec2_credential_list(stack_id=stack.id) == []
    assert api.ec2_credential_get(kept) is not None


def statements_run(call):
    """The statements call sends (their first words), one per execute."""
    run = []

    def record(conn, cursor, statement, *args):
        run.append(' '.join(statement.split()[:3]))

    engine = api.get_engine()
    sa.event.listen(engine, 'before_cursor_execute', record)
    try:
        call()
    finally:
        sa.event.remove(engine, 'before_cursor_execute', record)
    return run


def test_purge_takes_the_signals_along():
    stack = make_stack()
    api.resource_signal_store(stack.id, 'Handle', 'a', 'SUCCESS')
    api.stack_update(
        stack.id,
        {'deleted_at': datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)},
    )
    assert api.purge_deleted(datetime.timedelta(days=1)) == 1
    assert listed(stack.id) == []
