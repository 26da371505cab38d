"""Resource signals and keys made for one resource, on a real SQLite file."""

import datetime

import pytest

from heat.common import exception
from heat.db import api
from heat.tests.dbfixtures import heat_db  # noqa: F401 (fixture)
from heat.tests.unit.db.test_api import make_stack

pytestmark = pytest.mark.usefixtures('heat_db')


def listed(stack_id, name='Handle'):
    return [(s.unique_id, s.status, s.reason, s.data)
            for s in api.resource_signal_list(stack_id, name)]


def test_signals_in_arrival_order_and_a_unique_id_again_replaces():
    stack = make_stack()
    api.resource_signal_store(stack.id, 'Handle', 'b', 'SUCCESS', 'r1', 'd1')
    api.resource_signal_store(stack.id, 'Handle', 'a', 'SUCCESS')
    api.resource_signal_store(stack.id, 'Handle', 'b', 'FAILURE', 'r2', 'd2')
    api.resource_signal_store(stack.id, 'Other', 'b', 'SUCCESS')
    assert listed(stack.id) == [('b', 'FAILURE', 'r2', 'd2'),
                                ('a', 'SUCCESS', '', '')]
    assert api.resource_signal_delete(stack.id, 'Handle') == 2
    assert listed(stack.id) == []
    assert listed(stack.id, 'Other') == [('b', 'SUCCESS', '', '')]


def test_deleted_or_deleting_stacks_take_no_signals():
    deleting = make_stack('deleting', action='DELETE', status='FAILED')
    with pytest.raises(exception.ValidationError,
                       match='Stack deleting is being deleted'):
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
    access, secret = api.resource_key_create('tenant-a', 'u', stack.id,
                                             'Handle')
    keypair = api.ec2_credential_get(access)
    assert (keypair.tenant, keypair.user, keypair.stack_id,
            keypair.resource_name, keypair.secret) == (
        'tenant-a', 'u', stack.id, 'Handle', secret)
    assert listed(stack.id) == []
    assert len(listed(stack.id, 'Other')) == 1


def test_only_a_resource_key_of_the_stack_is_deleted_as_one():
    stack, other = make_stack(), make_stack('other')
    resource_key, _ = api.resource_key_create('tenant-a', None, stack.id,
                                              'Handle')
    stack_key, _ = api.ec2_credential_create('tenant-a', stack_id=stack.id)
    assert api.ec2_credential_delete_resource_key(resource_key,
                                                  other.id) is False
    assert api.ec2_credential_delete_resource_key(stack_key,
                                                  stack.id) is False
    assert api.ec2_credential_delete_resource_key(resource_key,
                                                  stack.id) is True
    assert api.ec2_credential_get(resource_key) is None
    assert api.ec2_credential_get(stack_key) is not None


def test_purge_takes_the_signals_along():
    stack = make_stack()
    api.resource_signal_store(stack.id, 'Handle', 'a', 'SUCCESS')
    api.stack_update(stack.id, {'deleted_at': datetime.datetime(
        2000, 1, 1, tzinfo=datetime.timezone.utc)})
    assert api.purge_deleted(datetime.timedelta(days=1)) == 1
    assert listed(stack.id) == []
