"""Answers any exception raised below it with an AWS error response."""

import webob

from heat.api.cfn import faults
from heat.api.middleware import request_id
from heat.common import context

FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded'


def response_format(req):
    """'json' when the request asked for ContentType=JSON, else 'xml'.

    A form body is consulted only when a layer below already buffered it,
    so an oversized or unread body is never read here.
    """
    try:
        if req.GET.get('ContentType') == 'JSON':
            return 'json'
    except UnicodeDecodeError:
        # A query string that is not UTF-8 is answered in the default.
        return 'xml'
    if (req.method == 'POST' and req.content_type == FORM_CONTENT_TYPE and
            req.is_body_seekable and req.POST.get('ContentType') == 'JSON'):
        return 'json'
    return 'xml'


class FaultWrapper:

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        # Normally set by the request_id filter, which comes first.
        environ.setdefault(request_id.ENVIRON_KEY, context.new_request_id())
        try:
            return self.app(environ, start_response)
        except Exception as exc:
            req = webob.Request(environ)
            response = faults.error_response(
                exc, environ[request_id.ENVIRON_KEY],
                response_format(req))
            return response(environ, start_response)


def filter_factory(global_conf, **local_conf):
    return FaultWrapper
