"""The sandbox cloud the client tests drive, on a SQLite file."""

import pytest

from heat.common import config
from heat.common import context
from heat.engine.clients import sandbox

CONF = config.CONF
# What the tests may override; each goes back to its default afterwards.
SANDBOX_OPTIONS = (
    'build_seconds',
    'error_images',
    'private_cidr',
    'floating_cidr',
)


@pytest.fixture
def cloud(heat_db):  # noqa: F811 (the fixture)
    """Tenant demo's sandbox clients; objects are ready at once unless a
    test sets build_seconds."""
    CONF.set_override('build_seconds', 0, group='sandbox')
    yield sandbox.make_clients(context.RequestContext(tenant='demo'))
    for name in SANDBOX_OPTIONS:
        CONF.clear_override(name, group='sandbox')
