"""The compute and volume plugins against a real nova on loopback.

The nova (fake virt driver, one process, see heat.tests.nova_fixture) has
no keystone and no glance: the plugins get explicit endpoints, and the
server boots from one of the images nova's fixtures hold, by id.  Stacks
with an AWS::EC2::Instance on this nova are in test_nova_instance.py.
"""

import uuid

import pytest

from heat.common import context
from heat.common import exception
from heat.engine.clients import openstack
from heat.tests import nova_fixture
from heat.tests.waiting import wait_until

nova = nova_fixture.nova

pytestmark = pytest.mark.slow

# Raw x86_64 in nova's image fixture.
IMAGE_ID = '155d900f-4e14-4e4c-a73d-069cbf4541e6'
WAIT_SECONDS = 60


@pytest.fixture(scope='module')
def clients(nova):
    ctxt = context.RequestContext(
        tenant=nova_fixture.PROJECT_ID, auth_token=nova.token
    )
    return openstack.make_clients(
        ctxt, {'compute': nova.url, 'block-storage': nova.volume_url}
    )


def wait_for(read, done, what):
    """read()'s value once done(value); bounded by WAIT_SECONDS."""
    last = []

    def happened():
        last[:] = [read()]
        return done(last[0]) and last

    return wait_until(
        happened,
        timeout=WAIT_SECONDS,
        interval=0.2,
        what=lambda: '%s: last %r' % (what, last),
    )[0]


def wait_gone(read):
    def gone():
        try:
            read()
        except exception.CloudNotFound:
            return True
        return False

    wait_until(
        gone, timeout=WAIT_SECONDS, interval=0.2, what='the object to go'
    )


def nova_server_ids(clients, nova):
    response = clients.cloud.session.get(nova.url + '/servers')
    return [server['id'] for server in response.json()['servers']]


def test_server_with_a_volume_from_create_to_delete(clients, nova):
    compute, volumes = clients.compute, clients.volume
    assert IMAGE_ID in nova.images
    flavor = compute.find_flavor('m1.tiny')
    assert (flavor.name, flavor.vcpus, flavor.ram_mb) == ('m1.tiny', 1, 512)

    created = compute.create_server(
        'heat-test-vm', IMAGE_ID, flavor.id, metadata={'stack': 'functional'}
    )
    assert created.status == 'BUILD'
    server = wait_for(
        lambda: compute.get_server(created.id),
        lambda s: s.status in ('ACTIVE', 'ERROR'),
        'server ACTIVE',
    )
    assert (server.status, server.fault) == ('ACTIVE', None)
    assert (server.image_id, server.flavor_id) == (IMAGE_ID, flavor.id)
    assert server.metadata == {'stack': 'functional'}
    assert server.availability_zone == 'nova'

    volume = volumes.create_volume(1, name='heat-test-data')
    wait_for(
        lambda: volumes.get_volume(volume.id),
        lambda v: v.status == 'available',
        'volume available',
    )
    attachment = compute.attach_volume(server.id, volume.id)
    assert (attachment.server_id, attachment.volume_id) == (
        server.id,
        volume.id,
    )
    attached = wait_for(
        lambda: volumes.get_volume(volume.id),
        lambda v: v.status == 'in-use',
        'volume in-use',
    )
    assert attached.attached_server_id == server.id

    compute.detach_volume(server.id, volume.id)
    detached = wait_for(
        lambda: volumes.get_volume(volume.id),
        lambda v: v.status == 'available',
        'volume detached',
    )
    assert detached.attached_server_id is None
    volumes.delete_volume(volume.id)
    wait_gone(lambda: volumes.get_volume(volume.id))

    compute.delete_server(server.id)
    wait_gone(lambda: compute.get_server(server.id))
    assert server.id not in nova_server_ids(clients, nova)
    assert nova_server_ids(clients, nova) == []


def test_missing_objects_are_not_found(clients):
    missing = str(uuid.uuid4())
    with pytest.raises(exception.CloudNotFound):
        clients.compute.delete_server(missing)
    with pytest.raises(exception.CloudNotFound):
        clients.compute.get_server(missing)
    with pytest.raises(exception.CloudNotFound):
        clients.volume.delete_volume(missing)
    with pytest.raises(exception.CloudNotFound, match='Flavor m9.huge'):
        clients.compute.find_flavor('m9.huge')


def test_keypair_and_availability_zone(clients):
    assert 'nova' in clients.compute.availability_zones()
    with pytest.raises(exception.CloudNotFound):
        clients.compute.get_keypair('no-such-keypair')


def test_bad_request_carries_novas_message(clients):
    with pytest.raises(exception.CloudError) as raised:
        clients.compute.create_server('bad', IMAGE_ID, 'no-such-flavor')
    # nova answers 400, not 404: the flavor is a bad argument here.
    assert not isinstance(raised.value, exception.CloudNotFound)
    assert str(raised.value) == 'Flavor no-such-flavor could not be found.'
