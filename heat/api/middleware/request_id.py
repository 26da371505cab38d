"""Gives every request an id: in the environ, the logs and the response."""

import webob.dec

from heat.common import context

ENVIRON_KEY = 'heat.request_id'
HEADER = 'x-amzn-RequestId'


class RequestId:
    """Generates the request id; must come first in the pipeline."""

    def __init__(self, app):
        self.app = app

    @webob.dec.wsgify
    def __call__(self, req):
        request_id = context.new_request_id()
        req.environ[ENVIRON_KEY] = request_id
        response = req.get_response(self.app)
        response.headers[HEADER] = request_id
        return response


def filter_factory(global_conf, **local_conf):
    return RequestId
