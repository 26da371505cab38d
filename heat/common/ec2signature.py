"""Checking AWS request signatures (SigV2 and SigV4) against a secret key.

The signature material travels as keystone's ec2tokens credentials dict
(see heat.api.middleware.ec2_auth), so one check serves the local
credential store and, in keystone itself, the keystone backend.  The
arithmetic is keystoneclient's Ec2Signer, the code keystone runs.
"""

import dataclasses
import datetime
import hmac
import re

from keystoneclient.contrib.ec2 import utils as ec2_utils

from heat.common import exception

SIGV4_ALGORITHM = 'AWS4-HMAC-SHA256'
SIGV2_METHODS = ('HmacSHA1', 'HmacSHA256')
SIGV4_DATE_FORMAT = '%Y%m%dT%H%M%SZ'
# That format as clients write it (parsed without strptime, which is slow).
_SIGV4_DATE = re.compile(
    r'([0-9]{4})([0-9]{2})([0-9]{2})T([0-9]{2})([0-9]{2})([0-9]{2})Z\Z'
)

_PORT = re.compile(r'(.*[^\]]|\[.*\]):[0-9]+\Z')


@dataclasses.dataclass
class Identity:
    """Who signed a request, as an authenticator backend found out."""

    tenant: str
    user: str | None
    roles: list
    auth_token: str | None = None
    # Set when the key may only read or signal one stack.
    scoped_stack_id: str | None = None
    # Set, with scoped_stack_id, when the key may only signal this resource
    # of that stack (a wait condition handle's pre-signed URL).
    scoped_resource: str | None = None


def is_sigv4(credentials):
    authorization = credentials.get('headers', {}).get('Authorization', '')
    return (
        authorization.startswith(SIGV4_ALGORITHM + ' ')
        or credentials['params'].get('X-Amz-Algorithm') == SIGV4_ALGORITHM
    )


def verify(credentials, secret):
    """Raise SignatureDoesNotMatch unless secret signed these credentials.

    The host is tried as given and without its port: boto 2 signs SigV2
    requests without the port, botocore with it.
    """
    provided = (credentials.get('signature') or '').encode()
    if not is_sigv4(credentials) and not _is_sigv2(credentials['params']):
        raise exception.SignatureDoesNotMatch()
    for host in host_variants(credentials['host']):
        expected = _expected_signature(_with_host(credentials, host), secret)
        if expected and hmac.compare_digest(expected.encode(), provided):
            return
    raise exception.SignatureDoesNotMatch()


def _is_sigv2(params):
    # Versions 0 and 1 are unsafe (parameter order is not signed).
    return (
        params.get('SignatureVersion') == '2'
        and params.get('SignatureMethod') in SIGV2_METHODS
    )


def host_variants(host):
    without_port = _PORT.match(host)
    if without_port:
        return [host, without_port.group(1)]
    return [host]


def _with_host(credentials, host):
    """A copy to sign with host (Ec2Signer writes into params)."""
    headers = {
        name: (host if name.lower() == 'host' else value)
        for name, value in credentials.get('headers', {}).items()
    }
    return dict(
        credentials,
        host=host,
        headers=headers,
        params=dict(credentials['params']),
    )


def sign_v2(secret, verb, host, path, params):
    """The SigV2 signature of a request, for URLs Heat pre-signs itself.

    ``params`` must hold SignatureVersion and SignatureMethod; the signature
    is computed exactly as verify() recomputes it.
    """
    return _expected_signature(
        {'params': dict(params), 'verb': verb, 'host': host, 'path': path},
        secret,
    )


def _expected_signature(credentials, secret):
    signer = ec2_utils.Ec2Signer(secret)
    if credentials['params'].get(
        'SignatureMethod'
    ) == 'HmacSHA1' and not is_sigv4(credentials):
        # Ec2Signer uses SHA-1 for SigV2 only when it has no SHA-256 HMAC.
        signer.hmac_256 = None
    try:
        return signer.generate(credentials)
    except Exception:
        # Ec2Signer raises plain Exception (or KeyError, AttributeError)
        # for material it cannot sign, such as a date outside the scope.
        return None


def check_freshness(credentials, now, sigv4_window, allow_untimed=False):
    """Raise RequestExpired if the request's time is out of bounds.

    SigV4: X-Amz-Date within sigv4_window seconds of now (or, pre-signed,
    before X-Amz-Date + X-Amz-Expires).  SigV2: Expires not past, or
    Timestamp within the same window; with allow_untimed, a SigV2 request
    may carry neither (a wait condition handle's URL, valid as long as its
    key).  ``now`` is a UTC datetime.
    """
    now = _utc(now)
    window = datetime.timedelta(seconds=sigv4_window)
    if is_sigv4(credentials):
        _check_sigv4_time(credentials, now, window)
    else:
        _check_sigv2_time(credentials['params'], now, window, allow_untimed)


def _check_sigv4_time(credentials, now, window):
    params = credentials['params']
    text = credentials.get('headers', {}).get('X-Amz-Date') or params.get(
        'X-Amz-Date'
    )
    try:
        signed_at = _sigv4_date(text or '')
    except ValueError:
        raise exception.IncompleteSignature(
            'X-Amz-Date is missing or not in %s form.' % SIGV4_DATE_FORMAT
        ) from None
    if signed_at - now > window:
        raise exception.RequestExpired('Signature not yet current.')
    expires = params.get('X-Amz-Expires')
    if expires is not None:
        if not expires.isdigit():
            raise exception.IncompleteSignature(
                'X-Amz-Expires must be a number of seconds.'
            )
        deadline = signed_at + datetime.timedelta(seconds=int(expires))
    else:
        deadline = signed_at + window
    if now > deadline:
        raise exception.RequestExpired()


def _sigv4_date(text):
    """X-Amz-Date as a UTC datetime; ValueError where strptime fails."""
    fields = _SIGV4_DATE.match(text)
    if fields is None:
        # strptime also takes one-digit fields and lower-case letters.
        signed_at = datetime.datetime.strptime(text, SIGV4_DATE_FORMAT)
        return signed_at.replace(tzinfo=datetime.UTC)
    # Every field has all its digits here, so strptime would read them
    # just so, and fail exactly where datetime does.
    return datetime.datetime(*map(int, fields.groups()), tzinfo=datetime.UTC)


def _check_sigv2_time(params, now, window, allow_untimed):
    if 'Expires' in params:
        if now > _parse_time(params['Expires'], 'Expires'):
            raise exception.RequestExpired()
        return
    if 'Timestamp' not in params:
        if allow_untimed:
            return
        raise exception.IncompleteSignature(
            'The request must contain Timestamp or Expires.'
        )
    if abs(now - _parse_time(params['Timestamp'], 'Timestamp')) > window:
        raise exception.RequestExpired()


def _parse_time(text, name):
    try:
        return _utc(datetime.datetime.fromisoformat(text))
    except ValueError:
        raise exception.IncompleteSignature(
            '%s is not an ISO 8601 time.' % name
        ) from None


def _utc(value):
    if value.tzinfo is None:
        return value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC)
