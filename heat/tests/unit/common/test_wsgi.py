"""The API's threaded WSGI server on loopback."""

import http.client

import pytest

from heat.common import wsgi


def hello(environ, start_response):
    start_response(
        '200 OK', [('Content-Type', 'text/plain'), ('Content-Length', '2')]
    )
    return [b'hi']


@pytest.fixture
def server():
    served = wsgi.Server(hello, host='127.0.0.1', port=0)
    served.start()
    yield served
    served.stop()


def test_serves_the_app_at_its_endpoint(server):
    assert server.endpoint.startswith('http://127.0.0.1:')
    assert server.endpoint.endswith('/v1/')


def test_every_client_keeps_its_connection(server):
    # More clients than cheroot keeps alive by default (10).
    port = int(server.endpoint.split(':')[2].split('/')[0])
    connections = [
        http.client.HTTPConnection('127.0.0.1', port, timeout=5)
        for _ in range(12)
    ]
    try:
        for _ in range(2):
            for conn in connections:
                conn.request('GET', '/')
                response = conn.getresponse()
                assert response.read() == b'hi'
                assert response.getheader('Connection') != 'close'
    finally:
        for conn in connections:
            conn.close()
