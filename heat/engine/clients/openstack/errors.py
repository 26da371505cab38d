"""Client library errors become Heat's CloudError and CloudNotFound.

Every call to a cloud goes through ``call``: a conflict (409) or an
unavailable service (503) is tried again a few times with growing pauses,
since both usually pass (a server still in a task, an API restarting);
anything else fails at once with the service's own message.  Quota errors
are not retried: waiting does not free quota.
"""

import logging
import time

from cinderclient import exceptions as cinder_exceptions
from keystoneauth1 import exceptions as ks_exceptions
from novaclient import exceptions as nova_exceptions
from openstack import exceptions as sdk_exceptions

from heat.common import exception

LOG = logging.getLogger(__name__)

# Pauses, in seconds, before each retry: four attempts in all.
RETRY_DELAYS = (0.5, 1.0, 2.0)
RETRIED_STATUSES = frozenset({409, 503})
QUOTA_WORDS = ('quota', 'overlimit', 'over limit', 'limit exceeded')

CLIENT_ERRORS = (
    nova_exceptions.ClientException,
    cinder_exceptions.ClientException,
    ks_exceptions.ClientException,
    sdk_exceptions.SDKException,
)


def status_of(error):
    """The HTTP status a client error reports, or None if it had none."""
    if isinstance(
        error,
        (nova_exceptions.ClientException, cinder_exceptions.ClientException),
    ):
        return error.code
    if isinstance(error, ks_exceptions.HttpError):
        return error.http_status
    if isinstance(error, sdk_exceptions.NotFoundException):
        # The SDK's own lookups (find_*) raise it with no response.
        return 404
    if isinstance(error, sdk_exceptions.HttpException):
        return error.status_code
    return None


def message_of(error):
    """The service's own words, without the client's decoration."""
    if isinstance(error, sdk_exceptions.HttpException) and error.details:
        return error.details
    if isinstance(error, ks_exceptions.HttpError):
        # keystoneauth1 appends the status and request id to the message.
        return error.message.split(' (HTTP %s)' % error.http_status)[0]
    return getattr(error, 'message', None) or str(error)


def is_quota_error(error):
    message = message_of(error).lower()
    return any(word in message for word in QUOTA_WORDS)


def translate(error):
    """The Heat error for a client library's error."""
    message = message_of(error)
    if status_of(error) == 404:
        return exception.CloudNotFound(reason=message)
    return exception.CloudError(reason=message)


def _retryable(error):
    return status_of(error) in RETRIED_STATUSES and not is_quota_error(error)


def call(action, *args, **kwargs):
    """Run ``action(*args, **kwargs)``; raise only Heat's cloud errors."""
    for delay in RETRY_DELAYS + (None,):
        try:
            return action(*args, **kwargs)
        except CLIENT_ERRORS as error:
            if delay is None or not _retryable(error):
                raise translate(error) from error
            LOG.info(
                '%s answered %s, retrying in %.1fs: %s',
                getattr(action, '__qualname__', action),
                status_of(error),
                delay,
                message_of(error),
            )
        time.sleep(delay)
