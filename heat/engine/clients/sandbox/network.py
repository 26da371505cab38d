"""The sandbox's neutron: floating IPs and security groups."""

from heat.common import config
from heat.common import exception
from heat.db import sandbox_api
from heat.engine.clients import model

CONF = config.CONF

DIRECTIONS = ('ingress', 'egress')
PROTOCOLS = ('tcp', 'udp', 'icmp', None)


def to_floating_ip(row) -> model.FloatingIp:
    return model.FloatingIp(
        id=row.id, address=row.address, server_id=row.server_id
    )


def to_rule(row) -> model.SecurityGroupRule:
    return model.SecurityGroupRule(
        id=row.id,
        direction=row.direction,
        protocol=row.protocol,
        port_min=row.port_min,
        port_max=row.port_max,
        cidr=row.cidr,
        remote_group_id=row.remote_group_id,
    )


def to_security_group(group, rules) -> model.SecurityGroup:
    return model.SecurityGroup(
        id=group.id,
        name=group.name,
        description=group.description,
        rules=tuple(to_rule(r) for r in rules),
    )


def check_rule(direction, protocol, port_min, port_max, cidr, remote_group_id):
    """CloudError with neutron's reason when the rule is malformed."""
    if direction not in DIRECTIONS:
        raise exception.CloudError(
            reason='Invalid direction %r: must be ingress or egress.'
            % (direction,)
        )
    if protocol not in PROTOCOLS:
        raise exception.CloudError(
            reason='Security group rule protocol %s not supported.' % protocol
        )
    if cidr is not None and remote_group_id is not None:
        raise exception.CloudError(
            reason='Only remote_ip_prefix or remote_group_id may be provided.'
        )
    if protocol in ('tcp', 'udp') and None not in (port_min, port_max):
        if not 0 <= port_min <= port_max <= 65535:
            raise exception.CloudError(
                reason='Invalid port range %s:%s.' % (port_min, port_max)
            )


class Network:
    def __init__(self, tenant: str):
        self.tenant = tenant

    def allocate_floating_ip(self) -> model.FloatingIp:
        return to_floating_ip(
            sandbox_api.floating_ip_create(
                self.tenant, CONF.sandbox.floating_cidr
            )
        )

    def get_floating_ip(self, fip_id: str) -> model.FloatingIp:
        return to_floating_ip(sandbox_api.floating_ip_get(self.tenant, fip_id))

    def find_floating_ip(self, address: str) -> model.FloatingIp:
        return to_floating_ip(
            sandbox_api.floating_ip_find(self.tenant, address)
        )

    def associate_floating_ip(
        self, fip_id: str, server_id: str
    ) -> model.FloatingIp:
        return to_floating_ip(
            sandbox_api.floating_ip_associate(self.tenant, fip_id, server_id)
        )

    def disassociate_floating_ip(self, fip_id: str) -> model.FloatingIp:
        return to_floating_ip(
            sandbox_api.floating_ip_associate(self.tenant, fip_id, None)
        )

    def release_floating_ip(self, fip_id: str) -> None:
        sandbox_api.floating_ip_delete(self.tenant, fip_id)

    def create_security_group(
        self, name: str, description: str
    ) -> model.SecurityGroup:
        group = sandbox_api.security_group_create(
            self.tenant, name, description
        )
        return to_security_group(group, [])

    def get_security_group(self, sg_id: str) -> model.SecurityGroup:
        return to_security_group(
            *sandbox_api.security_group_get(self.tenant, sg_id)
        )

    def find_security_group(self, name_or_id: str) -> model.SecurityGroup:
        return to_security_group(
            *sandbox_api.security_group_find(self.tenant, name_or_id)
        )

    def add_security_group_rule(
        self,
        sg_id: str,
        direction: str,
        protocol: str | None,
        port_min: int | None,
        port_max: int | None,
        cidr: str | None = None,
        remote_group_id: str | None = None,
    ) -> model.SecurityGroupRule:
        check_rule(
            direction, protocol, port_min, port_max, cidr, remote_group_id
        )
        row = sandbox_api.security_group_rule_create(
            self.tenant,
            sg_id,
            {
                'direction': direction,
                'protocol': protocol,
                'port_min': port_min,
                'port_max': port_max,
                'cidr': cidr,
                'remote_group_id': remote_group_id,
            },
        )
        return to_rule(row)

    def delete_security_group(self, sg_id: str) -> None:
        sandbox_api.security_group_delete(self.tenant, sg_id)
