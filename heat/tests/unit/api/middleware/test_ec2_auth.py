"""Extracting signature material and calling the backend."""

import datetime
from unittest import mock

import pytest
import webob

from heat.api.middleware import ec2_auth
from heat.api.middleware import ec2_local
from heat.api.middleware import fault
from heat.common import ec2signature
from heat.common import exception
from heat.tests.unit.api.middleware import conftest


@pytest.fixture
def authenticator():
    return conftest.SecretAuthenticator()


@pytest.fixture
def app(authenticator):
    return fault.FaultWrapper(
        ec2_auth.Ec2Auth(conftest.echo_app, authenticator)
    )


def code_of(response):
    return response.body.split(b'<Code>')[1].split(b'</Code>')[0].decode()


@pytest.mark.parametrize('method', ['GET', 'POST'])
@pytest.mark.parametrize('sigv', [2, 4])
def test_signed_requests_pass(app, authenticator, method, sigv):
    response = conftest.signed(method, sigv=sigv).get_response(app)
    assert response.status_code == 200
    credentials = authenticator.seen[0]
    assert credentials['access'] == conftest.ACCESS
    assert set(credentials) == {
        'access',
        'signature',
        'host',
        'verb',
        'path',
        'params',
        'headers',
        'body_hash',
    }
    assert 'Signature' not in credentials['params']


def test_sigv4_header_credentials(authenticator, app):
    conftest.signed('POST', sigv=4).get_response(app)
    credentials = authenticator.seen[0]
    assert len(credentials['signature']) == 64
    assert credentials['headers']['Authorization'].startswith(
        'AWS4-HMAC-SHA256 '
    )
    assert credentials['host'] == '127.0.0.1:8000'
    assert credentials['verb'] == 'POST'
    assert credentials['path'] == '/v1/'


@pytest.mark.parametrize(
    'query, headers, code',
    [
        ('Action=DescribeStacks', {}, 'MissingAuthenticationToken'),
        (
            '',
            {'Authorization': 'AWS4-HMAC-SHA256 garbage'},
            'IncompleteSignature',
        ),
        (
            '',
            {
                'Authorization': 'AWS4-HMAC-SHA256 Credential=AK/d/r/s/'
                'aws4_request, SignedHeaders=host'
            },
            'IncompleteSignature',
        ),
        (
            '',
            {
                'Authorization': 'AWS4-HMAC-SHA256 Credential=AK/d, '
                'SignedHeaders=host, Signature=' + 'a' * 64
            },
            'IncompleteSignature',
        ),
        (
            '',
            {
                'Authorization': 'AWS4-HMAC-SHA256 Credential=AK/d/r/s/'
                'aws4_request, SignedHeaders=host, '
                'Signature=nothex'
            },
            'IncompleteSignature',
        ),
        ('', {'Authorization': 'Basic dTpw'}, 'IncompleteSignature'),
        ('X-Amz-Signature=' + 'a' * 64, {}, 'IncompleteSignature'),
        ('Signature=abc', {}, 'IncompleteSignature'),
        ('AWSAccessKeyId=AK', {}, 'IncompleteSignature'),
        (
            'Signature=abc&AWSAccessKeyId=AK&SignatureVersion=1'
            '&SignatureMethod=HmacSHA256',
            {},
            'IncompleteSignature',
        ),
        (
            'Signature=abc&AWSAccessKeyId=AK&SignatureVersion=2'
            '&SignatureMethod=HmacMD5',
            {},
            'IncompleteSignature',
        ),
    ],
)
def test_malformed_or_missing_signatures(
    app, authenticator, query, headers, code
):
    req = webob.Request.blank('/v1/?' + query, headers=headers)
    response = req.get_response(app)
    assert response.status_code == 403
    assert code_of(response) == code
    assert authenticator.seen == []


def test_expired_request_is_refused(app, authenticator, monkeypatch):
    later = ec2_auth.utcnow() + datetime.timedelta(hours=1)
    monkeypatch.setattr(ec2_auth, 'utcnow', lambda: later)
    response = conftest.signed().get_response(app)
    assert code_of(response) == 'RequestExpired'
    assert authenticator.seen == []


def test_tampered_request_is_refused(app):
    req = conftest.signed('POST')
    req.body = req.body.replace(b'DescribeStacks', b'DeleteStack')
    assert code_of(req.get_response(app)) == 'SignatureDoesNotMatch'


def test_backend_outage_is_503():
    backend = mock.Mock()
    backend.authenticate.side_effect = exception.ServiceUnavailable()
    app = fault.FaultWrapper(ec2_auth.Ec2Auth(conftest.echo_app, backend))
    response = conftest.signed().get_response(app)
    assert response.status_code == 503


def test_healthcheck_skips_auth(app, authenticator):
    response = webob.Request.blank('/healthcheck').get_response(app)
    assert response.status_code == 200
    assert authenticator.seen == []


def test_keystone_backend_is_chosen_by_name(conf):
    conf.set_override('keystone_url', 'http://keystone:5000/v3', group='auth')
    from heat.api.middleware import ec2_keystone

    authenticator = ec2_auth.make_authenticator('keystone')
    assert isinstance(authenticator, ec2_keystone.KeystoneEc2Authenticator)


def test_local_backend_asks_the_engine():
    engine = mock.Mock()
    engine.authenticate_ec2.return_value = {
        'tenant': 't',
        'user': 'u',
        'roles': ['r'],
        'auth_token': None,
        'scoped_stack_id': 's',
    }
    with mock.patch('heat.rpc.client.EngineClient', return_value=engine):
        authenticator = ec2_auth.make_authenticator('local')
    assert isinstance(authenticator, ec2_local.LocalEc2Authenticator)
    identity = authenticator.authenticate({'access': 'AK'})
    assert identity == ec2signature.Identity('t', 'u', ['r'], None, 's')
    (ctxt,) = engine.authenticate_ec2.call_args.args
    assert ctxt.tenant == ''
    assert engine.authenticate_ec2.call_args.kwargs == {
        'credentials': {'access': 'AK'}
    }


@pytest.mark.parametrize(
    'text',
    [
        '20261124T101112Z',
        '20240229T235959Z',
        # strptime's leniency: one-digit fields, lower-case letters.
        '2026112T1234Z',
        '20261124t101112z',
        # Out of range, or not the format at all.
        '20230229T000000Z',
        '20261324T000000Z',
        '20261100T000000Z',
        '20261124T240000Z',
        '20261124T106000Z',
        '20261124T101160Z',
        '00001124T101112Z',
        '20261124T101112Z\n',
        '2026-11-24T10:11:12Z',
        '',
    ],
)
def test_sigv4_dates_are_read_as_strptime_reads_them(text):
    try:
        signed_at = datetime.datetime.strptime(
            text, ec2signature.SIGV4_DATE_FORMAT
        ).replace(tzinfo=datetime.UTC)
    except ValueError:
        signed_at = None
    credentials = {
        'headers': {'Authorization': 'AWS4-HMAC-SHA256 x', 'X-Amz-Date': text},
        'params': {},
    }
    if signed_at is None:
        with pytest.raises(exception.IncompleteSignature):
            ec2signature.check_freshness(credentials, ec2_auth.utcnow(), 0)
    else:
        # Checked at the very moment it was signed: with no window, any
        # other reading of the date would be out of time.
        ec2signature.check_freshness(credentials, signed_at, 0)


def test_sigv2_form_request_may_not_carry_unsigned_query_parameters(
    app, authenticator
):
    req = conftest.signed('POST', sigv=2)
    req.query_string = 'Action=DeleteStack&StackName=other'
    response = req.get_response(app)
    assert response.status_code == 403
    assert code_of(response) == 'IncompleteSignature'
    assert authenticator.seen == []


def test_sigv2_query_request_may_not_carry_an_unsigned_form(
    app, authenticator
):
    req = conftest.signed('GET', sigv=2)
    req.method = 'POST'
    req.content_type = conftest.FORM
    req.body = b'TemplateBody=%7B%7D'
    response = req.get_response(app)
    assert response.status_code == 403
    assert code_of(response) == 'IncompleteSignature'
    assert authenticator.seen == []


def test_sigv2_query_signed_signal_keeps_its_body(authenticator):
    # A handle's pre-signed URL is signalled with a body of data, which
    # the signature never covers (nor does AWS's).
    app = ec2_auth.Ec2Auth(conftest.echo_app, authenticator)
    req = conftest.signed(
        'PUT', sigv=2, path='/v1/waitcondition/arn/resources/handle'
    )
    req.method = 'POST'  # checked as the PUT it was signed for
    req.content_type = conftest.FORM
    req.body = b'Status=SUCCESS'
    assert req.get_response(app).status_code == 200
    assert authenticator.seen[-1]['verb'] == 'PUT'
