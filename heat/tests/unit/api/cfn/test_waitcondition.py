"""The signal route and SignalResource, from request to engine call.

The engine is a recorder standing at the RPC boundary: these tests are
about what the API sends it and answers.
"""

import json
import urllib.parse

import pytest
import webob

import heat.api.cfn
from heat.api.middleware import fault
from heat.common import context
from heat.common import exception

ARN = 'arn:openstack:heat::t1:stacks/web/0f2d8f0e-5f43-4c1c-9d4e-1b2c3d4e5f60'
CFN_SIGNAL_BODY = json.dumps(
    {
        'Status': 'SUCCESS',
        'Reason': 'Configuration Complete',
        'UniqueId': 'i-0001',
        'Data': 'Application has completed configuration.',
    }
).encode()


class RecordingEngine:
    """Answers every call with {} and remembers it."""

    def __init__(self):
        self.calls = []

    def call(self, ctxt, method, **kwargs):
        self.calls.append((ctxt, method, kwargs))
        return {}


@pytest.fixture
def engine():
    return RecordingEngine()


def app_for(engine, ctxt):
    router = heat.api.cfn.Router(engine)

    def with_context(environ, start_response):
        environ['heat.context'] = ctxt
        environ['heat.request_id'] = 'req-1'
        return router(environ, start_response)

    return fault.FaultWrapper(with_context)


def handle_path(prefix='/v1', arn=ARN, handle='Handle'):
    return '%s/waitcondition/%s/resources/%s' % (prefix, arn, handle)


def request(path, method='PUT', body=CFN_SIGNAL_BODY, **kwargs):
    return webob.Request.blank(path, method=method, body=body, **kwargs)


def error_code(response):
    return response.body.split(b'<Code>')[1].split(b'</Code>')[0].decode()


HANDLE_CTXT = context.RequestContext(
    tenant='t1', scoped_stack_id='s1', scoped_resource='Handle'
)


@pytest.mark.parametrize('prefix', ['/v1', ''])
@pytest.mark.parametrize('method', ['PUT', 'POST'])
def test_cfn_signal_body_becomes_a_signal_resource_call(
    engine, prefix, method
):
    response = request(handle_path(prefix), method).get_response(
        app_for(engine, HANDLE_CTXT)
    )
    assert response.status_code == 200
    assert response.body == b''
    [(ctxt, method_name, kwargs)] = engine.calls
    assert (ctxt, method_name) == (HANDLE_CTXT, 'signal_resource')
    assert kwargs == {
        'args': {
            'StackName': ARN,
            'LogicalResourceId': 'Handle',
            'Status': 'SUCCESS',
            'Reason': 'Configuration Complete',
            'UniqueId': 'i-0001',
            'Data': 'Application has completed configuration.',
        }
    }


def test_quoted_arn_is_decoded(engine):
    path = handle_path(arn=urllib.parse.quote(ARN, safe=''))
    request(path).get_response(app_for(engine, HANDLE_CTXT))
    assert engine.calls[0][2]['args']['StackName'] == ARN


@pytest.mark.parametrize(
    'body, code, message',
    [
        (b'Status=SUCCESS', 'InvalidParameterValue', 'must be a JSON object'),
        (b'["SUCCESS"]', 'InvalidParameterValue', 'must be a JSON object'),
        (b'\xff', 'InvalidParameterValue', 'must be a JSON object'),
        (b'{"UniqueId": "1"}', 'MissingParameter', 'parameter Status'),
        (b'{"Status": "SUCCESS"}', 'MissingParameter', 'parameter UniqueId'),
        (
            b'{"Status": "SUCCESS", "UniqueId": 1}',
            'InvalidParameterValue',
            'UniqueId must be a string',
        ),
    ],
)
def test_bad_signal_bodies_are_refused(engine, body, code, message):
    response = request(handle_path(), body=body).get_response(
        app_for(engine, HANDLE_CTXT)
    )
    assert response.status_code == 400
    assert error_code(response) == code
    assert message in response.text
    assert engine.calls == []


@pytest.mark.parametrize(
    'method, path',
    [
        ('GET', handle_path()),
        ('DELETE', handle_path()),
        ('PUT', '/v1/waitcondition/%s' % ARN),
        ('PUT', handle_path(handle='Handle/more')),
    ],
)
def test_other_methods_and_paths_are_not_served(engine, method, path):
    response = request(path, method).get_response(app_for(engine, HANDLE_CTXT))
    assert error_code(response) == 'InvalidAction'
    assert engine.calls == []


SIGNAL_RESOURCE = {
    'Action': 'SignalResource',
    'Version': '2010-05-15',
    'StackName': 'web',
    'LogicalResourceId': 'Server',
    'UniqueId': 'i-1',
    'Status': 'SUCCESS',
}


def test_signal_resource_action_reaches_the_engine(engine):
    ctxt = context.RequestContext(tenant='t1')
    response = webob.Request.blank(
        '/v1/?' + urllib.parse.urlencode(SIGNAL_RESOURCE)
    ).get_response(app_for(engine, ctxt))
    assert response.status_code == 200
    assert b'<SignalResourceResponse' in response.body
    [(_, method, kwargs)] = engine.calls
    assert method == 'signal_resource'
    assert kwargs == {
        'args': {
            'StackName': 'web',
            'LogicalResourceId': 'Server',
            'UniqueId': 'i-1',
            'Status': 'SUCCESS',
        }
    }


@pytest.mark.parametrize(
    'action',
    ['DescribeStacks', 'ListStacks', 'DeleteStack', 'DescribeStackResource'],
)
def test_a_handle_key_may_call_no_other_action(engine, action):
    params = {
        'Action': action,
        'StackName': 'web',
        'LogicalResourceId': 'Handle',
    }
    response = webob.Request.blank(
        '/v1/?' + urllib.parse.urlencode(params)
    ).get_response(app_for(engine, HANDLE_CTXT))
    assert response.status_code == 403
    assert error_code(response) == exception.AccessDenied.code
    assert engine.calls == []


def test_a_handle_key_may_call_signal_resource(engine):
    response = webob.Request.blank(
        '/v1/?' + urllib.parse.urlencode(SIGNAL_RESOURCE)
    ).get_response(app_for(engine, HANDLE_CTXT))
    assert response.status_code == 200
    assert engine.calls[0][1] == 'signal_resource'
