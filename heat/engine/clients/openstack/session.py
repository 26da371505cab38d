"""keystoneauth1 sessions: the caller's, shared by every client, and Heat's.

The caller's session sends the context's token as it is.  Keystone will not
make a new token from one it gave through ec2tokens (it counts as
delegated), nor let such a token call keystone itself, so the token is not
re-scoped: Heat's service user reads it from keystone, once, as every
OpenStack service reads the tokens it receives, and keystone's answer
gives the service catalog.  Endpoints are looked up in it by service type,
``[clients] region_name`` and ``[clients] interface``.  Explicit endpoints
(a dict of service type to URL) replace catalog entries; without keystone
(no ``auth_url``) they are the only way to the cloud.

The token is never renewed: a call made after it expires fails with the
service's 401, since Heat holds no trust to act later for the caller.

The service session acts as the service user of ``[auth]``: it reads
callers' tokens, and does in keystone what a project member may not (make
the users of stacks)."""

import dataclasses
import functools

from keystoneauth1 import access
from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint
from keystoneauth1.identity import access as access_plugin
from keystoneauth1.identity import v3
from keystoneclient.v3 import client as keystone_client

from heat.common import config
from heat.common import exception
from heat.engine.clients.openstack import errors

# Seconds one HTTP request to a service may take.
REQUEST_TIMEOUT_SECONDS = 60


@dataclasses.dataclass(frozen=True)
class CloudSession:
    """A session and where each service is to be found through it."""

    session: ks_session.Session
    region_name: str
    interface: str
    endpoints: dict

    def endpoint_override(self, service_type):
        """The explicit URL of a service, or None to use the catalog."""
        return self.endpoints.get(service_type)

    def endpoint_filter(self, service_type):
        """keystoneauth1 request arguments that reach the service."""
        return {
            'endpoint_filter': {
                'service_type': service_type,
                'interface': self.interface,
                'region_name': self.region_name,
            },
            'endpoint_override': self.endpoint_override(service_type),
        }


@functools.lru_cache(maxsize=8)
def _service_login(
    auth_url,
    username,
    password,
    user_domain_name,
    project_name,
    project_domain_name,
):
    # One per keystone and account, shared by every context: a password
    # check costs keystone dearly, and keystoneauth1 fetches the service
    # token again shortly before it expires.
    service_auth = v3.Password(
        auth_url=auth_url,
        username=username,
        password=password,
        user_domain_name=user_domain_name,
        project_name=project_name,
        project_domain_name=project_domain_name,
    )
    return ks_session.Session(
        auth=service_auth, timeout=REQUEST_TIMEOUT_SECONDS
    )


def _service_session(auth_url, conf):
    """The keystoneauth1 session of ``[auth]``'s service user."""
    auth = conf.auth
    if not auth.service_password:
        raise exception.CloudError(
            reason='[auth] service_password is not set: Heat cannot act as '
            'its service user %s in keystone' % auth.service_username
        )
    return _service_login(
        auth_url,
        auth.service_username,
        auth.service_password,
        auth.service_user_domain_name,
        auth.service_project_name,
        auth.service_project_domain_name,
    )


def _token_info(auth_url, token, conf):
    """Keystone's AccessInfo for ``token``, service catalog included."""
    # Keystone refuses a token from ec2tokens for any of its own APIs,
    # reading it included: the service user reads it, as every OpenStack
    # service does to check the tokens it receives.
    tokens = keystone_client.Client(
        session=_service_session(auth_url, conf), endpoint_override=auth_url
    ).tokens
    try:
        body = errors.call(tokens.get_token_data, token)
    except exception.CloudError as exc:
        # Not CloudNotFound, which keystone's 404 for an expired token
        # would give: deletes take that for an object already gone.
        raise exception.CloudError(
            reason="Keystone at %s did not confirm the request's token to "
            'service user %s: %s' % (auth_url, conf.auth.service_username, exc)
        ) from exc
    return access.create(body=body, auth_token=token)


def _auth(ctxt, endpoints, conf):
    if not ctxt.auth_token:
        raise exception.CloudError(
            reason='The request carries no token to act on the cloud with'
        )
    if ctxt.auth_url:
        return access_plugin.AccessInfoPlugin(
            _token_info(ctxt.auth_url, ctxt.auth_token, conf),
            auth_url=ctxt.auth_url,
        )
    if not endpoints:
        raise exception.CloudError(
            reason='No identity endpoint and no service endpoints: '
            'the cloud cannot be found'
        )
    # No keystone: the token is sent as is to each explicit endpoint.
    return token_endpoint.Token(
        next(iter(endpoints.values())), ctxt.auth_token
    )


def make_session(ctxt, endpoints=None, conf=config.CONF):
    """The CloudSession that acts as the context's caller."""
    endpoints = dict(endpoints or {})
    session = ks_session.Session(
        auth=_auth(ctxt, endpoints, conf), timeout=REQUEST_TIMEOUT_SECONDS
    )
    return CloudSession(
        session=session,
        region_name=conf.clients.region_name,
        interface=conf.clients.interface,
        endpoints=endpoints,
    )


def make_service_session(auth_url, conf=config.CONF):
    """A CloudSession that acts as ``[auth]``'s user on auth_url.

    Only keystone is reached through it, at ``auth_url`` itself: the
    keystone that vouched for the caller.
    """
    return CloudSession(
        session=_service_session(auth_url, conf),
        region_name=conf.clients.region_name,
        interface=conf.clients.interface,
        endpoints={'identity': auth_url},
    )
