"""KeystoneEc2Authenticator against keystone's answers, faked at HTTP level."""

import datetime
import logging
import threading

from oslo_config import cfg
import pytest
import requests

from heat.api.middleware import ec2_keystone
from heat.common import config
from heat.common import ec2signature
from heat.common import exception

KEYSTONE = 'http://keystone.test:5000/v3'
TOKENS_URL = KEYSTONE + '/auth/tokens'
EC2TOKENS_URL = KEYSTONE + '/ec2tokens'
SERVICE_PASSWORD = 'service-password-value'
SIGNATURE = 'c2lnbmF0dXJlLXZhbHVl'
CREDENTIALS = {
    'access': 'access-key-id',
    'signature': SIGNATURE,
    'host': '127.0.0.1:8000',
    'verb': 'GET',
    'path': '/v1/',
    'params': {
        'Action': 'ListStacks',
        'SignatureVersion': '2',
        'SignatureMethod': 'HmacSHA256',
        'AWSAccessKeyId': 'access-key-id',
    },
}
GENERIC_401 = {
    'error': {
        'code': 401,
        'title': 'Unauthorized',
        'message': 'The request you have made requires authentication.',
    }
}


@pytest.fixture
def conf():
    conf = cfg.ConfigOpts()
    conf.register_opts(config.auth_opts, group='auth')
    conf([], default_config_files=[])
    conf.set_override('keystone_url', KEYSTONE + '/', group='auth')
    conf.set_override('service_password', SERVICE_PASSWORD, group='auth')
    conf.set_override('timeout', 7, group='auth')
    return conf


@pytest.fixture
def authenticator(conf):
    return ec2_keystone.KeystoneEc2Authenticator(conf)


def _token_body(
    expires_in=3600,
    user_id='service-user-id',
    project_id='service-project-id',
    roles=('service',),
):
    """A keystone v3 token body, as /auth/tokens and ec2tokens answer."""
    now = datetime.datetime.now(datetime.UTC)
    expires = now + datetime.timedelta(seconds=expires_in)
    domain = {'id': 'default', 'name': 'Default'}
    return {
        'token': {
            'methods': ['password'],
            'issued_at': now.strftime('%Y-%m-%dT%H:%M:%S.000000Z'),
            'expires_at': expires.strftime('%Y-%m-%dT%H:%M:%S.000000Z'),
            'user': {'id': user_id, 'name': user_id, 'domain': domain},
            'project': {
                'id': project_id,
                'name': project_id,
                'domain': domain,
            },
            'roles': [{'id': role + '-id', 'name': role} for role in roles],
            'catalog': [],
        }
    }


def _service_token(token_id, expires_in=3600):
    return {
        'status_code': 201,
        'headers': {'X-Subject-Token': token_id},
        'json': _token_body(expires_in),
    }


def _user_token():
    body = _token_body(
        user_id='demo-user-id',
        project_id='demo-project-id',
        roles=('member', 'reader'),
    )
    return {
        'status_code': 200,
        'headers': {'X-Subject-Token': 'user-token'},
        'json': body,
    }


@pytest.fixture
def keystone(requests_mock):
    requests_mock.post(TOKENS_URL, **_service_token('service-token'))
    requests_mock.post(EC2TOKENS_URL, **_user_token())
    return requests_mock


def _calls(keystone, method, url):
    return [
        r
        for r in keystone.request_history
        if r.method == method and r.url == url
    ]


def test_returns_the_identity_keystone_scoped_the_token_to(
    authenticator, keystone
):
    identity = authenticator.authenticate(CREDENTIALS)

    assert identity == ec2signature.Identity(
        tenant='demo-project-id',
        user='demo-user-id',
        roles=['member', 'reader'],
        auth_token='user-token',
    )


def test_posts_the_credentials_as_the_service_user(authenticator, keystone):
    authenticator.authenticate(CREDENTIALS)

    [auth] = _calls(keystone, 'POST', TOKENS_URL)
    password = auth.json()['auth']['identity']['password']['user']
    assert password['name'] == 'heat'
    assert password['password'] == SERVICE_PASSWORD
    assert password['domain'] == {'name': 'Default'}
    assert auth.json()['auth']['scope']['project']['name'] == 'service'
    [ec2] = _calls(keystone, 'POST', EC2TOKENS_URL)
    assert ec2.json() == {'credentials': CREDENTIALS}
    assert ec2.headers['X-Auth-Token'] == 'service-token'
    assert ec2.timeout == 7


def test_reuses_the_service_token(authenticator, keystone):
    authenticator.authenticate(CREDENTIALS)
    authenticator.authenticate(CREDENTIALS)

    assert len(_calls(keystone, 'POST', TOKENS_URL)) == 1
    assert len(_calls(keystone, 'POST', EC2TOKENS_URL)) == 2


def test_authenticates_again_when_the_service_token_expires(
    authenticator, keystone
):
    keystone.post(
        TOKENS_URL,
        [
            _service_token('short-lived', expires_in=30),
            _service_token('fresh'),
        ],
    )

    authenticator.authenticate(CREDENTIALS)
    authenticator.authenticate(CREDENTIALS)

    used = [
        r.headers['X-Auth-Token']
        for r in _calls(keystone, 'POST', EC2TOKENS_URL)
    ]
    assert used == ['short-lived', 'fresh']


def test_threads_share_one_service_token(authenticator, keystone):
    errors = []

    def authenticate():
        try:
            authenticator.authenticate(CREDENTIALS)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=authenticate) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert errors == []
    assert len(_calls(keystone, 'POST', TOKENS_URL)) == 1
    assert len(_calls(keystone, 'POST', EC2TOKENS_URL)) == 8


def test_bad_signature_is_refused_without_a_new_service_token(
    authenticator, keystone
):
    keystone.post(EC2TOKENS_URL, status_code=401, json=GENERIC_401)
    keystone.get(TOKENS_URL, status_code=200, json=_token_body())

    with pytest.raises(exception.SignatureDoesNotMatch):
        authenticator.authenticate(CREDENTIALS)

    assert len(_calls(keystone, 'POST', TOKENS_URL)) == 1
    assert len(_calls(keystone, 'POST', EC2TOKENS_URL)) == 1
    [check] = _calls(keystone, 'GET', TOKENS_URL)
    assert check.headers['X-Subject-Token'] == 'service-token'


def test_retries_once_with_a_new_token_when_keystone_revoked_it(
    authenticator, keystone
):
    keystone.post(
        TOKENS_URL, [_service_token('revoked'), _service_token('fresh')]
    )
    keystone.post(
        EC2TOKENS_URL,
        [{'status_code': 401, 'json': GENERIC_401}, _user_token()],
    )
    keystone.get(TOKENS_URL, status_code=404)

    identity = authenticator.authenticate(CREDENTIALS)

    assert identity.tenant == 'demo-project-id'
    used = [
        r.headers['X-Auth-Token']
        for r in _calls(keystone, 'POST', EC2TOKENS_URL)
    ]
    assert used == ['revoked', 'fresh']


def test_unknown_access_key_is_an_invalid_client_token(
    authenticator, keystone
):
    keystone.post(
        EC2TOKENS_URL,
        status_code=404,
        json={'error': {'code': 404, 'message': 'EC2 access key not found.'}},
    )

    with pytest.raises(exception.InvalidClientTokenId):
        authenticator.authenticate(CREDENTIALS)


def test_expired_credential_is_request_expired(authenticator, keystone):
    # What keystone says when insecure_debug is on.
    keystone.post(
        EC2TOKENS_URL,
        status_code=401,
        json={
            'error': {
                'code': 401,
                'message': 'Credential is expired (Disable '
                'insecure_debug mode to suppress these '
                'details.)',
            }
        },
    )
    keystone.get(TOKENS_URL, status_code=200, json=_token_body())

    with pytest.raises(exception.RequestExpired):
        authenticator.authenticate(CREDENTIALS)


@pytest.mark.parametrize(
    'status, answer',
    [
        (400, {'json': {'error': {'code': 400, 'message': 'bad body'}}}),
        # The service user lacks the service or admin role.
        (403, {'json': {'error': {'code': 403, 'message': 'not authorized'}}}),
        # Keystone's 500s are an HTML page, not JSON.
        (500, {'text': '<html><h1>Internal Server Error</h1></html>'}),
        (503, {'text': 'Service Unavailable'}),
    ],
)
def test_keystone_errors_are_service_unavailable(
    authenticator, keystone, status, answer
):
    keystone.post(EC2TOKENS_URL, status_code=status, **answer)

    with pytest.raises(exception.ServiceUnavailable, match='keystone'):
        authenticator.authenticate(CREDENTIALS)


@pytest.mark.parametrize(
    'error',
    [
        requests.exceptions.ConnectionError,
        requests.exceptions.ConnectTimeout,
        requests.exceptions.ReadTimeout,
    ],
)
def test_unreachable_keystone_is_service_unavailable(
    authenticator, keystone, error
):
    keystone.post(EC2TOKENS_URL, exc=error)

    with pytest.raises(exception.ServiceUnavailable, match='keystone'):
        authenticator.authenticate(CREDENTIALS)


def test_refused_service_user_is_service_unavailable(authenticator, keystone):
    keystone.post(TOKENS_URL, status_code=401, json=GENERIC_401)

    with pytest.raises(exception.ServiceUnavailable, match='keystone'):
        authenticator.authenticate(CREDENTIALS)

    assert _calls(keystone, 'POST', EC2TOKENS_URL) == []


@pytest.mark.parametrize(
    'answer',
    [
        {'json': {'something': 'else'}},
        {'text': 'not json'},
        # A token without the header that carries its id.
        {'json': _token_body(user_id='u', project_id='p')},
    ],
)
def test_unreadable_token_is_service_unavailable(
    authenticator, keystone, answer
):
    keystone.post(EC2TOKENS_URL, status_code=200, **answer)

    with pytest.raises(exception.ServiceUnavailable):
        authenticator.authenticate(CREDENTIALS)


def test_secrets_never_reach_the_log(authenticator, keystone, caplog):
    caplog.set_level(logging.DEBUG)
    authenticator.authenticate(CREDENTIALS)
    keystone.post(EC2TOKENS_URL, status_code=401, json=GENERIC_401)
    keystone.get(TOKENS_URL, status_code=200, json=_token_body())
    with pytest.raises(exception.SignatureDoesNotMatch):
        authenticator.authenticate(CREDENTIALS)

    assert caplog.records, 'expected the refusal to be logged'
    for secret in (SIGNATURE, SERVICE_PASSWORD, 'service-token', 'user-token'):
        assert secret not in caplog.text


def test_keystone_url_is_required(conf):
    conf.clear_override('keystone_url', group='auth')

    with pytest.raises(cfg.RequiredOptError):
        ec2_keystone.KeystoneEc2Authenticator(conf)
