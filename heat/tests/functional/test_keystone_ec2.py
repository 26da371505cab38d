"""KeystoneEc2Authenticator against a real keystone, with real AWS signers.

Requests are signed by botocore and boto 2 as clients would sign a call to
heat-api on 127.0.0.1:8000, turned into the credentials dict heat-api
would build on receiving them, and checked by keystone.
"""

import hashlib
import socket
import time
import urllib.parse

from boto import auth as boto_auth
import boto.connection
import boto.provider
from botocore import auth as botocore_auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from oslo_config import cfg
import pytest

from heat.api.middleware import ec2_keystone
from heat.common import config
from heat.common import exception
from heat.tests import keystone_fixture

# The session's keystone, started once for every test that names it.
keystone = keystone_fixture.keystone

API_HOST = '127.0.0.1'
API_PORT = 8000
API_URL = 'http://%s:%d/v1/' % (API_HOST, API_PORT)
FORM = 'application/x-www-form-urlencoded'
LIST_STACKS = {'Action': 'ListStacks', 'Version': '2010-05-15'}
SIGV4 = 'AWS4-HMAC-SHA256'


def _make_conf(**auth_options):
    conf = cfg.ConfigOpts()
    conf.register_opts(config.auth_opts, group='auth')
    conf([], default_config_files=[])
    for name, value in auth_options.items():
        conf.set_override(name, value, group='auth')
    return conf


@pytest.fixture(scope='module')
def authenticator(keystone):
    return ec2_keystone.KeystoneEc2Authenticator(
        _make_conf(**keystone.auth_options())
    )


@pytest.fixture
def demo(keystone):
    return keystone.users['demo']


def received(method, url, headers, body):
    """The ec2tokens credentials of a request as heat-api receives it."""
    split = urllib.parse.urlsplit(url)
    body = body.encode() if isinstance(body, str) else (body or b'')
    headers = dict(headers, Host=split.netloc)
    params = dict(urllib.parse.parse_qsl(split.query))
    if method == 'POST' and headers.get('Content-Type', '').startswith(FORM):
        params.update(urllib.parse.parse_qsl(body.decode()))
    authorization = headers.get('Authorization', '')
    if authorization.startswith(SIGV4 + ' '):
        fields = dict(
            field.strip().split('=', 1)
            for field in authorization[len(SIGV4) + 1 :].split(',')
        )
        access = fields['Credential'].split('/')[0]
        signature = fields['Signature']
    else:
        access = params['AWSAccessKeyId']
        signature = params.pop('Signature')
    return {
        'access': access,
        'signature': signature,
        'host': split.netloc,
        'verb': method,
        'path': split.path,
        'params': params,
        'headers': headers,
        'body_hash': hashlib.sha256(body).hexdigest(),
    }


def botocore_signed(signer, method='POST'):
    if method == 'POST':
        request = AWSRequest(
            method='POST',
            url=API_URL,
            data=dict(LIST_STACKS),
            headers={'Content-Type': FORM},
        )
    else:
        request = AWSRequest(
            method='GET', url=API_URL, params=dict(LIST_STACKS)
        )
    signer.add_auth(request)
    prepared = request.prepare()
    return received(
        prepared.method, prepared.url, prepared.headers, prepared.body
    )


def botocore_sigv4(account, method='POST', secret=None):
    credentials = Credentials(account.access, secret or account.secret)
    return botocore_signed(
        botocore_auth.SigV4Auth(credentials, 'cloudformation', 'RegionOne'),
        method,
    )


def botocore_sigv2(account, method='GET', secret=None):
    credentials = Credentials(account.access, secret or account.secret)
    return botocore_signed(botocore_auth.SigV2Auth(credentials), method)


def boto2_signed(handler_class, account, method):
    provider = boto.provider.Provider('aws', account.access, account.secret)
    handler = handler_class(API_HOST, boto.config, provider)
    request = boto.connection.HTTPRequest(
        method,
        'http',
        API_HOST,
        API_PORT,
        '/v1/',
        None,
        dict(LIST_STACKS),
        {},
        '',
    )
    handler.add_auth(request)
    url = 'http://%s:%d%s' % (API_HOST, API_PORT, request.path)
    return received(method, url, request.headers, request.body)


def assert_is(identity, account):
    assert identity.tenant == account.project_id
    assert identity.user == account.user_id
    assert 'member' in identity.roles
    assert identity.auth_token


@pytest.mark.parametrize('method', ['POST', 'GET'])
def test_botocore_sigv4(authenticator, demo, method):
    assert_is(authenticator.authenticate(botocore_sigv4(demo, method)), demo)


@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_botocore_sigv2(authenticator, demo, method):
    assert_is(authenticator.authenticate(botocore_sigv2(demo, method)), demo)


@pytest.mark.parametrize('method', ['POST', 'GET'])
def test_boto2_sigv4(authenticator, demo, method):
    credentials = boto2_signed(boto_auth.HmacAuthV4Handler, demo, method)

    assert_is(authenticator.authenticate(credentials), demo)


@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_boto2_sigv2_signed_without_the_port(authenticator, demo, method):
    # boto 2 signs the bare host; heat-api passes the Host header with its
    # port, and keystone tries again without it.
    credentials = boto2_signed(
        boto_auth.QuerySignatureV2AuthHandler, demo, method
    )
    assert credentials['host'] == '%s:%d' % (API_HOST, API_PORT)

    assert_is(authenticator.authenticate(credentials), demo)


def test_each_key_maps_to_its_own_project(authenticator, keystone):
    alt = keystone.users['alt']

    identity = authenticator.authenticate(botocore_sigv4(alt))

    assert_is(identity, alt)
    assert identity.tenant != keystone.users['demo'].project_id


def test_token_is_a_keystone_token_for_the_project(
    authenticator, keystone, demo
):
    token = authenticator.authenticate(botocore_sigv4(demo)).auth_token

    body = keystone.admin().validate_token(token)['token']

    assert body['project']['id'] == demo.project_id
    assert body['methods'] == ['ec2credential']


@pytest.mark.parametrize('sign', [botocore_sigv4, botocore_sigv2])
def test_wrong_secret_is_signature_does_not_match(authenticator, demo, sign):
    credentials = sign(demo, secret='not-' + demo.secret)

    with pytest.raises(exception.SignatureDoesNotMatch):
        authenticator.authenticate(credentials)


def test_other_users_key_is_signature_does_not_match(
    authenticator, keystone, demo
):
    credentials = botocore_sigv4(demo)
    credentials['access'] = keystone.users['alt'].access

    with pytest.raises(exception.SignatureDoesNotMatch):
        authenticator.authenticate(credentials)


@pytest.mark.parametrize('sign', [botocore_sigv4, botocore_sigv2])
def test_unknown_access_key_is_invalid_client_token_id(
    authenticator, demo, sign
):
    credentials = sign(demo)
    credentials['access'] = '0' * 32

    with pytest.raises(exception.InvalidClientTokenId):
        authenticator.authenticate(credentials)


def test_revoked_service_token_is_replaced(keystone, demo):
    authenticator = ec2_keystone.KeystoneEc2Authenticator(
        _make_conf(**keystone.auth_options())
    )
    authenticator.authenticate(botocore_sigv4(demo))
    keystone.admin().revoke_token(authenticator._session.get_token())
    # Keystone's revocation events have one-second resolution.
    time.sleep(1)

    assert_is(authenticator.authenticate(botocore_sigv4(demo)), demo)


def test_service_user_without_service_role_is_service_unavailable(
    keystone, demo
):
    options = dict(
        keystone.auth_options(),
        service_username=demo.user,
        service_password=demo.password,
        service_project_name=demo.project,
    )
    authenticator = ec2_keystone.KeystoneEc2Authenticator(
        _make_conf(**options)
    )

    with pytest.raises(exception.ServiceUnavailable, match='keystone'):
        authenticator.authenticate(botocore_sigv4(demo))


def test_wrong_service_password_is_service_unavailable(keystone, demo):
    options = dict(keystone.auth_options(), service_password='wrong')
    authenticator = ec2_keystone.KeystoneEc2Authenticator(
        _make_conf(**options)
    )

    with pytest.raises(exception.ServiceUnavailable, match='keystone'):
        authenticator.authenticate(botocore_sigv4(demo))


def test_keystone_down_is_service_unavailable(keystone, demo):
    closed_port = keystone_fixture.free_port()
    options = dict(
        keystone.auth_options(),
        keystone_url='http://127.0.0.1:%d/v3' % closed_port,
    )
    authenticator = ec2_keystone.KeystoneEc2Authenticator(
        _make_conf(**options)
    )

    with pytest.raises(exception.ServiceUnavailable, match='keystone'):
        authenticator.authenticate(botocore_sigv4(demo))


def test_keystone_not_answering_is_service_unavailable(keystone, demo):
    with socket.socket() as silent:
        # Connections queue in the backlog and are never answered.
        silent.bind(('127.0.0.1', 0))
        silent.listen()
        options = dict(
            keystone.auth_options(),
            timeout=1,
            keystone_url='http://127.0.0.1:%d/v3' % silent.getsockname()[1],
        )
        authenticator = ec2_keystone.KeystoneEc2Authenticator(
            _make_conf(**options)
        )
        started = time.monotonic()

        with pytest.raises(exception.ServiceUnavailable, match='keystone'):
            authenticator.authenticate(botocore_sigv4(demo))

    # The bound tells the 1 s timeout from waiting for ever; it is far
    # above 1 s so that a loaded machine does not reach it.
    assert time.monotonic() - started < 20
