"""The neutron plugin against neutron's JSON, faked at the HTTP level."""

import pytest

from heat.common import context
from heat.common import exception
from heat.engine.clients import model
from heat.engine.clients import openstack
from heat.engine.clients.openstack import errors

PROJECT = 'b0c3b4f1c5d84b3fa9a3c4b9b9b0e1d2'
NEUTRON = 'http://neutron.test'
API = NEUTRON + '/v2.0'
FIP_ID = '61cea855-49cb-4846-997d-801b70c71bdd'
PORT_ID = 'ce705c24-c1ef-408a-bda3-7bbd946164ab'
SERVER_ID = '3f8c2f4e-0a7d-4f7e-9b7c-6a1d2b3c4d5e'
PUBLIC_NET = '376da547-b977-4cfe-9cba-275c80debf57'
SG_ID = '85cc3048-abc3-43cc-89b3-377341426ac5'


@pytest.fixture(autouse=True)
def no_retry_pauses(monkeypatch):
    monkeypatch.setattr(errors, 'RETRY_DELAYS', (0.0, 0.0, 0.0))


@pytest.fixture
def network(requests_mock):
    # openstacksdk reads neutron's version document before its first call.
    requests_mock.get(
        NEUTRON + '/',
        json={
            'versions': [
                {
                    'id': 'v2.0',
                    'status': 'CURRENT',
                    'links': [{'href': API + '/', 'rel': 'self'}],
                }
            ]
        },
    )
    ctxt = context.RequestContext(tenant=PROJECT, auth_token='user-token')
    return openstack.make_clients(ctxt, {'network': NEUTRON}).network


def neutron_error(status, kind, message):
    """Keyword arguments of requests_mock for one of neutron's errors."""
    return {
        'status_code': status,
        'headers': {'Content-Type': 'application/json'},
        'json': {
            'NeutronError': {'type': kind, 'message': message, 'detail': ''}
        },
    }


def neutron_fip(port_id=None, fixed_ip=None):
    return {
        'id': FIP_ID,
        'floating_ip_address': '172.24.4.228',
        'floating_network_id': PUBLIC_NET,
        'router_id': None,
        'port_id': port_id,
        'fixed_ip_address': fixed_ip,
        'status': 'DOWN',
        'project_id': PROJECT,
        'tenant_id': PROJECT,
        'description': '',
        'tags': [],
        'revision_number': 1,
    }


def neutron_port():
    return {
        'id': PORT_ID,
        'device_id': SERVER_ID,
        'device_owner': 'compute:nova',
        'network_id': 'private-net',
        'fixed_ips': [{'subnet_id': 's1', 'ip_address': '10.0.0.5'}],
        'mac_address': 'fa:16:3e:00:00:01',
        'status': 'ACTIVE',
        'project_id': PROJECT,
    }


def test_allocate_from_the_external_network(network, requests_mock):
    networks = requests_mock.get(
        API + '/networks',
        json={
            'networks': [
                {
                    'id': PUBLIC_NET,
                    'name': 'public',
                    'router:external': True,
                    'status': 'ACTIVE',
                    'subnets': [],
                    'project_id': 'admin',
                }
            ]
        },
    )
    post = requests_mock.post(
        API + '/floatingips',
        status_code=201,
        json={'floatingip': neutron_fip()},
    )
    assert network.allocate_floating_ip() == model.FloatingIp(
        FIP_ID, '172.24.4.228', None
    )
    assert networks.last_request.qs == {'router:external': ['true']}
    assert post.last_request.json() == {
        'floatingip': {'floating_network_id': PUBLIC_NET}
    }
    assert post.last_request.headers['X-Auth-Token'] == 'user-token'


def test_allocate_without_external_network_fails(network, requests_mock):
    requests_mock.get(API + '/networks', json={'networks': []})
    with pytest.raises(exception.CloudError, match='No external network'):
        network.allocate_floating_ip()


def test_associate_puts_the_servers_port(network, requests_mock):
    ports = requests_mock.get(API + '/ports', json={'ports': [neutron_port()]})
    put = requests_mock.put(
        API + '/floatingips/' + FIP_ID,
        json={'floatingip': neutron_fip(PORT_ID, '10.0.0.5')},
    )
    assert network.associate_floating_ip(
        FIP_ID, SERVER_ID
    ) == model.FloatingIp(FIP_ID, '172.24.4.228', SERVER_ID)
    assert ports.last_request.qs == {'device_id': [SERVER_ID]}
    assert put.last_request.json() == {'floatingip': {'port_id': PORT_ID}}


def test_get_and_find_name_the_server_through_the_port(network, requests_mock):
    requests_mock.get(
        API + '/floatingips/' + FIP_ID,
        json={'floatingip': neutron_fip(PORT_ID, '10.0.0.5')},
    )
    listing = requests_mock.get(
        API + '/floatingips',
        json={'floatingips': [neutron_fip(PORT_ID, '10.0.0.5')]},
    )
    requests_mock.get(API + '/ports/' + PORT_ID, json={'port': neutron_port()})
    assert network.get_floating_ip(FIP_ID).server_id == SERVER_ID
    assert network.find_floating_ip('172.24.4.228').id == FIP_ID
    assert listing.last_request.qs == {'floating_ip_address': ['172.24.4.228']}


def test_find_of_an_unknown_address(network, requests_mock):
    requests_mock.get(API + '/floatingips', json={'floatingips': []})
    with pytest.raises(exception.CloudNotFound, match='10.9.9.9'):
        network.find_floating_ip('10.9.9.9')


def test_disassociate_and_release(network, requests_mock):
    put = requests_mock.put(
        API + '/floatingips/' + FIP_ID, json={'floatingip': neutron_fip()}
    )
    delete = requests_mock.delete(
        API + '/floatingips/' + FIP_ID, status_code=204
    )
    assert network.disassociate_floating_ip(FIP_ID).server_id is None
    assert put.last_request.json() == {'floatingip': {'port_id': None}}
    network.release_floating_ip(FIP_ID)
    assert delete.called_once


def test_release_of_a_missing_ip_is_not_found(network, requests_mock):
    requests_mock.delete(
        API + '/floatingips/' + FIP_ID,
        **neutron_error(
            404,
            'FloatingIPNotFound',
            'Floating IP %s could not be found' % FIP_ID,
        ),
    )
    with pytest.raises(exception.CloudNotFound) as raised:
        network.release_floating_ip(FIP_ID)
    assert str(raised.value) == 'Floating IP %s could not be found' % FIP_ID


def test_floating_ip_quota_is_not_retried(network, requests_mock):
    requests_mock.get(
        API + '/networks',
        json={
            'networks': [
                {'id': PUBLIC_NET, 'name': 'public', 'router:external': True}
            ]
        },
    )
    message = "Quota exceeded for resources: ['floatingip']."
    post = requests_mock.post(
        API + '/floatingips', **neutron_error(409, 'OverQuota', message)
    )
    with pytest.raises(exception.CloudError) as raised:
        network.allocate_floating_ip()
    assert str(raised.value) == message
    assert post.call_count == 1


def neutron_rule(
    rule_id,
    direction,
    protocol=None,
    port_min=None,
    port_max=None,
    cidr=None,
    remote_group_id=None,
):
    return {
        'id': rule_id,
        'security_group_id': SG_ID,
        'direction': direction,
        'ethertype': 'IPv4',
        'protocol': protocol,
        'port_range_min': port_min,
        'port_range_max': port_max,
        'remote_ip_prefix': cidr,
        'remote_group_id': remote_group_id,
        'project_id': PROJECT,
        'description': '',
    }


def neutron_group(*rules):
    return {
        'security_group': {
            'id': SG_ID,
            'name': 'web',
            'description': 'Web servers',
            'project_id': PROJECT,
            'stateful': True,
            'tags': [],
            'security_group_rules': list(rules),
        }
    }


def test_security_group_with_rules(network, requests_mock):
    egress = neutron_rule('r-egress', 'egress')
    post = requests_mock.post(
        API + '/security-groups', status_code=201, json=neutron_group(egress)
    )
    group = network.create_security_group('web', 'Web servers')
    assert group == model.SecurityGroup(
        SG_ID,
        'web',
        'Web servers',
        (model.SecurityGroupRule('r-egress', 'egress', None, None, None),),
    )
    assert post.last_request.json() == {
        'security_group': {'name': 'web', 'description': 'Web servers'}
    }

    ssh = neutron_rule('r-ssh', 'ingress', 'tcp', 22, 22, '0.0.0.0/0')
    post_rule = requests_mock.post(
        API + '/security-group-rules',
        status_code=201,
        json={'security_group_rule': ssh},
    )
    rule = network.add_security_group_rule(
        SG_ID, 'ingress', 'tcp', 22, 22, cidr='0.0.0.0/0'
    )
    assert rule == model.SecurityGroupRule(
        'r-ssh', 'ingress', 'tcp', 22, 22, cidr='0.0.0.0/0'
    )
    sent = post_rule.last_request.json()['security_group_rule']
    assert sent['security_group_id'] == SG_ID
    assert (
        sent['direction'],
        sent['protocol'],
        sent['port_range_min'],
        sent['port_range_max'],
        sent['remote_ip_prefix'],
        sent['ethertype'],
    ) == ('ingress', 'tcp', 22, 22, '0.0.0.0/0', 'IPv4')

    requests_mock.get(
        API + '/security-groups/' + SG_ID, json=neutron_group(egress, ssh)
    )
    assert network.get_security_group(SG_ID).rules[1].port_min == 22
    delete = requests_mock.delete(
        API + '/security-groups/' + SG_ID, status_code=204
    )
    network.delete_security_group(SG_ID)
    assert delete.called_once


def test_rule_from_another_group(network, requests_mock):
    rule = neutron_rule('r1', 'ingress', 'icmp', remote_group_id='other')
    requests_mock.post(
        API + '/security-group-rules',
        status_code=201,
        json={'security_group_rule': rule},
    )
    added = network.add_security_group_rule(
        SG_ID, 'ingress', 'icmp', None, None, remote_group_id='other'
    )
    assert (added.remote_group_id, added.cidr) == ('other', None)


def test_find_security_group_by_name(network, requests_mock):
    requests_mock.get(
        API + '/security-groups/web',
        **neutron_error(
            404, 'SecurityGroupNotFound', 'Security group web does not exist'
        ),
    )
    requests_mock.get(
        API + '/security-groups',
        json={'security_groups': [neutron_group()['security_group']]},
    )
    assert network.find_security_group('web').id == SG_ID


def test_find_of_an_unknown_security_group(network, requests_mock):
    requests_mock.get(
        API + '/security-groups/nope',
        **neutron_error(
            404, 'SecurityGroupNotFound', 'Security group nope does not exist'
        ),
    )
    requests_mock.get(API + '/security-groups', json={'security_groups': []})
    with pytest.raises(exception.CloudNotFound):
        network.find_security_group('nope')


def test_group_in_use_conflict_is_retried_then_fails(network, requests_mock):
    message = 'Security Group %s in use.' % SG_ID
    delete = requests_mock.delete(
        API + '/security-groups/' + SG_ID,
        **neutron_error(409, 'SecurityGroupInUse', message),
    )
    with pytest.raises(exception.CloudError) as raised:
        network.delete_security_group(SG_ID)
    assert str(raised.value) == message
    assert delete.call_count == len(errors.RETRY_DELAYS) + 1
