"""How resources reach a cloud: ``for_context(ctxt).compute`` and friends.

A backend is a package with ``make_clients(ctxt)``, returning an object
that has the four services of ``contract.Clients``, each with the
operations ``contract`` lists and answering with the values in ``model``.
``[clients] backend`` picks the package: ``sandbox`` (emulated in Heat's
database) or ``openstack`` (nova, cinder, neutron, keystone).  Errors are
exception.CloudError, and CloudNotFound for objects that do not exist.
"""

from collections.abc import Callable
from typing import Protocol

from heat.common import config
from heat.common import context
from heat.engine.clients.contract import Clients


class Backend(Protocol):
    """What a backend package offers (a module satisfies it)."""

    def make_clients(self, ctxt: context.RequestContext) -> Clients: ...


def _sandbox() -> Backend:
    from heat.engine.clients import sandbox

    return sandbox


def _openstack() -> Backend:
    from heat.engine.clients import openstack

    return openstack


# Imported on first use: the openstack backend loads the client libraries.
_BACKENDS: dict[str, Callable[[], Backend]] = {
    'sandbox': _sandbox,
    'openstack': _openstack,
}


def for_context(
    ctxt: context.RequestContext, backend: str | None = None
) -> Clients:
    """Clients acting as ctxt on backend (default: [clients] backend)."""
    name = backend or config.CONF.clients.backend
    return _BACKENDS[name]().make_clients(ctxt)
