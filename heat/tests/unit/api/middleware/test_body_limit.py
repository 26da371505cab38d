"""Refusing oversized bodies, with and without Content-Length."""

import io

import pytest
import webob

from heat.api.middleware import body_limit
from heat.api.middleware import fault
from heat.tests.unit.api.middleware import conftest


def chunked_request(body):
    """A request whose body has no Content-Length (chunked upload)."""
    req = webob.Request.blank('/v1/', method='POST')
    req.environ.pop('CONTENT_LENGTH', None)
    req.environ['wsgi.input'] = io.BytesIO(body)
    req.environ['webob.is_body_seekable'] = False
    req.environ['wsgi.input_terminated'] = True
    return req


@pytest.fixture
def app(conf):
    conf.set_override('max_body_size', 10, group='heat_api')
    return fault.FaultWrapper(body_limit.BodyLimit(conftest.echo_app))


@pytest.mark.parametrize('size, status', [(10, 200), (11, 413)])
def test_content_length(app, size, status):
    req = webob.Request.blank('/v1/', method='POST', body=b'x' * size)
    assert req.get_response(app).status_code == status


@pytest.mark.parametrize(
    'size, status', [(0, 200), (10, 200), (11, 413), (100000, 413)]
)
def test_chunked(app, size, status):
    response = chunked_request(b'x' * size).get_response(app)
    assert response.status_code == status
    if status == 200:
        assert conftest.body_json(response)['body'] == 'x' * size
    else:
        assert b'RequestEntityTooLarge' in response.body


def test_bad_content_length(app):
    req = webob.Request.blank('/v1/', method='POST')
    req.environ['CONTENT_LENGTH'] = 'lots'
    assert req.get_response(app).status_code == 400


def test_reads_stop_one_byte_past_the_limit():
    stream = io.BytesIO(b'x' * 1000)
    limited = body_limit.LimitedInput(stream, 10)
    assert limited.read(4) == b'xxxx'
    with pytest.raises(Exception) as raised:
        limited.read()
    assert raised.value.code == 'RequestEntityTooLarge'
    assert stream.tell() == 11
