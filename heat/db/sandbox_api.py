"""The sandbox cloud's data API: its rules, applied in one transaction each.

Like heat.db.api, every function opens and closes its own session and hands
out detached rows.  Every object belongs to a tenant and is found only with
that tenant.  The checks a real cloud makes (a volume must be available to
attach, an in-use volume cannot be deleted...) live here, inside the
transaction that changes the rows, so that concurrent engines cannot race
past them.  Errors are CloudError / CloudNotFound with the messages the
OpenStack services give.
"""

import functools
import ipaddress
import random

import sqlalchemy as sa

from heat.common import exception
from heat.db import connection
from heat.db.models import Ec2Credential
from heat.db.models import SandboxFloatingIp
from heat.db.models import SandboxSecurityGroup
from heat.db.models import SandboxSecurityGroupRule
from heat.db.models import SandboxServer
from heat.db.models import SandboxSnapshot
from heat.db.models import SandboxUser
from heat.db.models import SandboxVolume
from heat.db.types import utcnow

# Every tenant has a security group named "default" without storing it.
DEFAULT_SECURITY_GROUP = 'default'

# Random tries at a free address before listing the free ones.
_RANDOM_PICKS = 8

_NOT_FOUND = {
    SandboxServer: 'Instance %s could not be found.',
    SandboxVolume: 'Volume %s could not be found.',
    SandboxSnapshot: 'Snapshot %s could not be found.',
    SandboxFloatingIp: 'Floating IP %s could not be found.',
    SandboxSecurityGroup: 'Security group %s does not exist.',
    SandboxUser: 'Could not find user: %s.',
}


# -- helpers -----------------------------------------------------------------


def _get(session, model, tenant, object_id):
    row = session.get(model, object_id)
    if row is None or row.tenant != tenant:
        raise exception.CloudNotFound(reason=_NOT_FOUND[model] % object_id)
    return row


def _due(row):
    return row.status != row.settled_status and utcnow() >= row.settles_at


def _settle(row):
    """Apply row's transition if it is due (the session stores it)."""
    if _due(row):
        row.status = row.settled_status
    return row


def _read_settled(model, tenant, object_id):
    """The row, with a due transition applied and stored."""
    with connection.reading() as session:
        row = _get(session, model, tenant, object_id)
    return _store_due(model, row)


def _store_due(model, row):
    """Store the detached row's due transition; the row shows it too."""
    if not _due(row):
        return row
    with connection.writing() as session:
        # Conditional, so an engine that changed the row meanwhile wins.
        session.execute(
            sa.update(model)
            .where(model.id == row.id, model.status == row.status)
            .values(status=row.settled_status)
        )
    row.status = row.settled_status
    return row


def settle_due():
    """Store every due transition at once (before listing everything)."""
    now = utcnow()
    with connection.writing() as session:
        for model in (SandboxServer, SandboxVolume, SandboxSnapshot):
            session.execute(
                sa.update(model)
                .where(
                    model.status != model.settled_status,
                    model.settles_at <= now,
                )
                .values(status=model.settled_status)
            )


@functools.cache
def _pool(cidr) -> range:
    """The addresses of cidr that may be allocated, as integers: its hosts
    (as ipaddress counts them) but the first, the gateway."""
    network = ipaddress.ip_network(cidr)
    first = int(network.network_address)
    last = int(network.broadcast_address)
    if network.num_addresses > 2:
        first += 1  # the network's own address is no host
        if network.version == 4:
            last -= 1  # nor is IPv4's broadcast address
    return range(first + 1, last + 1)


def _free_address(session, column, cidr):
    """An unused address of cidr, picked at random so that concurrent
    allocators seldom pick the same one."""
    pool = _pool(cidr)
    used = {
        int(ipaddress.ip_address(a))
        for a in session.scalars(sa.select(column))
    }
    for _ in range(_RANDOM_PICKS):
        if pool and (candidate := random.choice(pool)) not in used:
            return str(ipaddress.ip_address(candidate))
    # Most of the pool is taken: choose among what is left.
    free = [address for address in pool if address not in used]
    if not free:
        raise _exhausted(cidr)
    return str(ipaddress.ip_address(random.choice(free)))


def _exhausted(cidr):
    return exception.CloudError(
        reason='No more IP addresses available on network %s.' % cidr
    )


def _insert_with_address(make_row, column, cidr):
    """Add make_row(session, address) with a free address of cidr in
    column, and commit.

    The address is picked and inserted in one transaction.  When another
    transaction took it meanwhile, the unique constraint refuses it and a
    new transaction picks again: every such collision is an address that
    another allocation got, so the pool's size bounds the tries.
    """
    for _ in range(len(_pool(cidr)) + 1):
        try:
            with connection.writing() as session:
                row = make_row(session, _free_address(session, column, cidr))
                session.add(row)
            return row
        except sa.exc.IntegrityError as exc:
            # Every backend names the column or its constraint.
            if column.key not in str(exc.orig):
                raise
    raise _exhausted(cidr)


def _list(model, tenant, order=None):
    query = sa.select(model).order_by(order or model.created_at, model.id)
    if tenant is not None:
        query = query.where(model.tenant == tenant)
    with connection.reading() as session:
        return list(session.scalars(query))


# -- servers -----------------------------------------------------------------


def server_create(tenant, values, private_cidr) -> SandboxServer:
    """A new server; values are SandboxServer columns except the address."""

    def make(session, address):
        _check_security_groups(
            session, tenant, values.get('security_groups', ())
        )
        return SandboxServer(tenant=tenant, **values, private_ip=address)

    return _insert_with_address(make, SandboxServer.private_ip, private_cidr)


def server_get(tenant, server_id) -> tuple[SandboxServer, list[str]]:
    """The server and the floating addresses associated with it."""
    with connection.reading() as session:
        server = _get(session, SandboxServer, tenant, server_id)
        addresses = list(
            session.scalars(
                sa.select(SandboxFloatingIp.address)
                .where(SandboxFloatingIp.server_id == server_id)
                .order_by(SandboxFloatingIp.address)
            )
        )
    return _store_due(SandboxServer, server), addresses


def server_delete(tenant, server_id) -> None:
    """Delete the server, detaching its volumes and floating IPs."""
    with connection.writing() as session:
        server = _get(session, SandboxServer, tenant, server_id)
        session.execute(
            sa.update(SandboxVolume)
            .where(SandboxVolume.server_id == server_id)
            .values(
                server_id=None,
                device=None,
                status='available',
                settled_status='available',
            )
        )
        session.execute(
            sa.update(SandboxFloatingIp)
            .where(SandboxFloatingIp.server_id == server_id)
            .values(server_id=None)
        )
        session.delete(server)


def server_list(tenant=None) -> list[SandboxServer]:
    return _list(SandboxServer, tenant)


# -- volumes and snapshots ---------------------------------------------------


def volume_create(tenant, values) -> SandboxVolume:
    """A new volume; values are SandboxVolume columns."""
    with connection.writing() as session:
        snapshot_id = values.get('snapshot_id')
        if snapshot_id is not None:
            snapshot = _settle(
                _get(session, SandboxSnapshot, tenant, snapshot_id)
            )
            if snapshot.status != 'available':
                raise exception.CloudError(
                    reason='Invalid snapshot: Originating snapshot status '
                    'must be one of available values'
                )
        volume = SandboxVolume(tenant=tenant, **values)
        session.add(volume)
    return volume


def volume_get(tenant, volume_id) -> SandboxVolume:
    return _read_settled(SandboxVolume, tenant, volume_id)


def volume_delete(tenant, volume_id) -> None:
    with connection.writing() as session:
        volume = _settle(_get(session, SandboxVolume, tenant, volume_id))
        if volume.server_id is not None:
            raise exception.CloudError(
                reason='Invalid volume: Volume status must be available or '
                'error and must not be attached, but current status '
                'is: %s.' % volume.status
            )
        session.delete(volume)


def volume_attach(tenant, server_id, volume_id, device=None) -> SandboxVolume:
    """Attach as device (default: the server's first free /dev/vdX)."""
    with connection.writing() as session:
        server = _settle(_get(session, SandboxServer, tenant, server_id))
        if server.status != 'ACTIVE':
            raise exception.CloudError(
                reason="Cannot 'attach_volume' instance %s while it is in "
                'status %s.' % (server_id, server.status)
            )
        volume = _settle(_get(session, SandboxVolume, tenant, volume_id))
        if volume.status != 'available':
            raise exception.CloudError(
                reason='Invalid volume: volume %s status must be available, '
                'but current status is: %s.' % (volume_id, volume.status)
            )
        volume.device = _device(session, server_id, device)
        volume.server_id = server_id
        volume.status = volume.settled_status = 'in-use'
    return volume


def _device(session, server_id, requested):
    used = set(
        session.scalars(
            sa.select(SandboxVolume.device).where(
                SandboxVolume.server_id == server_id
            )
        )
    )
    if requested is not None:
        if requested in used:
            raise exception.CloudError(
                reason='The supplied device path (%s) is in use.' % requested
            )
        return requested
    # vda is the root disk.
    for letter in 'bcdefghijklmnopqrstuvwxyz':
        if '/dev/vd' + letter not in used:
            return '/dev/vd' + letter
    raise exception.CloudError(reason='No free disk device names.')


def volume_detach(tenant, server_id, volume_id) -> None:
    with connection.writing() as session:
        _get(session, SandboxServer, tenant, server_id)
        volume = _get(session, SandboxVolume, tenant, volume_id)
        if volume.server_id != server_id:
            raise exception.CloudNotFound(
                reason='Volume %s is not attached to instance %s.'
                % (volume_id, server_id)
            )
        volume.server_id = volume.device = None
        volume.status = volume.settled_status = 'available'


def volume_list(tenant=None) -> list[SandboxVolume]:
    return _list(SandboxVolume, tenant)


def snapshot_create(tenant, volume_id, values) -> SandboxSnapshot:
    """A snapshot of the volume; values: name, status, settled_status,
    settles_at."""
    with connection.writing() as session:
        volume = _settle(_get(session, SandboxVolume, tenant, volume_id))
        if volume.status not in ('available', 'in-use'):
            raise exception.CloudError(
                reason='Invalid volume: Volume %s status must be available, '
                'but current status is: %s.' % (volume_id, volume.status)
            )
        snapshot = SandboxSnapshot(
            tenant=tenant,
            volume_id=volume_id,
            size_gb=volume.size_gb,
            **values,
        )
        session.add(snapshot)
    return snapshot


def snapshot_get(tenant, snapshot_id) -> SandboxSnapshot:
    return _read_settled(SandboxSnapshot, tenant, snapshot_id)


def snapshot_list(tenant=None) -> list[SandboxSnapshot]:
    return _list(SandboxSnapshot, tenant)


# -- floating IPs ------------------------------------------------------------


def floating_ip_create(tenant, floating_cidr) -> SandboxFloatingIp:
    return _insert_with_address(
        lambda session, address: SandboxFloatingIp(
            tenant=tenant, address=address
        ),
        SandboxFloatingIp.address,
        floating_cidr,
    )


def floating_ip_get(tenant, fip_id) -> SandboxFloatingIp:
    with connection.reading() as session:
        return _get(session, SandboxFloatingIp, tenant, fip_id)


def floating_ip_find(tenant, address) -> SandboxFloatingIp:
    with connection.reading() as session:
        row = session.scalars(
            sa.select(SandboxFloatingIp).where(
                SandboxFloatingIp.tenant == tenant,
                SandboxFloatingIp.address == address,
            )
        ).first()
    if row is None:
        raise exception.CloudNotFound(
            reason='Floating IP %s could not be found.' % address
        )
    return row


def floating_ip_associate(tenant, fip_id, server_id) -> SandboxFloatingIp:
    """Associate with server_id, or disassociate when it is None."""
    with connection.writing() as session:
        fip = _get(session, SandboxFloatingIp, tenant, fip_id)
        if server_id is not None:
            _get(session, SandboxServer, tenant, server_id)
        fip.server_id = server_id
    return fip


def floating_ip_delete(tenant, fip_id) -> None:
    with connection.writing() as session:
        session.delete(_get(session, SandboxFloatingIp, tenant, fip_id))


def floating_ip_list(tenant=None) -> list[SandboxFloatingIp]:
    return _list(SandboxFloatingIp, tenant, order=SandboxFloatingIp.address)


# -- security groups ---------------------------------------------------------

SecurityGroupRows = tuple[SandboxSecurityGroup, list[SandboxSecurityGroupRule]]


def security_group_create(tenant, name, description) -> SandboxSecurityGroup:
    with connection.writing() as session:
        group = SandboxSecurityGroup(
            tenant=tenant, name=name, description=description or ''
        )
        session.add(group)
    return group


def security_group_get(tenant, group_id) -> SecurityGroupRows:
    """The group and its rules."""
    with connection.reading() as session:
        group = _get(session, SandboxSecurityGroup, tenant, group_id)
        return group, _rules(session, group_id)


def security_group_find(tenant, name_or_id) -> SecurityGroupRows:
    """The group with this id, else the one group with this name."""
    with connection.reading() as session:
        group = _find_group(session, tenant, name_or_id)
        return group, _rules(session, group.id)


def _find_group(session, tenant, name_or_id):
    group = session.get(SandboxSecurityGroup, name_or_id)
    if group is not None and group.tenant == tenant:
        return group
    named = list(
        session.scalars(
            sa.select(SandboxSecurityGroup).where(
                SandboxSecurityGroup.tenant == tenant,
                SandboxSecurityGroup.name == name_or_id,
            )
        )
    )
    if len(named) > 1:
        raise exception.CloudError(
            reason="Multiple security group matches found for name '%s', "
            'use an ID to be more specific.' % name_or_id
        )
    if not named:
        raise exception.CloudNotFound(
            reason=_NOT_FOUND[SandboxSecurityGroup] % name_or_id
        )
    return named[0]


def _check_security_groups(session, tenant, names_or_ids):
    for name_or_id in names_or_ids:
        if name_or_id != DEFAULT_SECURITY_GROUP:
            _find_group(session, tenant, name_or_id)


def _rules(session, group_id):
    return list(
        session.scalars(
            sa.select(SandboxSecurityGroupRule)
            .where(SandboxSecurityGroupRule.group_id == group_id)
            .order_by(SandboxSecurityGroupRule.id)
        )
    )


def security_group_rule_create(
    tenant, group_id, values
) -> SandboxSecurityGroupRule:
    """A rule in the group; values: direction, protocol, port_min, port_max,
    cidr, remote_group_id."""
    with connection.writing() as session:
        _get(session, SandboxSecurityGroup, tenant, group_id)
        if values.get('remote_group_id') is not None:
            _get(
                session,
                SandboxSecurityGroup,
                tenant,
                values['remote_group_id'],
            )
        for rule in _rules(session, group_id):
            if all(
                getattr(rule, key) == value for key, value in values.items()
            ):
                raise exception.CloudError(
                    reason='Security group rule already exists. Rule id '
                    'is %s.' % rule.id
                )
        rule = SandboxSecurityGroupRule(group_id=group_id, **values)
        session.add(rule)
    return rule


def security_group_delete(tenant, group_id) -> None:
    """Delete the group, its rules and the rules that refer to it."""
    with connection.writing() as session:
        group = _get(session, SandboxSecurityGroup, tenant, group_id)
        users = session.scalars(
            sa.select(SandboxServer.security_groups).where(
                SandboxServer.tenant == tenant
            )
        )
        if any({group.id, group.name} & set(refs) for refs in users):
            raise exception.CloudError(
                reason='Security Group %s in use.' % group_id
            )
        session.execute(
            sa.delete(SandboxSecurityGroupRule).where(
                sa.or_(
                    SandboxSecurityGroupRule.group_id == group_id,
                    SandboxSecurityGroupRule.remote_group_id == group_id,
                )
            )
        )
        session.delete(group)


def security_group_list(tenant=None) -> list[SecurityGroupRows]:
    groups = _list(SandboxSecurityGroup, tenant)
    with connection.reading() as session:
        return [(group, _rules(session, group.id)) for group in groups]


# -- stack users -------------------------------------------------------------


def user_create(tenant, stack_id, name) -> SandboxUser:
    with connection.writing() as session:
        user = SandboxUser(tenant=tenant, stack_id=stack_id, name=name)
        session.add(user)
    return user


def user_get(tenant, user_id) -> SandboxUser:
    with connection.reading() as session:
        return _get(session, SandboxUser, tenant, user_id)


def user_delete(tenant, user_id) -> None:
    """Delete the user and the EC2 credentials it owns."""
    with connection.writing() as session:
        user = _get(session, SandboxUser, tenant, user_id)
        session.execute(
            sa.delete(Ec2Credential).where(
                Ec2Credential.tenant == tenant, Ec2Credential.user == user_id
            )
        )
        session.delete(user)
