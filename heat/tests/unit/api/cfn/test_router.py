"""Routing by path and HTTP method, nothing else."""

import pytest
import webob

import heat.api.cfn
from heat.api.middleware import fault
from heat.api.middleware import request_id
from heat.common import context


class Engine:
    """Answers every describe with no stacks."""

    def call(self, ctxt, method, **kwargs):
        return {'Stacks': []}


def test_a_method_parameter_does_not_change_the_route():
    req = webob.Request.blank(
        '/v1/?_method=DELETE&Action=DescribeStacks&Version=2010-05-15'
    )
    req.environ['heat.context'] = context.RequestContext(tenant='t1')
    response = req.get_response(heat.api.cfn.Router(Engine()))
    assert response.status_code == 200
    assert b'<DescribeStacksResult>' in response.body


def serve(method, path):
    req = webob.Request.blank(path, method=method)
    req.environ['heat.context'] = context.RequestContext(tenant='t1')
    req.environ['heat.request_id'] = 'req-1'
    return req.get_response(fault.FaultWrapper(heat.api.cfn.Router(Engine())))


@pytest.mark.parametrize('method', ['GET', 'POST'])
@pytest.mark.parametrize('path', ['/', '/v1/', '/v1'])
def test_the_query_api_answers_at_its_paths(method, path):
    response = serve(method, path + '?Action=DescribeStacks')
    assert response.status_code == 200
    assert b'<DescribeStacksResult>' in response.body


@pytest.mark.parametrize(
    'method, path',
    [
        ('PUT', '/v1/'),
        ('DELETE', '/'),
        ('GET', '//'),
        ('GET', '/v1//'),
        ('GET', '/v2/'),
        ('GET', '/v1/x'),
        ('GET', '/healthcheck/'),
    ],
)
def test_other_paths_and_methods_are_not_served(method, path):
    response = serve(method, path + '?Action=DescribeStacks')
    assert response.status_code == 400
    assert b'<Code>InvalidAction</Code>' in response.body
    assert ('No API is served at %s' % path).encode() in response.body


@pytest.mark.parametrize('method', ['GET', 'POST', 'DELETE'])
def test_the_health_check_takes_any_method(method):
    response = serve(method, '/healthcheck')
    assert (response.status_code, response.text) == (200, 'OK\n')
    assert response.content_type == 'text/plain'


@pytest.mark.parametrize('path', ['/healthcheck', '/v2/'])
def test_head_is_answered_without_a_body(path):
    # The server sends whatever the application returns, even to a HEAD.
    app = request_id.RequestId(
        fault.FaultWrapper(heat.api.cfn.Router(Engine()))
    )
    started = []
    body = app(
        webob.Request.blank(path, method='HEAD').environ,
        lambda status, headers, exc_info=None: started.append(dict(headers)),
    )
    assert b''.join(body) == b''
    assert int(started[0]['Content-Length']) > 0
    assert started[0]['x-amzn-RequestId']
