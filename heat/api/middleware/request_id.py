"""Gives every request an id: in the environ, the logs and the response."""

from heat.common import context
from heat.common import request_scope

ENVIRON_KEY = 'heat.request_id'
HEADER = 'x-amzn-RequestId'


class RequestId:
    """Generates the request id; must come first in the pipeline."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        request_id = context.new_request_id()
        environ[ENVIRON_KEY] = request_id

        def start_with_id(status, headers, exc_info=None):
            return start_response(
                status, headers + [(HEADER, request_id)], exc_info
            )

        # Every log line of the request carries its id; the application
        # returns the whole body, so nothing of it runs after the block.
        with request_scope.bound(request_id):
            body = self.app(environ, start_with_id)
        if environ['REQUEST_METHOD'] == 'HEAD':
            # The server sends whatever is returned, even to a HEAD.
            if hasattr(body, 'close'):
                body.close()
            return []
        return body


def filter_factory(global_conf, **local_conf):
    return RequestId
