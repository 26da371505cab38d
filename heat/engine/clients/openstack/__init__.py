"""Client plugins for a real OpenStack cloud: nova, cinder, neutron, keystone.

``make_clients(ctxt)`` gives the four services of the client contract (see
heat.engine.clients.model), each built on first use over one keystoneauth1
session that acts as the context's caller; in keystone, ``identity`` acts
as Heat's service user instead.
"""

import functools

from heat.common import context
from heat.engine.clients import contract
from heat.engine.clients.openstack import compute
from heat.engine.clients.openstack import identity
from heat.engine.clients.openstack import network
from heat.engine.clients.openstack import session
from heat.engine.clients.openstack import volume


class OpenStackClients:
    """compute, volume, network and identity of one caller's cloud."""

    def __init__(
        self,
        ctxt: context.RequestContext,
        endpoints: dict[str, str] | None = None,
    ):
        self._ctxt = ctxt
        self._endpoints = endpoints

    @functools.cached_property
    def cloud(self):
        """The CloudSession every service shares."""
        # Made on first use: a context that cannot reach the cloud fails
        # only when it tries to, not when its stack is loaded.
        return session.make_session(self._ctxt, self._endpoints)

    @functools.cached_property
    def compute(self) -> contract.Compute:
        return compute.Compute(self.cloud)

    @functools.cached_property
    def volume(self) -> contract.Volume:
        return volume.BlockStorage(self.cloud)

    @functools.cached_property
    def network(self) -> contract.Network:
        return network.Network(self.cloud)

    @functools.cached_property
    def identity(self) -> contract.Identity:
        return identity.Identity(self._identity_cloud(), self._ctxt.tenant)

    def _identity_cloud(self):
        # Keystone lets only admins make users: for a caller keystone
        # vouched for, stack users are made by Heat's service user in that
        # keystone; without keystone the caller's own token is used.
        if self._ctxt.auth_url:
            return session.make_service_session(self._ctxt.auth_url)
        return self.cloud


def make_clients(
    ctxt: context.RequestContext, endpoints: dict[str, str] | None = None
) -> contract.Clients:
    """The OpenStack clients acting as the context's caller.

    ``endpoints`` maps service types ('compute', 'block-storage',
    'network', 'image', 'identity') to URLs that replace the catalog.
    """
    return OpenStackClients(ctxt, endpoints)
