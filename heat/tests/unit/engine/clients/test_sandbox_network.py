"""The sandbox's neutron: floating IPs and security groups."""

import pytest

from heat.common import config
from heat.common import exception

CONF = config.CONF


# -- floating IPs --------------------------------------------------------


def test_floating_ips_come_from_the_floating_range(cloud):
    CONF.set_override('floating_cidr', '203.0.113.0/30', group='sandbox')
    # Hosts .1 and .2; .1 is the gateway.
    fip = cloud.network.allocate_floating_ip()
    assert (fip.address, fip.server_id) == ('203.0.113.2', None)
    with pytest.raises(exception.CloudError, match='No more IP addresses'):
        cloud.network.allocate_floating_ip()
    cloud.network.release_floating_ip(fip.id)
    assert cloud.network.allocate_floating_ip().address == '203.0.113.2'


def test_floating_ip_associate_find_disassociate_release(cloud):
    server = cloud.compute.create_server('web', 'cirros', 'm1.tiny')
    fip = cloud.network.allocate_floating_ip()
    assert cloud.network.allocate_floating_ip().address != fip.address
    associated = cloud.network.associate_floating_ip(fip.id, server.id)
    assert associated.server_id == server.id
    assert cloud.network.find_floating_ip(fip.address) == associated
    assert cloud.compute.get_server(server.id).floating_ips == (fip.address,)
    assert cloud.network.disassociate_floating_ip(fip.id).server_id is None
    assert cloud.compute.get_server(server.id).floating_ips == ()
    cloud.network.release_floating_ip(fip.id)
    for call in (
        cloud.network.get_floating_ip,
        cloud.network.release_floating_ip,
        cloud.network.disassociate_floating_ip,
    ):
        with pytest.raises(exception.CloudNotFound):
            call(fip.id)
    with pytest.raises(exception.CloudNotFound):
        cloud.network.find_floating_ip(fip.address)


def test_associate_with_a_missing_server_is_not_found(cloud):
    fip = cloud.network.allocate_floating_ip()
    with pytest.raises(exception.CloudNotFound):
        cloud.network.associate_floating_ip(fip.id, 'no-such-server')
    assert cloud.network.get_floating_ip(fip.id).server_id is None


# -- security groups -----------------------------------------------------


def test_security_group_with_rules(cloud):
    web = cloud.network.create_security_group('web', 'HTTP in')
    peer = cloud.network.create_security_group('peer', '')
    http = cloud.network.add_security_group_rule(
        web.id, 'ingress', 'tcp', 80, 80, cidr='0.0.0.0/0'
    )
    from_peer = cloud.network.add_security_group_rule(
        web.id, 'ingress', None, None, None, remote_group_id=peer.id
    )
    out = cloud.network.add_security_group_rule(
        web.id, 'egress', 'icmp', -1, -1
    )
    got = cloud.network.get_security_group(web.id)
    assert (got.name, got.description) == ('web', 'HTTP in')
    assert {rule.id for rule in got.rules} == {http.id, from_peer.id, out.id}
    assert (
        http.direction,
        http.protocol,
        http.port_min,
        http.port_max,
        http.cidr,
        http.remote_group_id,
    ) == ('ingress', 'tcp', 80, 80, '0.0.0.0/0', None)
    assert from_peer.remote_group_id == peer.id
    assert cloud.network.find_security_group('web') == got
    assert cloud.network.find_security_group(web.id) == got


@pytest.mark.parametrize(
    'args, message',
    [
        (('sideways', 'tcp', 1, 2), 'direction'),
        (('ingress', 'gre', 1, 2), 'protocol'),
        (('ingress', 'tcp', 90, 80), 'port range'),
        (('ingress', 'udp', 1, 70000), 'port range'),
    ],
)
def test_malformed_rules_are_refused(cloud, args, message):
    group = cloud.network.create_security_group('g', '')
    with pytest.raises(exception.CloudError, match=message):
        cloud.network.add_security_group_rule(group.id, *args)
    assert cloud.network.get_security_group(group.id).rules == ()


def test_rule_errors(cloud):
    group = cloud.network.create_security_group('g', '')
    other = cloud.network.create_security_group('o', '')
    with pytest.raises(exception.CloudError, match='Only remote_ip_prefix'):
        cloud.network.add_security_group_rule(
            group.id,
            'ingress',
            'tcp',
            22,
            22,
            cidr='10.0.0.0/8',
            remote_group_id=other.id,
        )
    with pytest.raises(exception.CloudNotFound):
        cloud.network.add_security_group_rule(
            group.id, 'ingress', 'tcp', 22, 22, remote_group_id='missing'
        )
    with pytest.raises(exception.CloudNotFound):
        cloud.network.add_security_group_rule(
            'missing', 'ingress', 'tcp', 22, 22
        )
    cloud.network.add_security_group_rule(group.id, 'ingress', 'tcp', 22, 22)
    with pytest.raises(exception.CloudError, match='already exists'):
        cloud.network.add_security_group_rule(
            group.id, 'ingress', 'tcp', 22, 22
        )


def test_ambiguous_or_missing_names(cloud):
    cloud.network.create_security_group('twin', '')
    second = cloud.network.create_security_group('twin', '')
    with pytest.raises(exception.CloudError, match='Multiple'):
        cloud.network.find_security_group('twin')
    assert cloud.network.find_security_group(second.id).id == second.id
    with pytest.raises(exception.CloudNotFound):
        cloud.network.find_security_group('nobody')
    with pytest.raises(exception.CloudNotFound):
        cloud.network.get_security_group('nobody')


def test_delete_group_and_the_rules_that_name_it(cloud):
    group = cloud.network.create_security_group('g', '')
    referring = cloud.network.create_security_group('r', '')
    cloud.network.add_security_group_rule(
        referring.id, 'ingress', 'tcp', 22, 22, remote_group_id=group.id
    )
    cloud.network.add_security_group_rule(group.id, 'egress', None, None, None)
    cloud.network.delete_security_group(group.id)
    with pytest.raises(exception.CloudNotFound):
        cloud.network.get_security_group(group.id)
    with pytest.raises(exception.CloudNotFound):
        cloud.network.delete_security_group(group.id)
    assert cloud.network.get_security_group(referring.id).rules == ()


@pytest.mark.parametrize('reference', ['name', 'id'])
def test_group_in_use_by_a_server_is_kept(cloud, reference):
    group = cloud.network.create_security_group('web', '')
    server = cloud.compute.create_server(
        'web', 'cirros', 'm1.tiny', security_groups=[getattr(group, reference)]
    )
    with pytest.raises(exception.CloudError, match='in use'):
        cloud.network.delete_security_group(group.id)
    cloud.compute.delete_server(server.id)
    cloud.network.delete_security_group(group.id)
