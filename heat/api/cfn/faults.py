"""Turning any exception into an AWS error response, in one place.

HeatErrors carry their AWS code and status.  Those raised in an engine
come back through oslo.messaging as subclasses of the original class (it
rebuilds errors from heat.common.exception), so isinstance finds them too.
Everything else is a bug or an outage: the caller gets a generic error and
the log gets the traceback.
"""

import logging

import oslo_messaging
import webob

from heat.api.cfn import serializer
from heat.common import exception

LOG = logging.getLogger(__name__)

# Errors of heat.common.exception by class name: a RemoteError carries only
# the name, when the engine's error could not be rebuilt as itself.
_KNOWN_ERRORS = {
    cls.__name__: cls
    for cls in vars(exception).values()
    if isinstance(cls, type) and issubclass(cls, exception.HeatError)
}


def to_heat_error(exc, request_id=None):
    """The HeatError that exc is answered with."""
    if isinstance(exc, exception.HeatError):
        return exc
    if isinstance(exc, oslo_messaging.MessagingTimeout):
        LOG.warning('Request %s: no engine answered: %s', request_id, exc)
        return exception.ServiceUnavailable()
    if isinstance(exc, oslo_messaging.RemoteError):
        known = _KNOWN_ERRORS.get(exc.exc_type)
        if known is not None:
            return known(exc.value)
        LOG.error(
            'Request %s: engine failed with %s: %s\n%s',
            request_id,
            exc.exc_type,
            exc.value,
            exc.traceback,
        )
        return exception.HeatError()
    LOG.error(
        'Request %s: unexpected error',
        request_id,
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    return exception.HeatError()


def error_response(exc, request_id, fmt='xml'):
    """A webob.Response carrying exc as an AWS error (fmt 'xml' or 'json')."""
    err = to_heat_error(exc, request_id)
    if err.http_status >= 500:
        LOG.warning(
            'Request %s failed: %s %s',
            request_id,
            err.code,
            serializer.error_message(err),
        )
    body, content_type = serializer.serialize_error(err, request_id, fmt)
    return webob.Response(
        body=body,
        status=err.http_status,
        content_type=content_type,
        charset='utf-8',
    )
