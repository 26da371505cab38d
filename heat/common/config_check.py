"""Configurations that cannot work, refused when a process starts.

Each would otherwise start silently and fail on every request or every
resource.  One heat.conf serves every process, so heat-all, heat-api and
heat-engine refuse the same ones.
"""

from heat.common import config

CONF = config.CONF


def refusal(conf=CONF) -> str | None:
    """Why conf cannot work, in one line, or None when it can."""
    if conf.clients.backend == 'openstack' and conf.auth.backend != 'keystone':
        return (
            '[clients] backend = openstack needs [auth] backend = '
            'keystone: with local signature checks no request carries '
            'a keystone token to act on the cloud with.'
        )
    if conf.auth.backend == 'keystone':
        if not conf.auth.keystone_url:
            return (
                '[auth] backend = keystone needs [auth] keystone_url, '
                'e.g. http://keystone.example.org:5000/v3.'
            )
        if not conf.auth.service_password:
            return (
                '[auth] backend = keystone needs [auth] '
                "service_password: Heat's service user %s calls "
                "keystone's ec2tokens." % conf.auth.service_username
            )
    return None
