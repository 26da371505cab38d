"""Checking AWS signatures with keystone's /v3/ec2tokens.

Keystone holds the EC2 secrets: it recomputes the signature from the
request material Heat sends and, when it matches, answers with a token
scoped to the credential's project.  Keystone only answers callers with the
admin or service role, so Heat calls it as its configured service user.
"""

import logging

from keystoneauth1 import exceptions as ks_exceptions
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3
from oslo_config import cfg

from heat.common import config
from heat.common import ec2signature
from heat.common import exception

LOG = logging.getLogger(__name__)

UNAVAILABLE_MESSAGE = (
    'Cannot check the request signature: keystone is not available.'
)


class KeystoneEc2Authenticator:
    """Turns EC2 credentials into an Identity by asking keystone.

    One instance serves every request thread: the keystoneauth session and
    its service token are shared, and the token is fetched again shortly
    before it expires.
    """

    def __init__(self, conf=config.CONF):
        auth = conf.auth
        if not auth.keystone_url:
            raise cfg.RequiredOptError('keystone_url', cfg.OptGroup('auth'))
        self.keystone_url = auth.keystone_url.rstrip('/')
        self._service_user = auth.service_username
        service_auth = v3.Password(
            auth_url=self.keystone_url,
            username=auth.service_username,
            password=auth.service_password,
            user_domain_name=auth.service_user_domain_name,
            project_name=auth.service_project_name,
            project_domain_name=auth.service_project_domain_name,
        )
        self._session = ks_session.Session(
            auth=service_auth, timeout=auth.timeout
        )

    def authenticate(self, credentials):
        """Return the Identity that signed ``credentials``, or raise.

        Raises InvalidClientTokenId, SignatureDoesNotMatch, RequestExpired
        for the caller's mistakes and ServiceUnavailable for keystone's.
        """
        try:
            response = self._post_ec2tokens(credentials)
            # Keystone answers 401 both for a bad signature and for a
            # revoked service token; only the latter is worth a retry.
            if response.status_code == 401 and self._service_token_revoked():
                response = self._post_ec2tokens(credentials)
        except ks_exceptions.ClientException as exc:
            LOG.warning(
                'Keystone at %s failed (service user %s): %s',
                self.keystone_url,
                self._service_user,
                exc,
            )
            raise exception.ServiceUnavailable(UNAVAILABLE_MESSAGE) from exc
        return self._identity_from(response, credentials.get('access'))

    def _post_ec2tokens(self, credentials):
        # log=False: the body holds the signature and the answer a token.
        return self._session.post(
            self.keystone_url + '/ec2tokens',
            json={'credentials': credentials},
            raise_exc=False,
            allow_reauth=False,
            log=False,
        )

    def _service_token_revoked(self):
        """Whether keystone no longer accepts Heat's own token.

        Validating the token costs one cheap request; re-authenticating
        after every bad client signature would cost a password check each.
        """
        token = self._session.get_token()
        response = self._session.get(
            self.keystone_url + '/auth/tokens',
            headers={'X-Subject-Token': token},
            raise_exc=False,
            allow_reauth=False,
            log=False,
        )
        if response.status_code in (401, 404):
            LOG.info(
                'Keystone no longer accepts the token of service user '
                '%s; authenticating again.',
                self._service_user,
            )
            self._session.invalidate()
            return True
        return False

    def _identity_from(self, response, access):
        status = response.status_code
        if status == 200:
            return _identity(response)
        if status == 404:
            LOG.info('Keystone does not know access key %s.', access)
            raise exception.InvalidClientTokenId()
        if status == 401:
            raise _refusal(response, access)
        LOG.error(
            'Keystone answered HTTP %d to ec2tokens (request id %s); '
            'heat-api sent something it should not have, or service '
            'user %s lacks the service or admin role.',
            status,
            response.headers.get('x-openstack-request-id'),
            self._service_user,
        )
        raise exception.ServiceUnavailable(UNAVAILABLE_MESSAGE)


def _identity(response):
    try:
        token = response.json()['token']
        return ec2signature.Identity(
            tenant=token['project']['id'],
            user=token['user']['id'],
            roles=[role['name'] for role in token['roles']],
            auth_token=response.headers['X-Subject-Token'],
        )
    except (ValueError, KeyError, TypeError) as exc:
        LOG.error(
            'Keystone answered ec2tokens with a token Heat cannot read: %s',
            exc,
        )
        raise exception.ServiceUnavailable(UNAVAILABLE_MESSAGE) from exc


def _refusal(response, access):
    """The error for a 401 from ec2tokens."""
    # Keystone gives the reason only with insecure_debug on; otherwise
    # every refusal reads the same, and a bad signature is the likeliest.
    message = _error_message(response)
    LOG.info(
        'Keystone refused the signature of access key %s: %s', access, message
    )
    if 'expired' in message.lower():
        return exception.RequestExpired()
    return exception.SignatureDoesNotMatch()


def _error_message(response):
    try:
        return str(response.json()['error']['message'])
    except (ValueError, KeyError, TypeError):
        return ''
