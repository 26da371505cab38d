"""Answers any exception raised below it with an AWS error response."""

from heat.api.cfn import faults
from heat.api.cfn import request as cfn_request
from heat.api.middleware import request_id
from heat.common import context


def response_format(environ):
    """'json' when the request asked for ContentType=JSON, else 'xml'.

    A form body is consulted only when a layer below already buffered it,
    so an oversized or unread body is never read here.
    """
    try:
        query = dict(cfn_request.query_params(environ))
    except UnicodeDecodeError:
        # A query string that is not UTF-8 is answered in the default.
        return 'xml'
    if query.get('ContentType') == 'JSON':
        return 'json'
    if (
        cfn_request.is_form_post(environ)
        and environ.get('webob.is_body_seekable')
        and dict(cfn_request.form_params(environ)).get('ContentType') == 'JSON'
    ):
        return 'json'
    return 'xml'


class FaultWrapper:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        # Normally set by the request_id filter, which comes first.
        if request_id.ENVIRON_KEY not in environ:
            environ[request_id.ENVIRON_KEY] = context.new_request_id()
        try:
            return self.app(environ, start_response)
        except Exception as exc:
            response = faults.error_response(
                exc, environ[request_id.ENVIRON_KEY], response_format(environ)
            )
            return response(environ, start_response)


def filter_factory(global_conf, **local_conf):
    return FaultWrapper
