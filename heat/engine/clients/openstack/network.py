"""Floating IPs and security groups: neutron, via openstacksdk.

openstacksdk, not python-neutronclient: neutronclient's Python bindings are
deprecated in favour of openstacksdk's network proxy, which takes the same
keystoneauth1 session as the other clients.
"""

import functools

import openstack.connection

from heat.common import exception
from heat.engine.clients import model
from heat.engine.clients.openstack import errors


class Network:
    """The contract's ``network`` operations on neutron."""

    def __init__(self, cloud):
        self._connection = openstack.connection.Connection(
            session=cloud.session,
            region_name=cloud.region_name,
            interface=cloud.interface,
            network_endpoint_override=cloud.endpoint_override('network'),
        )

    @functools.cached_property
    def _neutron(self):
        # Making the proxy reads the catalog: the first call to keystone.
        proxy = errors.call(lambda: self._connection.network)
        # A service missing from the catalog gives a stand-in that raises
        # on any use: find out now, where errors are translated.
        errors.call(lambda: proxy.get_endpoint())
        return proxy

    def _list(self, listing, **query):
        # SDK listings are generators: the requests happen while iterating.
        return errors.call(lambda: list(listing(**query)))

    def allocate_floating_ip(self) -> model.FloatingIp:
        external = self._list(self._neutron.networks, is_router_external=True)
        if not external:
            raise exception.CloudError(
                reason='No external network to allocate a floating IP from'
            )
        ip = errors.call(
            self._neutron.create_ip, floating_network_id=external[0].id
        )
        return model.FloatingIp(id=ip.id, address=ip.floating_ip_address)

    def get_floating_ip(self, fip_id: str) -> model.FloatingIp:
        return self._floating_ip(errors.call(self._neutron.get_ip, fip_id))

    def find_floating_ip(self, address: str) -> model.FloatingIp:
        found = self._list(self._neutron.ips, floating_ip_address=address)
        if not found:
            raise exception.CloudNotFound(
                reason='Floating IP %s not found' % address
            )
        return self._floating_ip(found[0])

    def associate_floating_ip(
        self, fip_id: str, server_id: str
    ) -> model.FloatingIp:
        ports = self._list(self._neutron.ports, device_id=server_id)
        if not ports:
            raise exception.CloudError(
                reason='Server %s has no port to give a floating IP'
                % server_id
            )
        ip = errors.call(self._neutron.update_ip, fip_id, port_id=ports[0].id)
        return model.FloatingIp(
            id=ip.id, address=ip.floating_ip_address, server_id=server_id
        )

    def disassociate_floating_ip(self, fip_id: str) -> model.FloatingIp:
        ip = errors.call(self._neutron.update_ip, fip_id, port_id=None)
        return model.FloatingIp(id=ip.id, address=ip.floating_ip_address)

    def release_floating_ip(self, fip_id: str) -> None:
        errors.call(self._neutron.delete_ip, fip_id, ignore_missing=False)

    def _floating_ip(self, ip):
        # neutron links a floating IP to a port; the port names the server.
        server_id = None
        if ip.port_id:
            server_id = errors.call(
                self._neutron.get_port, ip.port_id
            ).device_id
        return model.FloatingIp(
            id=ip.id, address=ip.floating_ip_address, server_id=server_id
        )

    def create_security_group(
        self, name: str, description: str
    ) -> model.SecurityGroup:
        return _security_group(
            errors.call(
                self._neutron.create_security_group,
                name=name,
                description=description,
            )
        )

    def get_security_group(self, sg_id: str) -> model.SecurityGroup:
        return _security_group(
            errors.call(self._neutron.get_security_group, sg_id)
        )

    def find_security_group(self, name_or_id: str) -> model.SecurityGroup:
        return _security_group(
            errors.call(
                self._neutron.find_security_group,
                name_or_id,
                ignore_missing=False,
            )
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
        rule = errors.call(
            self._neutron.create_security_group_rule,
            security_group_id=sg_id,
            direction=direction,
            protocol=protocol,
            port_range_min=port_min,
            port_range_max=port_max,
            remote_ip_prefix=cidr,
            remote_group_id=remote_group_id,
            ethertype='IPv6' if cidr and ':' in cidr else 'IPv4',
        )
        return _rule(rule.to_dict())

    def delete_security_group(self, sg_id: str) -> None:
        errors.call(
            self._neutron.delete_security_group, sg_id, ignore_missing=False
        )


def _rule(rule):
    return model.SecurityGroupRule(
        id=rule['id'],
        direction=rule['direction'],
        protocol=rule.get('protocol'),
        port_min=rule.get('port_range_min'),
        port_max=rule.get('port_range_max'),
        cidr=rule.get('remote_ip_prefix'),
        remote_group_id=rule.get('remote_group_id'),
    )


def _security_group(group):
    return model.SecurityGroup(
        id=group.id,
        name=group.name,
        description=group.description or '',
        rules=tuple(_rule(rule) for rule in group.security_group_rules or ()),
    )
