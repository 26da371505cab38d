"""AWS signature authentication: signature material in, Identity out.

Reads the signature from a SigV4 ``Authorization`` header, SigV4 query
parameters (``X-Amz-Signature``), or SigV2 query or form parameters
(``Signature``, ``AWSAccessKeyId``), builds keystone's ec2tokens
credentials dict from it, checks the request time and hands the
credentials to the configured backend.  The backend's Identity is left in
``environ['heat.identity']`` for the context filter.

A SigV2 query-signed request may carry any body with any method: that is
how wait condition handles' pre-signed URLs are signalled (cfn-signal PUTs
JSON to them).  Those URLs are Heat's own, signed by keys in Heat's
credential store, so the signal route is always checked by the local
backend, whatever [auth] backend says; and as they must work for as long
as a wait condition waits, they carry no time, which only keys made for
one resource may omit (see heat.common.handle_url).
"""

import datetime
import hashlib
import logging
import re
import urllib.parse

import webob

from heat.api.cfn import request as cfn_request
from heat.api.middleware import credential_scope
from heat.common import config
from heat.common import ec2signature
from heat.common import exception
from heat.common import handle_url

CONF = config.CONF
LOG = logging.getLogger(__name__)

IDENTITY_KEY = 'heat.identity'
# Served without a signature (the application answers it).
HEALTHCHECK_PATH = '/healthcheck'

# Environ keys that are not HTTP_ plus the header name in capitals, and
# the names webob gives them.
_SPECIAL_HEADERS = {
    'CONTENT_TYPE': 'Content-Type',
    'CONTENT_LENGTH': 'Content-Length',
    'HTTP_CONTENT_TYPE': 'Content_Type',
    'HTTP_CONTENT_LENGTH': 'Content_Length',
}
_SIGV4_QUERY_NAMES = (
    'X-Amz-Algorithm',
    'X-Amz-Credential',
    'X-Amz-SignedHeaders',
    'X-Amz-Signature',
    'X-Amz-Date',
)
_HEX_SIGNATURE = re.compile(r'[0-9a-f]{64}\Z')


class Ec2Auth:
    """``signal_authenticator`` checks the signal route (the local
    backend); ``authenticator`` everything else."""

    def __init__(self, app, authenticator, signal_authenticator=None):
        self.app = app
        self._authenticator = authenticator
        self._signal_authenticator = signal_authenticator or authenticator

    def __call__(self, environ, start_response):
        req = webob.Request(environ)
        path = _path_info(req)
        if path != HEALTHCHECK_PATH:
            try:
                environ[IDENTITY_KEY] = self._identity(req, path)
            except exception.HeatError as refusal:
                _log_refusal(req, refusal)
                raise
        return self.app(environ, start_response)

    def _identity(self, req, path):
        # Before anything decodes the parameters: decoding replaces bytes
        # that are not UTF-8 in a form, and fails on them in a query string.
        form_body = (
            cfn_request.request_body(req.environ)
            if cfn_request.is_form_post(req.environ)
            else b''
        )
        cfn_request.check_utf8(req.environ.get('QUERY_STRING', ''), form_body)
        credentials = credentials_from_request(req)
        if handle_url.is_signal_path(path):
            return self._authenticate_signal(credentials)
        ec2signature.check_freshness(
            credentials, utcnow(), CONF.auth.sigv4_window_seconds
        )
        return self._authenticator.authenticate(credentials)

    def _authenticate_signal(self, credentials):
        """The Identity of a signal; its time is checked once the key is
        known, as only a key made for one resource may leave it out."""
        try:
            identity = self._signal_authenticator.authenticate(credentials)
        except exception.SignatureDoesNotMatch:
            # A POST to a handle's URL is checked as the PUT it was
            # signed for.
            if credentials['verb'] != 'POST':
                raise
            identity = self._signal_authenticator.authenticate(
                dict(credentials, verb=handle_url.SIGNED_VERB)
            )
        ec2signature.check_freshness(
            credentials,
            utcnow(),
            CONF.auth.sigv4_window_seconds,
            allow_untimed=identity.scoped_resource is not None,
        )
        return identity


def _log_refusal(req, refusal):
    """One line for an operator: who was refused and why (the request id
    comes with every line).  The signature and secret never appear: no
    refusal's message holds them."""
    if refusal.http_status >= 500:
        return  # not a refusal: the fault wrapper logs outages
    LOG.info(
        'Refused %s %s: access key %r: %s: %s',
        req.method,
        req.path_info,
        claimed_access_key(req),
        refusal.code,
        refusal,
    )


def claimed_access_key(req):
    """The access key id a request names, as far as it can be read, or
    None: the request may be refused for being malformed."""
    environ = req.environ
    authorization = environ.get('HTTP_AUTHORIZATION', '')
    if 'Credential=' in authorization:
        return authorization.split('Credential=', 1)[1].split('/', 1)[0]
    try:
        params = dict(cfn_request.query_params(environ))
        if 'X-Amz-Credential' in params:
            return params['X-Amz-Credential'].split('/', 1)[0]
        if 'AWSAccessKeyId' not in params and cfn_request.is_form_post(
            environ
        ):
            params = dict(cfn_request.form_params(environ))
    except (UnicodeDecodeError, exception.HeatError):
        return None  # parameters that are not UTF-8 name nobody
    return params.get('AWSAccessKeyId')


def _path_info(req):
    """The request's path, refused as a path nothing is served at when it
    is not UTF-8 (nothing is)."""
    try:
        return req.path_info
    except UnicodeDecodeError:
        raise exception.InvalidAction(
            message='No API is served at %s'
            % (
                req.environ.get('PATH_INFO', '')
                .encode('latin-1')
                .decode('utf-8', 'replace')
            )
        ) from None


def utcnow():
    return datetime.datetime.now(datetime.UTC)


def credentials_from_request(req):
    """The ec2tokens credentials dict of a signed request.

    Raises MissingAuthenticationToken when nothing is signed and
    IncompleteSignature when the signature material is malformed.
    """
    environ = req.environ
    body = cfn_request.request_body(environ)
    credentials = {
        'host': req.host,
        'verb': req.method,
        'path': signed_path(req),
        'headers': request_headers(environ),
        'body_hash': hashlib.sha256(body).hexdigest(),
    }
    query = dict(cfn_request.query_params(environ))
    if 'HTTP_AUTHORIZATION' in environ:
        credentials.update(
            _sigv4_header(environ['HTTP_AUTHORIZATION'], query, req.host)
        )
    elif any(name in query for name in _SIGV4_QUERY_NAMES):
        credentials.update(_sigv4_query(query, req.host))
    elif _signs_v2(query):
        if not handle_url.is_signal_path(req.path_info):
            _refuse_unsigned(cfn_request.form_params(environ))
        credentials.update(_sigv2(query))
    else:
        form = (
            dict(cfn_request.form_params(environ))
            if cfn_request.is_form_post(environ)
            else {}
        )
        if not _signs_v2(form):
            raise exception.MissingAuthenticationToken()
        _refuse_unsigned(query)
        credentials.update(_sigv2(form))
    return credentials


def _refuse_unsigned(unsigned):
    """A SigV2 signature covers the parameters it is sent with, the query
    string's or the form's: the others would reach the action unsigned,
    so a request may not carry both."""
    if unsigned:
        raise _incomplete(
            'a Signature Version 2 request carries its parameters either '
            'in the query string or in the form body it signs, not in both'
        )


def request_headers(environ):
    """The request's headers by name, as dict(webob's req.headers) was."""
    headers = {}
    for key, value in environ.items():
        name = _SPECIAL_HEADERS.get(key)
        if name is None:
            if not key.startswith('HTTP_'):
                continue
            name = key[5:].replace('_', '-').title()
        headers[name] = value
    return headers


def _signs_v2(params):
    return 'Signature' in params or 'AWSAccessKeyId' in params


def signed_path(req):
    """The path as the client sent (and signed) it, before decoding."""
    raw_uri = req.environ.get('REQUEST_URI')
    if raw_uri:
        return urllib.parse.urlsplit(raw_uri).path
    return req.path


def _incomplete(why):
    return exception.IncompleteSignature(
        'The request signature does not conform to AWS standards: %s' % why
    )


def _parse_scope(credential):
    """(access key, region, service) of
    ``AK/<date>/<region>/<service>/aws4_request``."""
    parts = credential.split('/')
    if len(parts) != 5 or not all(parts) or parts[4] != 'aws4_request':
        raise _incomplete('bad credential scope %r' % credential)
    return parts[0], parts[2], parts[3]


def _sigv4(credential, signature, params, host):
    """The SigV4 part of the credentials, once the material is well
    formed and its scope is this API's."""
    access, region, service = _parse_scope(credential)
    signature = _hex_signature(signature)
    credential_scope.check(region, service, host)
    return {'access': access, 'signature': signature, 'params': params}


def _sigv4_header(authorization, query, host):
    algorithm, _, rest = authorization.partition(' ')
    if algorithm != ec2signature.SIGV4_ALGORITHM:
        raise _incomplete('unsupported Authorization %r' % algorithm)
    fields = {}
    for field in rest.split(','):
        name, equals, value = field.strip().partition('=')
        if not equals:
            raise _incomplete('malformed Authorization header')
        fields[name] = value
    missing = {'Credential', 'SignedHeaders', 'Signature'} - set(fields)
    if missing:
        raise _incomplete(
            'Authorization lacks %s' % ', '.join(sorted(missing))
        )
    return _sigv4(fields['Credential'], fields['Signature'], query, host)


def _sigv4_query(query, host):
    missing = [name for name in _SIGV4_QUERY_NAMES if name not in query]
    if missing:
        raise _incomplete('the query lacks %s' % ', '.join(missing))
    if query['X-Amz-Algorithm'] != ec2signature.SIGV4_ALGORITHM:
        raise _incomplete('unsupported X-Amz-Algorithm')
    params = dict(query)
    signature = params.pop('X-Amz-Signature')
    return _sigv4(query['X-Amz-Credential'], signature, params, host)


def _hex_signature(signature):
    if not _HEX_SIGNATURE.match(signature):
        raise _incomplete('a SigV4 signature is 64 hex digits')
    return signature


def _sigv2(params):
    params = dict(params)
    signature = params.pop('Signature', None)
    if not signature or not params.get('AWSAccessKeyId'):
        raise _incomplete('SigV2 needs both Signature and AWSAccessKeyId')
    if params.get('SignatureVersion') != '2':
        raise _incomplete('only SignatureVersion 2 is accepted')
    if params.get('SignatureMethod') not in ec2signature.SIGV2_METHODS:
        raise _incomplete(
            'SignatureMethod must be one of %s'
            % ', '.join(ec2signature.SIGV2_METHODS)
        )
    return {
        'access': params['AWSAccessKeyId'],
        'signature': signature,
        'params': params,
    }


def make_authenticator(backend):
    """The authenticator of [auth] backend: 'local' or 'keystone'."""
    if backend == 'keystone':
        from heat.api.middleware import ec2_keystone

        return ec2_keystone.KeystoneEc2Authenticator()
    # Imported here: the RPC client pulls in oslo.messaging's transport,
    # which the keystone backend does not need.
    from heat.api.middleware import ec2_local
    from heat.rpc import client

    return ec2_local.LocalEc2Authenticator(client.EngineClient())


def filter_factory(global_conf, **local_conf):
    def make_filter(app):
        backend = CONF.auth.backend
        authenticator = make_authenticator(backend)
        signal_authenticator = (
            authenticator
            if backend == 'local'
            else make_authenticator('local')
        )
        return Ec2Auth(app, authenticator, signal_authenticator)

    return make_filter
