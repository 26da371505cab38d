"""The sandbox's nova: catalog, key pairs, servers and attachments."""

import time

import pytest

from heat.common import config
from heat.common import exception
from heat.db import sandbox_api
from heat.tests.waiting import wait_until

CONF = config.CONF


def boot(cloud, name='web', image='F17-x86_64-cfntools', **kwargs):
    return cloud.compute.create_server(name, image, 'm1.small', **kwargs)


def active(cloud, **kwargs):
    server = boot(cloud, **kwargs)
    assert cloud.compute.get_server(server.id).status == 'ACTIVE'
    return server


# -- catalog -------------------------------------------------------------


@pytest.mark.parametrize(
    'name',
    [
        'F16-x86_64-cfntools',
        'F17-x86_64-cfntools',
        'F17-i386-cfntools',
        'F18-x86_64-cfntools',
        'U10-x86_64-cfntools',
        'F17-x86_64',
        'F16-i686',
        'rhel63-x86_64-gold',
        'precise-server-cloudimg-amd64',
        'cirros',
    ],
)
def test_images_the_corpus_maps_to_exist(cloud, name):
    image = cloud.compute.find_image(name)
    assert image.name == name
    assert cloud.compute.find_image(image.id) == image


def test_missing_image_is_not_found(cloud):
    with pytest.raises(
        exception.CloudNotFound, match='Image F99-x86_64 not found'
    ):
        cloud.compute.find_image('F99-x86_64')


@pytest.mark.parametrize(
    'name',
    [
        'm1.tiny',
        'm1.small',
        'm1.medium',
        'm1.large',
        'm1.xlarge',
        't1.micro',
        't2.micro',
        'm2.xlarge',
        'm3.large',
        'c1.medium',
        'cc2.8xlarge',
        'hi1.4xlarge',
        'r3.8xlarge',
    ],
)
def test_flavors_of_nova_and_the_corpus_instance_types(cloud, name):
    flavor = cloud.compute.find_flavor(name)
    assert flavor.name == name and flavor.vcpus >= 1
    assert cloud.compute.find_flavor(flavor.id) == flavor


def test_m1_tiny_is_flavor_1_like_nova(cloud):
    assert cloud.compute.find_flavor('1').name == 'm1.tiny'
    with pytest.raises(exception.CloudNotFound):
        cloud.compute.find_flavor('m9.huge')


def test_every_keypair_name_exists_with_a_stable_fingerprint(cloud):
    key = cloud.compute.get_keypair('heat_key')
    assert key.name == 'heat_key'
    assert key == cloud.compute.get_keypair('heat_key')
    assert key.fingerprint != cloud.compute.get_keypair('other').fingerprint
    with pytest.raises(exception.CloudNotFound):
        cloud.compute.get_keypair('')


def test_one_availability_zone(cloud):
    assert cloud.compute.availability_zones() == ['nova']


# -- servers -------------------------------------------------------------


def test_server_builds_then_is_active_and_stays_so(cloud):
    server = boot(cloud, key_name='heat_key', metadata={'k': 'v'})
    assert server.status == 'BUILD'
    got = cloud.compute.get_server(server.id)
    assert got.status == 'ACTIVE' and got.fault is None
    assert (got.name, got.key_name, got.metadata) == (
        'web',
        'heat_key',
        {'k': 'v'},
    )
    assert got.image_id == cloud.compute.find_image('F17-x86_64-cfntools').id
    assert got.flavor_id == cloud.compute.find_flavor('m1.small').id
    assert got.availability_zone == 'nova'
    # The transition was stored, not only computed.
    assert [s.status for s in sandbox_api.server_list('demo')] == ['ACTIVE']


def status_of(cloud, server):
    return cloud.compute.get_server(server.id).status


def test_server_stays_in_build_for_build_seconds(cloud):
    # Long enough that a loaded machine still sees it building.
    CONF.set_override('build_seconds', 1.0, group='sandbox')
    started = time.monotonic()
    server = boot(cloud)
    assert status_of(cloud, server) == 'BUILD'
    wait_until(
        lambda: status_of(cloud, server) == 'ACTIVE',
        what=lambda: 'the server to build: %s' % status_of(cloud, server),
    )
    # However fast the machine, never before its time.
    assert time.monotonic() - started >= 1.0


def test_failing_image_goes_to_error_with_a_fault(cloud):
    CONF.set_override('error_images', ['F17-i386-cfntools'], group='sandbox')
    CONF.set_override('build_seconds', 0.2, group='sandbox')
    server = boot(cloud, image='F17-i386-cfntools')
    assert cloud.compute.get_server(server.id).fault is None
    wait_until(
        lambda: status_of(cloud, server) != 'BUILD',
        what='the server to finish building',
    )
    failed = cloud.compute.get_server(server.id)
    assert failed.status == 'ERROR'
    assert 'F17-i386-cfntools' in failed.fault
    assert 'error_images' in failed.fault
    CONF.set_override('build_seconds', 0, group='sandbox')
    assert active(cloud, image='F17-x86_64-cfntools')


def test_private_addresses_are_unique_and_reused_after_delete(cloud):
    CONF.set_override('private_cidr', '192.168.5.0/29', group='sandbox')
    # Hosts .1 to .6; .1 is the gateway.
    servers = [boot(cloud, name='s%d' % i) for i in range(5)]
    # Picked at random among the free: any order, never one twice.
    assert sorted(s.private_ips for s in servers) == [
        ('192.168.5.%d' % i,) for i in range(2, 7)
    ]
    with pytest.raises(
        exception.CloudError, match='No more IP addresses available'
    ):
        boot(cloud)
    cloud.compute.delete_server(servers[1].id)
    assert boot(cloud).private_ips == servers[1].private_ips


def test_bad_requests_are_refused(cloud):
    with pytest.raises(exception.CloudError, match='availability zone'):
        boot(cloud, availability_zone='mars')
    with pytest.raises(exception.CloudNotFound):
        boot(cloud, image='nope')
    with pytest.raises(exception.CloudNotFound):
        cloud.compute.create_server('x', 'cirros', 'm9.huge')
    with pytest.raises(exception.CloudNotFound, match='ghost'):
        boot(cloud, security_groups=['ghost'])
    assert sandbox_api.server_list() == []


def test_security_groups_by_name_id_or_default(cloud):
    group = cloud.network.create_security_group('web', 'HTTP')
    server = boot(cloud, security_groups=['default', 'web', group.id])
    assert server.status == 'BUILD'


def test_delete_server_releases_what_it_held(cloud):
    server = active(cloud)
    volume = cloud.volume.create_volume(1)
    cloud.compute.attach_volume(server.id, volume.id)
    fip = cloud.network.allocate_floating_ip()
    cloud.network.associate_floating_ip(fip.id, server.id)
    cloud.compute.delete_server(server.id)
    with pytest.raises(exception.CloudNotFound, match=server.id):
        cloud.compute.get_server(server.id)
    with pytest.raises(exception.CloudNotFound):
        cloud.compute.delete_server(server.id)
    detached = cloud.volume.get_volume(volume.id)
    assert (detached.status, detached.attached_server_id, detached.device) == (
        'available',
        None,
        None,
    )
    assert cloud.network.get_floating_ip(fip.id).server_id is None


# -- attachments ---------------------------------------------------------


def test_attach_picks_free_devices_and_detach_frees_them(cloud):
    server = active(cloud)
    first, second, third = (cloud.volume.create_volume(1) for _ in range(3))
    attachment = cloud.compute.attach_volume(server.id, first.id)
    assert (attachment.server_id, attachment.volume_id, attachment.device) == (
        server.id,
        first.id,
        '/dev/vdb',
    )
    assert (
        cloud.compute.attach_volume(server.id, second.id).device == '/dev/vdc'
    )
    in_use = cloud.volume.get_volume(first.id)
    assert (in_use.status, in_use.attached_server_id, in_use.device) == (
        'in-use',
        server.id,
        '/dev/vdb',
    )
    cloud.compute.detach_volume(server.id, first.id)
    assert cloud.volume.get_volume(first.id).status == 'available'
    assert (
        cloud.compute.attach_volume(server.id, third.id).device == '/dev/vdb'
    )


def test_attach_with_a_device_in_use_is_refused(cloud):
    server = active(cloud)
    first, second = (cloud.volume.create_volume(1) for _ in range(2))
    cloud.compute.attach_volume(server.id, first.id, device='/dev/vdf')
    with pytest.raises(exception.CloudError, match='in use'):
        cloud.compute.attach_volume(server.id, second.id, device='/dev/vdf')
    assert cloud.volume.get_volume(second.id).status == 'available'


def test_attach_needs_an_active_server_and_an_available_volume(cloud):
    CONF.set_override('build_seconds', 60, group='sandbox')
    building = boot(cloud)
    volume = cloud.volume.create_volume(1)
    with pytest.raises(exception.CloudError, match='BUILD'):
        cloud.compute.attach_volume(building.id, volume.id)
    CONF.set_override('build_seconds', 0, group='sandbox')
    server = active(cloud)
    with pytest.raises(exception.CloudError, match='creating'):
        cloud.compute.attach_volume(server.id, volume.id)
    ready = cloud.volume.create_volume(1)
    cloud.compute.attach_volume(server.id, ready.id)
    other = active(cloud, name='other')
    with pytest.raises(exception.CloudError, match='in-use'):
        cloud.compute.attach_volume(other.id, ready.id)
    with pytest.raises(exception.CloudNotFound):
        cloud.compute.attach_volume(server.id, 'no-such-volume')


def test_detach_of_a_volume_not_attached_there_is_not_found(cloud):
    server, other = active(cloud), active(cloud, name='other')
    volume = cloud.volume.create_volume(1)
    with pytest.raises(exception.CloudNotFound):
        cloud.compute.detach_volume(server.id, volume.id)
    cloud.compute.attach_volume(server.id, volume.id)
    with pytest.raises(exception.CloudNotFound):
        cloud.compute.detach_volume(other.id, volume.id)
    assert cloud.volume.get_volume(volume.id).status == 'in-use'


def test_an_address_taken_meanwhile_is_picked_again(cloud, monkeypatch):
    # What a second engine racing for the same address looks like.
    taken = boot(cloud).private_ips[0]
    real = sandbox_api._free_address
    answers = iter([taken])
    monkeypatch.setattr(
        sandbox_api,
        '_free_address',
        lambda *args: next(answers, None) or real(*args),
    )
    assert boot(cloud).private_ips != (taken,)
    assert len(sandbox_api.server_list()) == 2
