"""The shared session: the caller's token, the catalog, errors."""

from novaclient import exceptions as nova_exceptions
import pytest
import requests

from heat.common import config
from heat.common import context
from heat.common import exception
from heat.engine.clients import openstack
from heat.engine.clients.openstack import errors
from heat.engine.clients.openstack import session

PROJECT = 'b0c3b4f1c5d84b3fa9a3c4b9b9b0e1d2'
KEYSTONE = 'http://keystone.test/v3'
SERVER_ID = '3f8c2f4e-0a7d-4f7e-9b7c-6a1d2b3c4d5e'


def endpoint(interface, region, url):
    return {
        'id': url + interface,
        'interface': interface,
        'region': region,
        'region_id': region,
        'url': url,
    }


CATALOG = [
    {
        'type': 'compute',
        'name': 'nova',
        'id': 'c',
        'endpoints': [
            endpoint('public', 'RegionOne', 'http://nova-one.test/v2.1'),
            endpoint(
                'internal', 'RegionOne', 'http://nova-internal.test/v2.1'
            ),
            endpoint('public', 'RegionTwo', 'http://nova-two.test/v2.1'),
        ],
    },
    # Older clouds register cinder's v3 API as 'volumev3'.
    {
        'type': 'volumev3',
        'name': 'cinderv3',
        'id': 'v',
        'endpoints': [
            endpoint('public', 'RegionOne', 'http://cinder.test/v3/' + PROJECT)
        ],
    },
    {
        'type': 'image',
        'name': 'glance',
        'id': 'i',
        'endpoints': [endpoint('public', 'RegionOne', 'http://glance.test')],
    },
    {
        'type': 'identity',
        'name': 'keystone',
        'id': 'k',
        'endpoints': [endpoint('public', 'RegionOne', KEYSTONE)],
    },
]


@pytest.fixture(autouse=True)
def no_retry_pauses(monkeypatch):
    monkeypatch.setattr(errors, 'RETRY_DELAYS', (0.0, 0.0, 0.0))


def caller_token(**changes):
    """keystone's description of the caller's token, catalog included."""
    token = {
        'methods': ['ec2credential'],
        'expires_at': '2099-01-01T00:00:00.000000Z',
        'issued_at': '2026-11-22T10:00:00.000000Z',
        'user': {
            'id': 'u1',
            'name': 'demo',
            'domain': {'id': 'default', 'name': 'Default'},
        },
        'project': {
            'id': PROJECT,
            'name': 'demo',
            'domain': {'id': 'default', 'name': 'Default'},
        },
        'roles': [{'id': 'r1', 'name': 'member'}],
        'catalog': CATALOG,
    }
    token.update(changes)
    return {'token': token}


@pytest.fixture(autouse=True)
def service_user():
    """[auth] options of Heat's service user; no session left over."""
    config.CONF.set_override('service_password', 'heat-password', group='auth')
    session._service_login.cache_clear()
    yield
    config.CONF.clear_override('service_password', group='auth')
    session._service_login.cache_clear()


@pytest.fixture
def service_login(requests_mock):
    """keystone's answer to the service user's password."""
    return requests_mock.post(
        KEYSTONE + '/auth/tokens',
        status_code=201,
        headers={'X-Subject-Token': 'service-token'},
        json=caller_token(
            methods=['password'],
            catalog=[],
            user={
                'id': 'heat',
                'name': 'heat',
                'domain': {'id': 'default', 'name': 'Default'},
            },
        ),
    )


@pytest.fixture
def keystone(service_login, requests_mock):
    """keystone's answer to reading the caller's token."""
    return requests_mock.get(
        KEYSTONE + '/auth/tokens',
        request_headers={'X-Subject-Token': 'user-token'},
        json=caller_token(),
    )


@pytest.fixture
def clients():
    ctxt = context.RequestContext(
        tenant=PROJECT, auth_token='user-token', auth_url=KEYSTONE
    )
    return openstack.make_clients(ctxt)


@pytest.fixture
def clients_option():
    def set_option(name, value):
        config.CONF.set_override(name, value, group='clients')

    yield set_option
    for name in ('region_name', 'interface'):
        config.CONF.clear_override(name, group='clients')


def nova_server():
    return {
        'server': {
            'id': SERVER_ID,
            'name': 'web',
            'status': 'ACTIVE',
            'addresses': {},
            'image': '',
            'flavor': {'id': '1'},
            'metadata': {},
            'key_name': None,
        }
    }


def test_callers_token_is_sent_as_it_is(
    keystone, service_login, clients, requests_mock
):
    get = requests_mock.get(
        'http://nova-one.test/v2.1/servers/' + SERVER_ID, json=nova_server()
    )
    assert clients.compute.get_server(SERVER_ID).name == 'web'
    # Keystone makes no token from one that ec2tokens gave: the service
    # user reads it, and only the service user logs in.
    assert keystone.last_request.headers['X-Auth-Token'] == 'service-token'
    assert service_login.call_count == 1
    assert service_login.last_request.json()['auth']['identity'][
        'methods'
    ] == ['password']
    assert get.last_request.headers['X-Auth-Token'] == 'user-token'


def test_interface_picks_the_endpoint(keystone, clients_option, requests_mock):
    clients_option('interface', 'internal')
    internal = requests_mock.get(
        'http://nova-internal.test/v2.1/servers/' + SERVER_ID,
        json=nova_server(),
    )
    ctxt = context.RequestContext(
        tenant=PROJECT, auth_token='user-token', auth_url=KEYSTONE
    )
    openstack.make_clients(ctxt).compute.get_server(SERVER_ID)
    assert internal.called_once


def test_other_region(keystone, clients_option, requests_mock):
    clients_option('region_name', 'RegionTwo')
    two = requests_mock.get(
        'http://nova-two.test/v2.1/servers/' + SERVER_ID, json=nova_server()
    )
    ctxt = context.RequestContext(
        tenant=PROJECT, auth_token='user-token', auth_url=KEYSTONE
    )
    openstack.make_clients(ctxt).compute.get_server(SERVER_ID)
    assert two.called_once


def test_services_share_one_token(keystone, clients, requests_mock):
    requests_mock.get(
        'http://nova-one.test/v2.1/servers/' + SERVER_ID, json=nova_server()
    )
    volume = requests_mock.get(
        'http://cinder.test/v3/%s/volumes/v1' % PROJECT,
        json={
            'volume': {
                'id': 'v1',
                'name': None,
                'size': 1,
                'status': 'available',
                'availability_zone': 'nova',
                'attachments': [],
            }
        },
    )
    requests_mock.get(
        'http://glance.test/v2/images/cirros',
        json={'id': 'i1', 'name': 'cirros'},
    )
    clients.compute.get_server(SERVER_ID)
    clients.volume.get_volume('v1')
    clients.compute.find_image('cirros')
    assert keystone.call_count == 1
    assert volume.last_request.headers['X-Auth-Token'] == 'user-token'


def test_service_missing_from_the_catalog(keystone, clients):
    with pytest.raises(exception.CloudError, match='network'):
        clients.network.get_floating_ip('f1')


def test_rejected_token_is_a_cloud_error(
    service_login, requests_mock, clients
):
    # Keystone's answer for a token expired or revoked.
    requests_mock.get(
        KEYSTONE + '/auth/tokens',
        status_code=404,
        headers={'Content-Type': 'application/json'},
        json={
            'error': {
                'code': 404,
                'title': 'Not Found',
                'message': 'Could not find token: user-token.',
            }
        },
    )
    with pytest.raises(exception.CloudError) as raised:
        clients.compute.get_server(SERVER_ID)
    # Not CloudNotFound: a delete would take it for a server already gone.
    assert type(raised.value) is exception.CloudError
    assert str(raised.value) == (
        "Keystone at %s did not confirm the request's token to service "
        'user heat: Could not find token: user-token.' % KEYSTONE
    )


def test_rejected_service_password_is_a_cloud_error(requests_mock, clients):
    requests_mock.post(
        KEYSTONE + '/auth/tokens',
        status_code=401,
        headers={'Content-Type': 'application/json'},
        json={
            'error': {
                'code': 401,
                'title': 'Unauthorized',
                'message': 'The request you have '
                'made requires authentication.',
            }
        },
    )
    with pytest.raises(
        exception.CloudError,
        match='service user heat: The request you have made '
        'requires authentication',
    ):
        clients.compute.get_server(SERVER_ID)


def test_no_service_password_is_a_cloud_error(clients):
    config.CONF.clear_override('service_password', group='auth')
    with pytest.raises(exception.CloudError, match='service_password'):
        clients.compute.get_server(SERVER_ID)


def test_contexts_share_the_service_users_login(
    keystone, service_login, requests_mock
):
    requests_mock.get(
        'http://nova-one.test/v2.1/servers/' + SERVER_ID, json=nova_server()
    )
    for request_id in ('r1', 'r2'):
        ctxt = context.RequestContext(
            tenant=PROJECT,
            auth_token='user-token',
            auth_url=KEYSTONE,
            request_id=request_id,
        )
        openstack.make_clients(ctxt).compute.get_server(SERVER_ID)
    assert keystone.call_count == 2
    assert service_login.call_count == 1


def test_explicit_endpoint_replaces_the_catalog_entry(keystone, requests_mock):
    ctxt = context.RequestContext(
        tenant=PROJECT, auth_token='user-token', auth_url=KEYSTONE
    )
    clients = openstack.make_clients(ctxt, {'compute': 'http://nova.test'})
    get = requests_mock.get(
        'http://nova.test/servers/' + SERVER_ID, json=nova_server()
    )
    clients.compute.get_server(SERVER_ID)
    assert get.last_request.headers['X-Auth-Token'] == 'user-token'


def test_unreachable_service_is_a_cloud_error(
    keystone, clients, requests_mock
):
    requests_mock.get(
        'http://nova-one.test/v2.1/servers/' + SERVER_ID,
        exc=requests.exceptions.ConnectionError('refused'),
    )
    with pytest.raises(exception.CloudError, match='nova-one.test'):
        clients.compute.get_server(SERVER_ID)


def test_a_context_without_token_cannot_reach_the_cloud():
    ctxt = context.RequestContext(tenant=PROJECT, auth_url=KEYSTONE)
    clients = openstack.make_clients(ctxt)
    with pytest.raises(exception.CloudError, match='no token'):
        clients.compute.get_server(SERVER_ID)


def test_no_keystone_and_no_endpoints_is_an_error():
    ctxt = context.RequestContext(tenant=PROJECT, auth_token='t')
    clients = openstack.make_clients(ctxt)
    with pytest.raises(exception.CloudError, match='cannot be found'):
        clients.volume.get_volume('v1')


class FakeTime:
    def __init__(self):
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)


def conflict():
    return nova_exceptions.Conflict(409, 'Instance is in task_state spawning')


def test_retry_pauses_grow_and_are_bounded(monkeypatch):
    monkeypatch.setattr(errors, 'RETRY_DELAYS', (0.5, 1.0, 2.0))
    clock = FakeTime()
    monkeypatch.setattr(errors, 'time', clock)
    calls = []

    def always_busy():
        calls.append(1)
        raise conflict()

    with pytest.raises(exception.CloudError, match='task_state spawning'):
        errors.call(always_busy)
    assert clock.sleeps == [0.5, 1.0, 2.0]
    assert len(calls) == 4


def test_success_after_a_retry_returns_the_value():
    outcomes = [conflict(), 'done']

    def busy_once():
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert errors.call(busy_once) == 'done'
