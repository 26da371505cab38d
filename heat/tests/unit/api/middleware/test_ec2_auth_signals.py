"""The signal route's authentication: Heat's own keys, untimed URLs only
for keys made for one resource, and POST checked as the signed PUT."""

import datetime
import urllib.parse

import pytest
import webob

from heat.api.middleware import ec2_auth
from heat.api.middleware import fault
from heat.common import ec2signature
from heat.common import handle_url
from heat.tests.unit.api.middleware import conftest

ENDPOINT = 'http://127.0.0.1:8000/v1'
ARN = 'arn:openstack:heat::t1:stacks/web/0f2d8f0e-5f43-4c1c-9d4e-1b2c3d4e5f60'


class LocalStore(conftest.SecretAuthenticator):
    """Heat's credential store with the one key, made for a handle or not."""

    def __init__(self, resource_name='Handle'):
        super().__init__()
        self.resource_name = resource_name

    def authenticate(self, credentials):
        identity = super().authenticate(credentials)
        if self.resource_name is not None:
            identity.scoped_stack_id = 's1'
            identity.scoped_resource = self.resource_name
        return identity


class Refusing:
    """A backend that must not be asked (keystone knows no handle keys)."""

    def authenticate(self, credentials):
        raise AssertionError('asked the main backend for a signal')


def app_with(store, main=None):
    return fault.FaultWrapper(
        ec2_auth.Ec2Auth(conftest.echo_app, main or Refusing(), store)
    )


def handle_request(method='PUT', url=None):
    url = url or handle_url.presign(
        ENDPOINT, ARN, 'Handle', conftest.ACCESS, conftest.SECRET
    )
    return webob.Request.blank(
        url, method=method, body=b'{"Status": "SUCCESS"}'
    )


def code_of(response):
    return response.body.split(b'<Code>')[1].split(b'</Code>')[0].decode()


def context_of(response):
    return conftest.body_json(response)


def test_untimed_handle_url_passes_for_a_handle_key():
    store = LocalStore()
    response = handle_request().get_response(app_with(store))
    assert response.status_code == 200
    [credentials] = store.seen
    assert credentials['verb'] == 'PUT'
    assert credentials['path'] == '/v1' + handle_url.path(ARN, 'Handle')
    assert 'Timestamp' not in credentials['params']
    assert 'Expires' not in credentials['params']


def test_untimed_url_of_an_ordinary_key_is_refused():
    response = handle_request().get_response(app_with(LocalStore(None)))
    assert response.status_code == 403
    assert code_of(response) == 'IncompleteSignature'


def test_untimed_url_elsewhere_is_refused_before_any_backend():
    url = handle_url.presign(
        ENDPOINT, ARN, 'Handle', conftest.ACCESS, conftest.SECRET
    ).replace('/waitcondition/', '/elsewhere/')
    store = LocalStore()
    response = handle_request(url=url).get_response(
        fault.FaultWrapper(ec2_auth.Ec2Auth(conftest.echo_app, store))
    )
    assert code_of(response) == 'IncompleteSignature'
    assert store.seen == []


def test_post_is_checked_as_the_put_it_was_signed_for():
    store = LocalStore()
    response = handle_request('POST').get_response(app_with(store))
    assert response.status_code == 200
    assert [c['verb'] for c in store.seen] == ['POST', 'PUT']


@pytest.mark.parametrize('method', ['DELETE', 'GET'])
def test_other_methods_do_not_match_the_signature(method):
    response = handle_request(method).get_response(app_with(LocalStore()))
    assert code_of(response) == 'SignatureDoesNotMatch'


def test_tampered_handle_name_does_not_match():
    url = handle_url.presign(
        ENDPOINT, ARN, 'Handle', conftest.ACCESS, conftest.SECRET
    ).replace('/Handle?', '/Other?')
    response = handle_request(url=url).get_response(app_with(LocalStore()))
    assert code_of(response) == 'SignatureDoesNotMatch'


def test_a_timed_signal_is_still_checked_for_its_time():
    expired = (
        datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    ).strftime('%Y-%m-%dT%H:%M:%SZ')
    path = '/v1' + handle_url.path(ARN, 'Handle')
    params = {
        'AWSAccessKeyId': conftest.ACCESS,
        'SignatureVersion': '2',
        'SignatureMethod': 'HmacSHA256',
        'Expires': expired,
    }
    params['Signature'] = ec2signature.sign_v2(
        conftest.SECRET, 'PUT', '127.0.0.1', path, params
    )
    url = 'http://127.0.0.1:8000%s?%s' % (path, urllib.parse.urlencode(params))
    response = handle_request(url=url).get_response(app_with(LocalStore()))
    assert code_of(response) == 'RequestExpired'


def test_keystone_backend_still_checks_signals_locally(monkeypatch, conf):
    made = []

    def make_authenticator(backend):
        made.append(backend)
        return LocalStore() if backend == 'local' else Refusing()

    monkeypatch.setattr(ec2_auth, 'make_authenticator', make_authenticator)
    conf.set_override('backend', 'keystone', group='auth')
    app = fault.FaultWrapper(ec2_auth.filter_factory({})(conftest.echo_app))
    assert made == ['keystone', 'local']
    assert handle_request().get_response(app).status_code == 200


def test_local_backend_serves_both(monkeypatch):
    made = []
    monkeypatch.setattr(
        ec2_auth,
        'make_authenticator',
        lambda backend: made.append(backend) or LocalStore(),
    )
    ec2_auth.filter_factory({})(conftest.echo_app)
    assert made == ['local']
