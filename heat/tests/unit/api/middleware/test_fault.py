"""The fault wrapper: every exception becomes an AWS error response."""

import urllib.parse

import webob
import webob.dec

from heat.api.middleware import fault
from heat.api.middleware import request_id
from heat.common import exception


def failing(exc, read_body=False):
    @webob.dec.wsgify
    def app(req):
        if read_body:
            req.body  # noqa: B018 (reading the body is the point)
        raise exc

    return request_id.RequestId(fault.FaultWrapper(app))


def test_heat_error_in_xml():
    response = webob.Request.blank('/v1/?Action=X').get_response(
        failing(exception.StackNotFound(stack='w'))
    )
    assert response.status_code == 400
    assert response.content_type == 'text/xml'
    assert b'<Code>ValidationError</Code>' in response.body
    assert response.headers['x-amzn-RequestId'].encode() in response.body


def test_unexpected_error_hides_details():
    response = webob.Request.blank('/v1/').get_response(
        failing(RuntimeError('secret detail'))
    )
    assert response.status_code == 500
    assert b'InternalFailure' in response.body
    assert b'secret detail' not in response.body
    assert b'Traceback' not in response.body


def test_json_asked_in_query():
    response = webob.Request.blank('/v1/?ContentType=JSON').get_response(
        failing(exception.AccessDenied())
    )
    assert response.status_code == 403
    assert response.json['Error']['Code'] == 'AccessDenied'


def form_post(content_type='JSON'):
    body = urllib.parse.urlencode(
        {'Action': 'CreateStack', 'ContentType': content_type}
    ).encode()
    return webob.Request.blank(
        '/v1/',
        method='POST',
        body=body,
        content_type='application/x-www-form-urlencoded',
    )


def test_json_asked_in_a_buffered_form():
    req = form_post()
    req.environ['webob.is_body_seekable'] = False
    response = req.get_response(
        failing(exception.AccessDenied(), read_body=True)
    )
    assert response.json['Error']['Code'] == 'AccessDenied'


def test_unread_form_is_not_read_for_the_format():
    req = form_post()
    req.environ['webob.is_body_seekable'] = False
    response = req.get_response(failing(exception.AccessDenied()))
    assert response.content_type == 'text/xml'
