"""The sandbox cloud: nova, cinder, neutron and keystone's operations,
emulated in Heat's own database.

Every engine sees the same objects and they survive restarts.  Servers,
volumes and snapshots take ``[sandbox] build_seconds`` to become ready;
images listed in ``[sandbox] error_images`` make servers that go to ERROR.
Every key pair name exists: the sandbox holds no private keys, and templates
take KeyName as a parameter.  Images, flavors and zones are in catalog.
"""

import dataclasses

from heat.common import context
from heat.engine.clients import contract
from heat.engine.clients.sandbox.compute import Compute
from heat.engine.clients.sandbox.identity import Identity
from heat.engine.clients.sandbox.network import Network
from heat.engine.clients.sandbox.volume import Volume


@dataclasses.dataclass(frozen=True)
class SandboxClients:
    """The sandbox's services for one tenant (cheap: they hold no state)."""

    compute: Compute
    volume: Volume
    network: Network
    identity: Identity


def make_clients(ctxt: context.RequestContext) -> contract.Clients:
    tenant = ctxt.tenant
    return SandboxClients(
        compute=Compute(tenant),
        volume=Volume(tenant),
        network=Network(tenant),
        identity=Identity(tenant),
    )
