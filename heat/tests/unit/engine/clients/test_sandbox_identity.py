"""The sandbox's keystone: stack users and their EC2 keys."""

import pytest

from heat.common import context
from heat.common import exception
from heat.db import api as db_api
from heat.engine.clients import sandbox


@pytest.fixture
def identity(heat_db):
    return sandbox.make_clients(context.RequestContext(tenant='demo')).identity


@pytest.fixture
def stack_id(heat_db):
    template_id = db_api.raw_template_create({'Resources': {}})
    return db_api.stack_create(
        {
            'name': 'web',
            'tenant': 'demo',
            'raw_template_id': template_id,
            'action': 'CREATE',
            'status': 'IN_PROGRESS',
        }
    ).id


def test_credentials_land_in_heats_store_scoped_to_the_stack(
    identity, stack_id
):
    user_id = identity.create_stack_user(stack_id, 'web-user')
    access, secret = identity.create_ec2_credentials(user_id, stack_id)
    stored = db_api.ec2_credential_get(access)
    assert (stored.tenant, stored.user, stored.stack_id, stored.secret) == (
        'demo',
        user_id,
        stack_id,
        secret,
    )
    identity.delete_ec2_credentials(user_id, access)
    assert db_api.ec2_credential_get(access) is None
    with pytest.raises(exception.CloudNotFound):
        identity.delete_ec2_credentials(user_id, access)


def test_credentials_of_another_user_are_not_found(identity, stack_id):
    owner = identity.create_stack_user(stack_id, 'owner')
    other = identity.create_stack_user(stack_id, 'other')
    access, _ = identity.create_ec2_credentials(owner, stack_id)
    with pytest.raises(exception.CloudNotFound):
        identity.delete_ec2_credentials(other, access)
    assert db_api.ec2_credential_get(access) is not None


def test_deleting_a_user_deletes_its_credentials(identity, stack_id):
    user_id = identity.create_stack_user(stack_id, 'web-user')
    access, _ = identity.create_ec2_credentials(user_id, stack_id)
    identity.delete_stack_user(user_id)
    assert db_api.ec2_credential_get(access) is None
    with pytest.raises(exception.CloudNotFound):
        identity.delete_stack_user(user_id)
    with pytest.raises(exception.CloudNotFound):
        identity.create_ec2_credentials(user_id, stack_id)
