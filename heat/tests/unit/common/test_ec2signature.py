"""Signature checks on requests signed by the real clients.

botocore and boto 2 sign; heat.api.middleware.ec2_auth extracts the
credentials as the server sees them; ec2signature verifies.
"""

import datetime
import urllib.parse

import boto
import boto.auth
import boto.connection
import boto.provider
import botocore.auth
import botocore.awsrequest
import botocore.credentials
from keystoneclient.contrib.ec2 import utils as ec2_utils
import pytest
import webob

from heat.api.middleware import ec2_auth
from heat.common import ec2signature
from heat.common import exception

ACCESS = 'AKIDEXAMPLE'
SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
PARAMS = {
    'Action': 'DescribeStacks',
    'Version': '2010-05-15',
    'StackName': 'web stack/ü',
}
FORM = 'application/x-www-form-urlencoded; charset=utf-8'
UTC = datetime.UTC
WINDOW = 900


def to_webob(method, url, headers, body):
    if isinstance(body, str):
        body = body.encode('utf-8')
    req = webob.Request.blank(
        url, method=method, headers=dict(headers), body=body or b''
    )
    if not body:
        req.environ.pop('CONTENT_LENGTH', None)
    # As the server (cheroot) passes it: undecoded.
    split = urllib.parse.urlsplit(url)
    req.environ['REQUEST_URI'] = split.path + (
        '?' + split.query if split.query else ''
    )
    return req


def botocore_request(
    auth, method='POST', port=8000, params=PARAMS, path='/v1/'
):
    url = 'http://127.0.0.1%s%s' % (':%d' % port if port else '', path)
    if method == 'GET':
        request = botocore.awsrequest.AWSRequest(
            method=method, url=url, params=dict(params)
        )
    else:
        request = botocore.awsrequest.AWSRequest(
            method=method,
            url=url,
            data=dict(params),
            headers={'Content-Type': FORM},
        )
    auth.add_auth(request)
    prepared = request.prepare()
    return to_webob(method, prepared.url, prepared.headers, prepared.body)


def sigv4(secret=SECRET):
    credentials = botocore.credentials.Credentials(ACCESS, secret)
    return botocore.auth.SigV4Auth(credentials, 'cloudformation', 'RegionOne')


def sigv2(secret=SECRET):
    return botocore.auth.SigV2Auth(
        botocore.credentials.Credentials(ACCESS, secret)
    )


def boto2_request(handler_class, method='GET', port=8000, params=PARAMS):
    provider = boto.provider.Provider('aws', ACCESS, SECRET)
    handler = handler_class('127.0.0.1', boto.config, provider)
    request = boto.connection.HTTPRequest(
        method, 'http', '127.0.0.1', port, '/v1/', None, dict(params), {}, ''
    )
    handler.add_auth(request)
    return to_webob(
        method,
        'http://127.0.0.1:%d%s' % (port, request.path),
        request.headers,
        request.body,
    )


def credentials_of(req):
    return ec2_auth.credentials_from_request(req)


def verified(req, secret=SECRET):
    credentials = credentials_of(req)
    ec2signature.verify(credentials, secret)
    ec2signature.check_freshness(
        credentials, datetime.datetime.now(UTC), WINDOW
    )
    return credentials


@pytest.mark.parametrize('method', ['GET', 'POST'])
@pytest.mark.parametrize('port', [8000, None])
@pytest.mark.parametrize('auth', [sigv4, sigv2])
def test_botocore_signatures_verify(auth, port, method):
    credentials = verified(botocore_request(auth(), method, port))
    assert credentials['access'] == ACCESS


@pytest.mark.parametrize('method', ['GET', 'POST'])
@pytest.mark.parametrize(
    'handler',
    [boto.auth.HmacAuthV4Handler, boto.auth.QuerySignatureV2AuthHandler],
)
def test_boto2_signatures_verify(handler, method):
    credentials = verified(boto2_request(handler, method))
    assert credentials['access'] == ACCESS


def test_boto2_sigv2_signs_the_host_without_port():
    credentials = credentials_of(
        boto2_request(boto.auth.QuerySignatureV2AuthHandler)
    )
    assert credentials['host'] == '127.0.0.1:8000'
    ec2signature.verify(credentials, SECRET)


def test_sigv2_hmac_sha1():
    handler = boto.auth.QuerySignatureV2AuthHandler
    provider = boto.provider.Provider('aws', ACCESS, SECRET)
    signer = handler('127.0.0.1', boto.config, provider)
    signer._hmac_256 = None  # boto 2 falls back to HmacSHA1
    request = boto.connection.HTTPRequest(
        'GET', 'http', '127.0.0.1', 8000, '/v1/', None, dict(PARAMS), {}, ''
    )
    signer.add_auth(request)
    req = to_webob('GET', 'http://127.0.0.1:8000' + request.path, {}, b'')
    assert req.GET['SignatureMethod'] == 'HmacSHA1'
    verified(req)


def test_sigv4_presigned_query_verifies():
    credentials = botocore.credentials.Credentials(ACCESS, SECRET)
    auth = botocore.auth.SigV4QueryAuth(
        credentials, 'cloudformation', 'RegionOne', expires=600
    )
    req = botocore_request(auth, 'GET')
    assert 'X-Amz-Signature' in req.GET
    assert 'Authorization' not in req.headers
    verified(req)


def presigned_url(verb, path):
    """A SigV2 pre-signed URL, as wait condition handles are made."""
    params = {
        'AWSAccessKeyId': ACCESS,
        'SignatureVersion': '2',
        'SignatureMethod': 'HmacSHA256',
        'Expires': '2999-01-01T00:00:00Z',
    }
    signature = ec2_utils.Ec2Signer(SECRET).generate(
        {
            'params': dict(params),
            'verb': verb,
            'host': '127.0.0.1:8000',
            'path': path,
        }
    )
    query = urllib.parse.urlencode(dict(params, Signature=signature))
    return 'http://127.0.0.1:8000%s?%s' % (path, query)


@pytest.mark.parametrize('verb', ['PUT', 'POST'])
@pytest.mark.parametrize('content_type', [None, FORM])
def test_sigv2_query_signed_signal_with_any_body(verb, content_type):
    """cfn-signal sends JSON to a wait condition handle's URL."""
    path = '/v1/waitcondition/arn%3Aopenstack%3Aheat%3A%3At%3Astacks/w/1'
    body = b'{"Status": "SUCCESS", "Reason": "ok", "UniqueId": "1"}'
    headers = {'Content-Type': content_type} if content_type else {}
    req = to_webob(verb, presigned_url(verb, path), headers, body)
    credentials = verified(req)
    assert credentials['path'] == path
    assert credentials['params']['Expires'] == '2999-01-01T00:00:00Z'


def test_presigned_url_is_bound_to_its_verb():
    path = '/v1/waitcondition/x'
    req = to_webob('DELETE', presigned_url('PUT', path), {}, b'')
    with pytest.raises(exception.SignatureDoesNotMatch):
        verified(req)


def test_wrong_secret():
    for auth in (sigv4, sigv2):
        with pytest.raises(exception.SignatureDoesNotMatch):
            verified(botocore_request(auth()), secret='not the secret')


def test_tampered_body_breaks_sigv4():
    req = botocore_request(sigv4())
    req.body = req.body.replace(b'DescribeStacks', b'DeleteStack')
    with pytest.raises(exception.SignatureDoesNotMatch):
        verified(req)


@pytest.mark.parametrize('auth', [sigv4, sigv2])
def test_tampered_query_param(auth):
    req = botocore_request(auth(), 'GET')
    query = dict(req.GET, StackName='other')
    req.query_string = urllib.parse.urlencode(query)
    with pytest.raises(exception.SignatureDoesNotMatch):
        verified(req)


def test_tampered_sigv2_form_param():
    req = botocore_request(sigv2(), 'POST')
    req.body = req.body.replace(b'StackName=web', b'StackName=other')
    with pytest.raises(exception.SignatureDoesNotMatch):
        verified(req)


def test_other_host_breaks_signature():
    req = botocore_request(sigv4())
    req.host = 'evil.example.com:8000'
    with pytest.raises(exception.SignatureDoesNotMatch):
        verified(req)


def test_sigv1_is_refused():
    credentials = credentials_of(botocore_request(sigv2(), 'GET'))
    credentials['params']['SignatureVersion'] = '1'
    with pytest.raises(exception.SignatureDoesNotMatch):
        ec2signature.verify(credentials, SECRET)


def test_host_variants():
    assert ec2signature.host_variants('127.0.0.1:8000') == [
        '127.0.0.1:8000',
        '127.0.0.1',
    ]
    assert ec2signature.host_variants('[::1]:80') == ['[::1]:80', '[::1]']
    assert ec2signature.host_variants('[::1]') == ['[::1]']
    assert ec2signature.host_variants('h') == ['h']


def sigv4_credentials(date, expires=None):
    params = {'X-Amz-Algorithm': 'AWS4-HMAC-SHA256', 'X-Amz-Date': date}
    if expires is not None:
        params['X-Amz-Expires'] = expires
    return {'params': params, 'headers': {}}


NOW = datetime.datetime(2026, 11, 23, 19, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    'date, expires, fresh',
    [
        ('20261123T190000Z', None, True),
        ('20261123T184600Z', None, True),
        ('20261123T184400Z', None, False),
        ('20261123T191400Z', None, True),
        ('20261123T191600Z', None, False),
        ('20261123T180000Z', '7200', True),
        ('20261123T160000Z', '7200', False),
    ],
)
def test_sigv4_freshness(date, expires, fresh):
    credentials = sigv4_credentials(date, expires)
    if fresh:
        ec2signature.check_freshness(credentials, NOW, WINDOW)
    else:
        with pytest.raises(exception.RequestExpired):
            ec2signature.check_freshness(credentials, NOW, WINDOW)


def test_sigv4_freshness_reads_the_header():
    credentials = {
        'params': {},
        'headers': {
            'Authorization': 'AWS4-HMAC-SHA256 Credential=x',
            'X-Amz-Date': '20261123T170000Z',
        },
    }
    with pytest.raises(exception.RequestExpired):
        ec2signature.check_freshness(credentials, NOW, WINDOW)


@pytest.mark.parametrize(
    'params, fresh',
    [
        ({'Timestamp': '2026-11-23T18:50:00Z'}, True),
        ({'Timestamp': '2026-11-23T18:40:00Z'}, False),
        ({'Timestamp': '2026-11-23T19:20:00Z'}, False),
        ({'Expires': '2026-11-23T19:00:01Z'}, True),
        ({'Expires': '2026-11-23T18:59:59Z'}, False),
        ({'Expires': '2026-11-23T19:59:59+01:00'}, False),
    ],
)
def test_sigv2_freshness(params, fresh):
    credentials = {'params': dict(params, SignatureVersion='2'), 'headers': {}}
    if fresh:
        ec2signature.check_freshness(credentials, NOW, WINDOW)
    else:
        with pytest.raises(exception.RequestExpired):
            ec2signature.check_freshness(credentials, NOW, WINDOW)


@pytest.mark.parametrize(
    'credentials',
    [
        {'params': {'SignatureVersion': '2'}, 'headers': {}},
        {'params': {'Timestamp': 'noon'}, 'headers': {}},
        sigv4_credentials('yesterday'),
        sigv4_credentials('20261123T190000Z', 'soon'),
    ],
)
def test_unreadable_times_are_incomplete(credentials):
    with pytest.raises(exception.IncompleteSignature):
        ec2signature.check_freshness(credentials, NOW, WINDOW)
