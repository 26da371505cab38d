"""The sandbox as a whole: backend choice, tenants, persistence, threads."""

import concurrent.futures

import pytest

from heat.common import config
from heat.common import context
from heat.common import exception
from heat.db import connection
from heat.db import sandbox_api
from heat.engine import clients
from heat.engine.clients import sandbox
from heat.engine.clients.sandbox import inventory

CONF = config.CONF


def clients_of(tenant):
    return clients.for_context(context.RequestContext(tenant=tenant))


@pytest.fixture
def demo(heat_db):
    CONF.set_override('build_seconds', 0, group='sandbox')
    yield clients_of('demo')
    CONF.clear_override('build_seconds', group='sandbox')


def test_sandbox_is_the_default_backend(demo):
    assert isinstance(demo, sandbox.SandboxClients)
    assert isinstance(
        clients.for_context(
            context.RequestContext(tenant='demo'), backend='sandbox'
        ),
        sandbox.SandboxClients,
    )


def test_other_tenants_see_nothing(demo):
    server = demo.compute.create_server('web', 'cirros', 'm1.tiny')
    volume = demo.volume.create_volume(1)
    snapshot = demo.volume.create_snapshot(volume.id)
    fip = demo.network.allocate_floating_ip()
    group = demo.network.create_security_group('web', '')
    other = clients_of('other')
    lookups = [
        (other.compute.get_server, server.id),
        (other.compute.delete_server, server.id),
        (other.volume.get_volume, volume.id),
        (other.volume.delete_volume, volume.id),
        (other.volume.get_snapshot, snapshot.id),
        (other.network.get_floating_ip, fip.id),
        (other.network.find_floating_ip, fip.address),
        (other.network.release_floating_ip, fip.id),
        (other.network.get_security_group, group.id),
        (other.network.find_security_group, 'web'),
        (other.network.delete_security_group, group.id),
    ]
    for call, object_id in lookups:
        with pytest.raises(exception.CloudNotFound):
            call(object_id)
    with pytest.raises(exception.CloudNotFound):
        other.network.associate_floating_ip(
            other.network.allocate_floating_ip().id, server.id
        )
    own = other.compute.create_server('own', 'cirros', 'm1.tiny')
    with pytest.raises(exception.CloudNotFound):
        other.compute.attach_volume(own.id, volume.id)
    assert demo.compute.get_server(server.id).status == 'ACTIVE'
    assert [s['name'] for s in inventory.describe('demo')['servers']] == [
        'web'
    ]


def test_state_survives_a_new_connection(demo, heat_db):
    server = demo.compute.create_server('web', 'cirros', 'm1.tiny')
    connection.configure(heat_db)
    assert clients_of('demo').compute.get_server(server.id).id == server.id


def test_many_threads_create_and_delete_servers(demo):
    def build_and_destroy(number):
        compute = clients_of('tenant-%d' % (number % 4)).compute
        server = compute.create_server('s%d' % number, 'cirros', 'm1.tiny')
        assert compute.get_server(server.id).status == 'ACTIVE'
        return server

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        servers = list(pool.map(build_and_destroy, range(100)))
    addresses = {server.private_ips for server in servers}
    assert len(addresses) == 100
    assert len(sandbox_api.server_list()) == 100

    def delete(server):
        number = int(server.name[1:])
        clients_of('tenant-%d' % (number % 4)).compute.delete_server(server.id)

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        list(pool.map(delete, servers))
    assert sandbox_api.server_list() == []


def test_describe_lists_everything_with_the_catalog(demo):
    server = demo.compute.create_server('web', 'cirros', 'm1.tiny')
    volume = demo.volume.create_volume(1)
    demo.compute.get_server(server.id)
    demo.compute.attach_volume(server.id, volume.id)
    fip = demo.network.allocate_floating_ip()
    clients_of('other').network.create_security_group('sg', 'd')
    everything = inventory.describe()
    assert [s['status'] for s in everything['servers']] == ['ACTIVE']
    assert everything['attachments'] == [
        {
            'server_id': server.id,
            'volume_id': volume.id,
            'device': '/dev/vdb',
            'status': 'attached',
        }
    ]
    assert everything['floating_ips'][0]['address'] == fip.address
    assert [g['tenant'] for g in everything['security_groups']] == ['other']
    assert everything['availability_zones'] == ['nova']
    assert {'F17-x86_64-cfntools', 'cirros'} <= {
        image['name'] for image in everything['images']
    }
    assert inventory.describe('nobody')['servers'] == []
