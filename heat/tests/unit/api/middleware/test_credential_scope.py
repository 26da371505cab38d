import boto.auth
import boto.connection
import boto.provider
import pytest

from heat.api.middleware import credential_scope
from heat.common import config
from heat.common import exception

HOSTS = [
    '127.0.0.1',
    '10.0.0.5:8000',
    'localhost:8000',
    'heat.example.org',
    'cloudformation.amazonaws.com',
    'cloudformation.eu-west-1.amazonaws.com:443',
    'cloudformation.us-gov.amazonaws.com',
    'heat.internal',
]


def boto2_signed_scope(host):
    """(region, service) of the scope real boto 2 signs for host."""
    hostname, _, port = host.partition(':')
    provider = boto.provider.Provider('aws', 'AK', 'secret')
    handler = boto.auth.HmacAuthV4Handler(hostname, boto.config, provider)
    request = boto.connection.HTTPRequest(
        'POST',
        'http',
        hostname,
        int(port or 80),
        '/v1/',
        None,
        {'Action': 'ListStacks'},
        {},
        '',
    )
    handler.add_auth(request)
    credential = (
        request.headers['Authorization'].split('Credential=')[1].split(',')[0]
    )
    _access, _date, region, service, _ = credential.split('/')
    return region, service


@pytest.mark.parametrize('host', HOSTS)
def test_boto2_scope_is_what_boto2_signs(host):
    assert credential_scope.boto2_scope(host) == boto2_signed_scope(host)


def test_this_region_and_service_are_accepted():
    credential_scope.check('RegionOne', 'cloudformation', '127.0.0.1:8000')


def test_the_configured_region_is_the_one_accepted():
    config.CONF.set_override('region_name', 'RegionTwo', group='clients')
    try:
        credential_scope.check('RegionTwo', 'cloudformation', 'h:1')
        with pytest.raises(exception.SignatureDoesNotMatch):
            credential_scope.check('RegionOne', 'cloudformation', 'h:1')
    finally:
        config.CONF.clear_override('region_name', group='clients')


def test_another_region_is_refused_in_aws_words():
    with pytest.raises(exception.SignatureDoesNotMatch) as caught:
        credential_scope.check('us-east-1', 'cloudformation', '127.0.0.1')
    assert str(caught.value) == (
        "Credential should be scoped to a valid region, not 'us-east-1'. "
    )


def test_another_service_is_refused_in_aws_words():
    with pytest.raises(exception.SignatureDoesNotMatch) as caught:
        credential_scope.check('RegionOne', 'foo', '127.0.0.1')
    assert str(caught.value) == (
        "Credential should be scoped to correct service: 'cloudformation'. "
    )


def test_the_scope_boto2_derives_from_the_host_is_accepted():
    credential_scope.check('0', '127', '127.0.0.1:8000')
    with pytest.raises(exception.SignatureDoesNotMatch):
        # Derived from another host than the one the request was sent to.
        credential_scope.check('0', '10', '127.0.0.1:8000')
