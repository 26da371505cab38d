"""The whole pipeline as etc/heat/api-paste.ini assembles it."""

import logging
import os

from paste import deploy
import pytest
import webob
import webob.dec

import heat.api.cfn
from heat.api.middleware import ec2_auth
from heat.common import log
from heat.tests.unit.api.middleware import conftest

PASTE_INI = os.path.join(
    os.path.dirname(__file__),
    '..',
    '..',
    '..',
    '..',
    '..',
    'etc',
    'heat',
    'api-paste.ini',
)


@pytest.fixture
def authenticator():
    return conftest.SecretAuthenticator()


@pytest.fixture
def pipeline(monkeypatch, authenticator):
    monkeypatch.setattr(
        heat.api.cfn,
        'app_factory',
        lambda global_conf, **local: conftest.echo_app,
    )
    monkeypatch.setattr(
        ec2_auth, 'make_authenticator', lambda backend: authenticator
    )
    return deploy.loadapp(
        'config:' + os.path.abspath(PASTE_INI), name='heat-api-cfn'
    )


def test_signed_request_reaches_the_app_with_a_context(pipeline):
    response = conftest.signed().get_response(pipeline)
    assert response.status_code == 200
    seen = conftest.body_json(response)
    assert seen['context']['tenant'] == 't1'
    assert seen['context']['user'] == 'u1'
    assert (
        seen['context']['request_id']
        == seen['request_id']
        == response.headers['x-amzn-RequestId']
    )
    assert 'Action=DescribeStacks' in seen['body']


def test_each_request_gets_its_own_id(pipeline):
    ids = {
        conftest.signed().get_response(pipeline).headers['x-amzn-RequestId']
        for _ in range(3)
    }
    assert len(ids) == 3


def test_sigv2_get_reaches_the_app(pipeline):
    response = conftest.signed('GET', sigv=2).get_response(pipeline)
    assert conftest.body_json(response)['context']['tenant'] == 't1'


def test_unsigned_request_is_refused_with_an_aws_error(pipeline):
    response = webob.Request.blank('/v1/?Action=DescribeStacks').get_response(
        pipeline
    )
    assert response.status_code == 403
    assert b'<Code>MissingAuthenticationToken</Code>' in response.body
    request_id = response.headers['x-amzn-RequestId']
    assert ('<RequestId>%s</RequestId>' % request_id).encode() in response.body


def test_wrong_secret_is_refused(pipeline):
    response = conftest.signed(secret='wrong').get_response(pipeline)
    assert response.status_code == 403
    assert b'<Code>SignatureDoesNotMatch</Code>' in response.body


def test_json_errors_when_asked(pipeline):
    response = webob.Request.blank(
        '/v1/?Action=DescribeStacks&ContentType=JSON'
    ).get_response(pipeline)
    assert response.status_code == 403
    assert response.json['Error']['Code'] == 'MissingAuthenticationToken'


def test_healthcheck_needs_no_signature(pipeline, authenticator):
    response = webob.Request.blank('/healthcheck').get_response(pipeline)
    assert response.status_code == 200
    assert conftest.body_json(response)['context'] is None
    assert authenticator.seen == []


def test_oversized_body_is_refused_before_auth(pipeline, authenticator, conf):
    conf.set_override('max_body_size', 64, group='heat_api')
    req = conftest.signed(
        params={'Action': 'ValidateTemplate', 'TemplateBody': 'x' * 100}
    )
    response = req.get_response(pipeline)
    assert response.status_code == 413
    assert b'<Code>RequestEntityTooLarge</Code>' in response.body
    assert authenticator.seen == []


def served(app, req):
    """Status, headers and body as a WSGI server gets them from app."""
    started = []
    body = app(
        req.environ,
        lambda status, headers, exc_info=None: started.append(
            (status, headers)
        ),
    )
    [(status, headers)] = started
    return status, headers, b''.join(body)


def test_request_id_header_is_added_once(pipeline):
    status, headers, _ = served(pipeline, conftest.signed())
    assert status == '200 OK'
    ids = [value for name, value in headers if name == 'x-amzn-RequestId']
    assert len(ids) == 1


def test_a_path_that_is_not_utf8_is_served_nothing(pipeline, authenticator):
    response = webob.Request.blank('/v1/%FF').get_response(pipeline)
    assert response.status_code == 400
    assert b'<Code>InvalidAction</Code>' in response.body
    assert 'No API is served at /v1/\ufffd' in response.text
    assert authenticator.seen == []


def heat_records(caplog):
    """Let caplog's records carry request ids, as Heat's handler does."""
    caplog.handler.addFilter(log.RequestIdFilter())
    caplog.set_level(logging.INFO)


def test_a_refusal_is_logged_with_request_id_key_and_reason(pipeline, caplog):
    heat_records(caplog)
    req = conftest.signed(secret='wrong')
    response = req.get_response(pipeline)
    request_id = response.headers['x-amzn-RequestId']
    [record] = [r for r in caplog.records if r.name == ec2_auth.__name__]
    assert record.levelno == logging.INFO
    assert record.request_id == request_id
    message = record.getMessage()
    assert "access key '%s'" % conftest.ACCESS in message
    assert 'SignatureDoesNotMatch' in message
    signature = req.headers['Authorization'].rsplit('Signature=', 1)[1]
    assert signature not in message and 'wrong' not in message


def test_a_refusal_of_an_unsigned_request_names_no_key(pipeline, caplog):
    heat_records(caplog)
    webob.Request.blank('/v1/?Action=ListStacks').get_response(pipeline)
    [record] = [r for r in caplog.records if r.name == ec2_auth.__name__]
    assert 'access key None: MissingAuthenticationToken' in record.getMessage()


def test_lines_logged_for_a_request_carry_its_id(
    monkeypatch, caplog, authenticator
):
    @webob.dec.wsgify
    def logging_app(req):
        logging.getLogger('heat.test').info('handling')
        return webob.Response()

    monkeypatch.setattr(
        heat.api.cfn, 'app_factory', lambda global_conf, **local: logging_app
    )
    monkeypatch.setattr(
        ec2_auth, 'make_authenticator', lambda backend: authenticator
    )
    app = deploy.loadapp(
        'config:' + os.path.abspath(PASTE_INI), name='heat-api-cfn'
    )
    heat_records(caplog)
    response = conftest.signed().get_response(app)
    [record] = [r for r in caplog.records if r.name == 'heat.test']
    assert record.request_id == response.headers['x-amzn-RequestId']
