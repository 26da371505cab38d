"""How resources reach a cloud: ``for_context(ctxt).compute`` and friends.

A backend is a package with ``make_clients(ctxt)``, returning an object
that has the four services of ``Clients``, each with the operations that
service offers and answering with the values in ``model``.
``[clients] backend`` picks the package: ``sandbox`` (emulated in Heat's
database) or ``openstack`` (nova, cinder, neutron, keystone).  Errors are
exception.CloudError, and CloudNotFound for objects that do not exist.
"""

from typing import Any, Protocol

from heat.common import config


class Clients(Protocol):
    """The cloud as one request context sees it; services built lazily."""

    compute: Any
    volume: Any
    network: Any
    identity: Any


def _sandbox():
    from heat.engine.clients import sandbox
    return sandbox


def _openstack():
    from heat.engine.clients import openstack
    return openstack


# Imported on first use: the openstack backend loads the client libraries.
_BACKENDS = {'sandbox': _sandbox, 'openstack': _openstack}


def for_context(ctxt, backend=None) -> Clients:
    """Clients acting as ctxt on backend (default: [clients] backend)."""
    name = backend or config.CONF.clients.backend
    return _BACKENDS[name]().make_clients(ctxt)
