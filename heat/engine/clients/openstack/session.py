"""One keystoneauth1 session per request context, shared by every client.

The session carries the caller's token.  With an identity endpoint
(``auth_url``) the token is re-scoped to the caller's project, which gives
the service catalog; endpoints are then looked up in it by service type,
``[clients] region_name`` and ``[clients] interface``.  Explicit endpoints
(a dict of service type to URL) replace the catalog, for clouds or tests
without keystone.
"""

import dataclasses

from keystoneauth1.identity import v3
from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint

from heat.common import config
from heat.common import exception

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
        return {'endpoint_filter': {'service_type': service_type,
                                    'interface': self.interface,
                                    'region_name': self.region_name},
                'endpoint_override': self.endpoint_override(service_type)}


def _auth(ctxt, endpoints):
    if not ctxt.auth_token:
        raise exception.CloudError(
            reason='The request carries no token to act on the cloud with')
    if ctxt.auth_url:
        return v3.Token(auth_url=ctxt.auth_url, token=ctxt.auth_token,
                        project_id=ctxt.tenant)
    if not endpoints:
        raise exception.CloudError(
            reason='No identity endpoint and no service endpoints: '
                   'the cloud cannot be found')
    # No keystone: the token is sent as is to each explicit endpoint.
    return token_endpoint.Token(next(iter(endpoints.values())),
                                ctxt.auth_token)


def make_session(ctxt, endpoints=None, conf=config.CONF):
    """The CloudSession that acts as the context's caller."""
    endpoints = dict(endpoints or {})
    session = ks_session.Session(auth=_auth(ctxt, endpoints),
                                 timeout=REQUEST_TIMEOUT_SECONDS)
    return CloudSession(session=session,
                        region_name=conf.clients.region_name,
                        interface=conf.clients.interface,
                        endpoints=endpoints)
