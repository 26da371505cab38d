"""The OpenStack client plugins acting for a keystone-authenticated caller.

A request signed with a user's EC2 keys is checked by keystone's ec2tokens,
as heat-api does with ``[auth] backend = keystone``; the context heat-api
builds from the answer travels as over RPC, and the engine's session made
from it must reach the cloud with that token.  Keystone refuses such a
token for its own APIs, so the service reached is a small one on loopback
that has keystone check each token as every OpenStack API does.
"""

import http.server
import json
import threading
import uuid

from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3
from keystoneclient.v3 import client as keystone_client
import pytest

from heat.api.middleware import context as context_middleware
from heat.api.middleware import ec2_keystone
from heat.common import config
from heat.common import context
from heat.common import exception
from heat.engine.clients import openstack
from heat.engine.clients.openstack import identity as identity_plugin
from heat.tests import keystone_fixture
from heat.tests.functional import test_keystone_ec2 as signing

CONF = config.CONF

# The session's keystone, started once for every test that names it.
keystone = keystone_fixture.keystone

# A service type of this module's own, so that its catalog entry changes
# nothing for other tests sharing the keystone.
SERVICE_TYPE = 'heat-test-tokens'


def admin_client(keystone):
    auth = v3.Password(
        auth_url=keystone.url,
        username='admin',
        password=keystone_fixture.ADMIN_PASSWORD,
        project_name='admin',
        user_domain_id='default',
        project_domain_id='default',
    )
    return keystone_client.Client(
        session=ks_session.Session(auth=auth), endpoint_override=keystone.url
    )


def service_client(keystone):
    """keystoneclient acting as the fixture's service user."""
    service = keystone.service
    auth = v3.Password(
        auth_url=keystone.url,
        username=service.user,
        password=service.password,
        project_name=service.project,
        user_domain_id='default',
        project_domain_id='default',
    )
    return keystone_client.Client(
        session=ks_session.Session(auth=auth), endpoint_override=keystone.url
    )


class TokenService(http.server.BaseHTTPRequestHandler):
    """Answers any GET with whom keystone says the X-Auth-Token is for."""

    tokens = None  # keystoneclient's token manager, as a service user

    def do_GET(self):
        token = self.headers.get('X-Auth-Token')
        try:
            found = self.tokens.get_token_data(token)['token']
            status, body = (
                200,
                {
                    'token': token,
                    'user': found['user']['id'],
                    'project': found['project']['id'],
                },
            )
        except ks_exceptions.HttpError as exc:
            status, body = 401, {'error': str(exc)}
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture(scope='module')
def token_service(keystone):
    """The service's URL, in keystone's catalog for RegionOne."""
    handler = type(
        'Tokens', (TokenService,), {'tokens': service_client(keystone).tokens}
    )
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = 'http://127.0.0.1:%d' % server.server_address[1]
    admin = admin_client(keystone)
    if not admin.regions.list():
        admin.regions.create(id='RegionOne')
    service = admin.services.create('tokens', type=SERVICE_TYPE)
    admin.endpoints.create(
        service, url, interface='public', region='RegionOne'
    )
    yield url
    admin.services.delete(service)
    server.shutdown()
    server.server_close()


@pytest.fixture(scope='module')
def stack_user_role(keystone):
    admin = admin_client(keystone)
    if not admin.roles.list(name=identity_plugin.STACK_USER_ROLE):
        admin.roles.create(identity_plugin.STACK_USER_ROLE)


def set_auth_options(options):
    for name, value in options.items():
        CONF.set_override(name, value, group='auth')


@pytest.fixture
def keystone_mode(keystone):
    """[auth] options for this keystone, as heat-api and the engine read."""
    set_auth_options(keystone.auth_options())
    yield
    for name in keystone.auth_options():
        CONF.clear_override(name, group='auth')


@pytest.fixture
def authenticator(keystone_mode):
    return ec2_keystone.KeystoneEc2Authenticator(CONF)


@pytest.fixture
def demo(keystone):
    return keystone.users['demo']


def engine_context(authenticator, access, secret):
    """The context the engine gets for a request signed with these keys."""
    keys = keystone_fixture.Account('', '', '', '', '', access, secret)
    identity = authenticator.authenticate(signing.botocore_sigv4(keys))
    ctxt = context_middleware.make_context(identity, 'req-%s' % uuid.uuid4())
    return context.RequestContext.from_dict(ctxt.to_dict())


def get(cloud, service_type):
    """GET on a service through the session the plugins share."""
    return cloud.session.get(
        '/', raise_exc=False, **cloud.endpoint_filter(service_type)
    )


def test_ec2_token_reaches_a_service_from_the_catalog(
    authenticator, demo, token_service
):
    ctxt = engine_context(authenticator, demo.access, demo.secret)

    answer = get(openstack.make_clients(ctxt).cloud, SERVICE_TYPE)

    assert answer.status_code == 200
    assert answer.json() == {
        'token': ctxt.auth_token,
        'user': demo.user_id,
        'project': demo.project_id,
    }


def test_endpoint_override_replaces_the_catalog(
    authenticator, demo, token_service
):
    ctxt = engine_context(authenticator, demo.access, demo.secret)
    clients = openstack.make_clients(ctxt, {'object-store': token_service})

    answer = get(clients.cloud, 'object-store')

    assert answer.json()['project'] == demo.project_id


def test_revoked_token_is_a_cloud_error(authenticator, demo, keystone):
    ctxt = engine_context(authenticator, demo.access, demo.secret)
    keystone.admin().revoke_token(ctxt.auth_token)

    with pytest.raises(exception.CloudError) as raised:
        openstack.make_clients(ctxt).cloud  # noqa: B018 (reading it raises)

    # Not CloudNotFound, which deletes would take for "already gone".
    assert type(raised.value) is exception.CloudError
    assert "did not confirm the request's token" in str(raised.value)


def test_wrong_service_password_is_a_cloud_error(authenticator, demo):
    ctxt = engine_context(authenticator, demo.access, demo.secret)
    CONF.set_override('service_password', 'wrong', group='auth')

    with pytest.raises(exception.CloudError, match='service user heat'):
        openstack.make_clients(ctxt).cloud  # noqa: B018 (reading it raises)


@pytest.fixture
def admin_as_service_user(keystone_mode):
    """Heat's service user has keystone's admin role, as it needs."""
    set_auth_options(
        {
            'service_username': 'admin',
            'service_password': keystone_fixture.ADMIN_PASSWORD,
            'service_project_name': 'admin',
        }
    )


def test_stack_user_keys_sign_for_the_callers_project(
    admin_as_service_user, stack_user_role, demo, keystone
):
    authenticator = ec2_keystone.KeystoneEc2Authenticator(CONF)
    identity = openstack.make_clients(
        engine_context(authenticator, demo.access, demo.secret)
    ).identity
    name = 'stack1-CfnUser-%s' % uuid.uuid4().hex[:8]

    user_id = identity.create_stack_user('s1', name)
    access, secret = identity.create_ec2_credentials(user_id, 's1')
    signed = engine_context(authenticator, access, secret)
    identity.delete_ec2_credentials(user_id, access)
    identity.delete_stack_user(user_id)

    assert (signed.tenant, signed.user) == (demo.project_id, user_id)
    assert signed.roles == [identity_plugin.STACK_USER_ROLE]
    with pytest.raises(exception.InvalidClientTokenId):
        engine_context(authenticator, access, secret)


def test_service_user_without_admin_role_makes_no_stack_user(
    authenticator, stack_user_role, demo, keystone
):
    identity = openstack.make_clients(
        engine_context(authenticator, demo.access, demo.secret)
    ).identity
    name = 'stack1-CfnUser-%s' % uuid.uuid4().hex[:8]

    with pytest.raises(exception.CloudError, match='not authorized'):
        identity.create_stack_user('s1', name)

    assert not admin_client(keystone).users.list(name=name)
