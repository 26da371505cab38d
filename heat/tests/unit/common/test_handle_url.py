"""Wait condition handle URLs: their parts, and signatures that verify."""

import urllib.parse

import pytest
import webob

from heat.api.middleware import ec2_auth
from heat.common import ec2signature
from heat.common import exception
from heat.common import handle_url

ARN = 'arn:openstack:heat::t1:stacks/web/0f2d8f0e-5f43-4c1c-9d4e-1b2c3d4e5f60'
ACCESS = 'AKIAHANDLE0000000001'
SECRET = 'handle+secret/0123456789abcdefghijklmnopq'


def credentials(url, method='PUT', host=None):
    req = webob.Request.blank(url, method=method)
    if host:
        req.host = host
    return ec2_auth.credentials_from_request(req)


def test_url_form_and_parts():
    url = handle_url.presign(
        'http://127.0.0.1:8000/v1', ARN, 'Handle', ACCESS, SECRET
    )
    split = urllib.parse.urlsplit(url)
    assert split.path == '/v1/waitcondition/%s/resources/Handle' % ARN
    query = dict(urllib.parse.parse_qsl(split.query))
    assert set(query) == {
        'AWSAccessKeyId',
        'Signature',
        'SignatureMethod',
        'SignatureVersion',
    }
    assert (query['SignatureMethod'], query['SignatureVersion']) == (
        'HmacSHA256',
        '2',
    )
    assert handle_url.access_key(url) == ACCESS
    assert handle_url.resource_name(url) == 'Handle'
    assert handle_url.stack_arn(url) == ARN
    assert SECRET not in url


@pytest.mark.parametrize(
    'endpoint, host',
    [
        ('http://127.0.0.1:8000/v1', '127.0.0.1:8000'),
        ('http://127.0.0.1:8000/v1', '127.0.0.1'),
        ('https://heat.example.com/v1', 'heat.example.com'),
        ('http://[::1]:8000', '[::1]:8000'),
    ],
)
def test_signature_verifies_with_or_without_the_port(endpoint, host):
    url = handle_url.presign(endpoint, ARN, 'Handle', ACCESS, SECRET)
    ec2signature.verify(credentials(url, host=host), SECRET)


def test_signature_is_for_put_and_this_path_only():
    url = handle_url.presign(
        'http://127.0.0.1:8000/v1', ARN, 'Handle', ACCESS, SECRET
    )
    for changed in (
        credentials(url, 'POST'),
        credentials(url.replace('Handle?', 'Other?')),
        credentials(url.replace('/web/', '/www/')),
    ):
        with pytest.raises(exception.SignatureDoesNotMatch):
            ec2signature.verify(changed, SECRET)
    with pytest.raises(exception.SignatureDoesNotMatch):
        ec2signature.verify(credentials(url), 'another secret')


def test_names_needing_quotes_are_quoted_and_read_back():
    arn = 'arn:openstack:heat::my tenant:stacks/web/1'
    url = handle_url.presign('http://h/v1', arn, 'Handle', ACCESS, SECRET)
    assert (
        '/waitcondition/arn:openstack:heat::my%20tenant:stacks/web/1/' in url
    )
    assert handle_url.stack_arn(url) == arn


@pytest.mark.parametrize(
    'url',
    [
        'http://h/v1/elsewhere/x/resources/Handle',
        'http://h/v1/waitcondition/%s' % ARN,
        'http://h/v1/waitcondition/%s/resources/' % ARN,
        'Handle',
    ],
)
def test_other_urls_are_not_handle_urls(url):
    assert (
        handle_url.resource_name(url) is None
        or handle_url.stack_arn(url) is None
    )


@pytest.mark.parametrize(
    'path, expected',
    [
        ('/v1/waitcondition/x/resources/H', True),
        ('/waitcondition/x/resources/H', True),
        ('/v1/', False),
        ('/v1/waitconditions/x', False),
    ],
)
def test_signal_paths(path, expected):
    assert handle_url.is_signal_path(path) is expected
