"""Configurations refused at start, and the usual ones that are not."""

import pytest

from heat.common import config
from heat.common import config_check

CONF = config.CONF
KEYSTONE = {
    'backend': 'keystone',
    'keystone_url': 'http://ks:5000/v3',
    'service_password': 'secret',
}


@pytest.fixture
def overrides():
    """Set options by group; cleared after the test."""
    made = []

    def override(group, **values):
        for name, value in values.items():
            CONF.set_override(name, value, group=group)
            made.append((name, group))

    yield override
    for name, group in made:
        CONF.clear_override(name, group=group)


def test_embedded_defaults_are_accepted():
    assert config_check.refusal() is None


def test_openstack_with_keystone_is_accepted(overrides):
    overrides('clients', backend='openstack')
    overrides('auth', **KEYSTONE)
    assert config_check.refusal() is None


def test_openstack_with_local_auth_is_refused(overrides):
    overrides('clients', backend='openstack')
    assert config_check.refusal().startswith(
        '[clients] backend = openstack needs [auth] backend = keystone'
    )


@pytest.mark.parametrize('missing', ['keystone_url', 'service_password'])
def test_keystone_without_its_address_or_password_is_refused(
    overrides, missing
):
    overrides('auth', **dict(KEYSTONE, **{missing: None}))
    assert config_check.refusal().startswith(
        '[auth] backend = keystone needs [auth] %s' % missing
    )
