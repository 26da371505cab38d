"""The keystone plugin against keystone v3's JSON, faked at the HTTP level."""

import pytest

from heat.common import config
from heat.common import context
from heat.common import exception
from heat.engine.clients import openstack
from heat.engine.clients.openstack import errors
from heat.engine.clients.openstack import session

PROJECT = 'b0c3b4f1c5d84b3fa9a3c4b9b9b0e1d2'
KEYSTONE = 'http://keystone.test/v3'
USER_ID = '6d3c1f2e9a8b4c7d8e9f0a1b2c3d4e5f'
ROLE_ID = '9fe2ff9ee4384b1894a90878d3e92bab'
ACCESS = '0c3c5a1e1f4e4f0b9d2a7e6b5c4d3e2f'
DOMAIN_ID = '4a1f7b2c9d8e4f3a8b7c6d5e4f3a2b1c'


@pytest.fixture(autouse=True)
def no_retry_pauses(monkeypatch):
    monkeypatch.setattr(errors, 'RETRY_DELAYS', (0.0, 0.0, 0.0))


@pytest.fixture
def identity():
    ctxt = context.RequestContext(tenant=PROJECT, auth_token='user-token')
    return openstack.make_clients(ctxt, {'identity': KEYSTONE}).identity


def keystone_error(status, title, message):
    """Keyword arguments of requests_mock for one of keystone's errors."""
    return {
        'status_code': status,
        'headers': {'Content-Type': 'application/json'},
        'json': {
            'error': {'code': status, 'title': title, 'message': message}
        },
    }


def keystone_user(**changes):
    user = {
        'id': USER_ID,
        'name': 'stack1-CfnUser-x1',
        'domain_id': 'default',
        'enabled': True,
        'default_project_id': PROJECT,
        'description': 'User of stack s1',
        'password_expires_at': None,
        'options': {},
        'links': {'self': KEYSTONE + '/users/' + USER_ID},
    }
    user.update(changes)
    return {'user': user}


def stack_user_role(requests_mock, roles):
    # The project's domain is where its stack users go.
    requests_mock.get(
        KEYSTONE + '/projects/' + PROJECT,
        json={
            'project': {
                'id': PROJECT,
                'name': 'demo',
                'domain_id': DOMAIN_ID,
                'enabled': True,
                'is_domain': False,
                'parent_id': DOMAIN_ID,
                'links': {},
            }
        },
    )
    return requests_mock.get(
        KEYSTONE + '/roles?name=heat_stack_user',
        json={'roles': roles, 'links': {}},
    )


def test_create_stack_user_with_the_stack_user_role(identity, requests_mock):
    roles = stack_user_role(
        requests_mock,
        [
            {
                'id': ROLE_ID,
                'name': 'heat_stack_user',
                'domain_id': None,
                'links': {},
            }
        ],
    )
    post = requests_mock.post(
        KEYSTONE + '/users', status_code=201, json=keystone_user()
    )
    grant = requests_mock.put(
        KEYSTONE
        + '/projects/%s/users/%s/roles/%s' % (PROJECT, USER_ID, ROLE_ID),
        status_code=204,
    )
    assert identity.create_stack_user('s1', 'stack1-CfnUser-x1') == USER_ID
    assert roles.last_request.qs == {'name': ['heat_stack_user']}
    sent = post.last_request.json()['user']
    assert (sent['name'], sent['domain_id'], sent['default_project_id']) == (
        'stack1-CfnUser-x1',
        DOMAIN_ID,
        PROJECT,
    )
    assert 's1' in sent['description']
    assert grant.called_once
    assert post.last_request.headers['X-Auth-Token'] == 'user-token'


def test_no_stack_user_role_creates_no_user(identity, requests_mock):
    stack_user_role(requests_mock, [])
    post = requests_mock.post(
        KEYSTONE + '/users', status_code=201, json=keystone_user()
    )
    with pytest.raises(exception.CloudError, match='heat_stack_user'):
        identity.create_stack_user('s1', 'u')
    assert not post.called


def test_user_is_removed_when_the_grant_fails(identity, requests_mock):
    stack_user_role(
        requests_mock, [{'id': ROLE_ID, 'name': 'heat_stack_user'}]
    )
    requests_mock.post(
        KEYSTONE + '/users', status_code=201, json=keystone_user()
    )
    requests_mock.put(
        KEYSTONE
        + '/projects/%s/users/%s/roles/%s' % (PROJECT, USER_ID, ROLE_ID),
        **keystone_error(
            403,
            'Forbidden',
            'You are not authorized to perform the requested action.',
        ),
    )
    delete = requests_mock.delete(
        KEYSTONE + '/users/' + USER_ID, status_code=204
    )
    with pytest.raises(exception.CloudError, match='not authorized'):
        identity.create_stack_user('s1', 'u')
    assert delete.called_once


def test_duplicate_user_name_is_keystones_message(identity, requests_mock):
    stack_user_role(
        requests_mock, [{'id': ROLE_ID, 'name': 'heat_stack_user'}]
    )
    message = 'Conflict occurred attempting to store user - Duplicate entry.'
    post = requests_mock.post(
        KEYSTONE + '/users', **keystone_error(409, 'Conflict', message)
    )
    with pytest.raises(exception.CloudError) as raised:
        identity.create_stack_user('s1', 'u')
    assert str(raised.value) == message
    assert post.call_count == len(errors.RETRY_DELAYS) + 1


def test_ec2_credentials(identity, requests_mock):
    post = requests_mock.post(
        KEYSTONE + '/users/%s/credentials/OS-EC2' % USER_ID,
        status_code=201,
        json={
            'credential': {
                'access': ACCESS,
                'secret': 'e1f2secret',
                'user_id': USER_ID,
                'tenant_id': PROJECT,
                'trust_id': None,
                'links': {'self': 'x'},
            }
        },
    )
    assert identity.create_ec2_credentials(USER_ID, 's1') == (
        ACCESS,
        'e1f2secret',
    )
    assert post.last_request.json() == {'tenant_id': PROJECT}
    delete = requests_mock.delete(
        KEYSTONE + '/users/%s/credentials/OS-EC2/%s' % (USER_ID, ACCESS),
        status_code=204,
    )
    identity.delete_ec2_credentials(USER_ID, ACCESS)
    assert delete.called_once


def test_delete_of_a_missing_user_is_not_found(identity, requests_mock):
    requests_mock.delete(
        KEYSTONE + '/users/' + USER_ID,
        **keystone_error(
            404, 'Not Found', 'Could not find user: %s.' % USER_ID
        ),
    )
    with pytest.raises(exception.CloudNotFound) as raised:
        identity.delete_stack_user(USER_ID)
    assert str(raised.value) == 'Could not find user: %s.' % USER_ID


@pytest.fixture
def service_user():
    config.CONF.set_override('service_password', 'heat-password', group='auth')
    session._service_login.cache_clear()
    yield
    config.CONF.clear_override('service_password', group='auth')
    session._service_login.cache_clear()


def test_with_keystone_the_service_user_makes_stack_users(
    service_user, requests_mock
):
    login = requests_mock.post(
        KEYSTONE + '/auth/tokens',
        status_code=201,
        headers={'X-Subject-Token': 'service-token'},
        json={
            'token': {
                'methods': ['password'],
                'expires_at': '2099-01-01T00:00:00Z',
                'user': {
                    'id': 'heat',
                    'name': 'heat',
                    'domain': {'id': 'default', 'name': 'Default'},
                },
                'project': {
                    'id': 'service-project',
                    'name': 'service',
                    'domain': {'id': 'default', 'name': 'Default'},
                },
                'roles': [{'id': 'r0', 'name': 'admin'}],
                'catalog': [],
            }
        },
    )
    stack_user_role(
        requests_mock, [{'id': ROLE_ID, 'name': 'heat_stack_user'}]
    )
    post = requests_mock.post(
        KEYSTONE + '/users', status_code=201, json=keystone_user()
    )
    grant = requests_mock.put(
        KEYSTONE
        + '/projects/%s/users/%s/roles/%s' % (PROJECT, USER_ID, ROLE_ID),
        status_code=204,
    )
    ctxt = context.RequestContext(
        tenant=PROJECT, auth_token='user-token', auth_url=KEYSTONE
    )

    identity = openstack.make_clients(ctxt).identity

    assert identity.create_stack_user('s1', 'stack1-CfnUser-x1') == USER_ID
    assert (
        login.last_request.json()['auth']['identity']['password']['user'][
            'name'
        ]
        == 'heat'
    )
    assert post.last_request.headers['X-Auth-Token'] == 'service-token'
    assert grant.last_request.headers['X-Auth-Token'] == 'service-token'
