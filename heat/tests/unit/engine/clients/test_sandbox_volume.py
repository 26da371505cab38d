"""The sandbox's cinder: volumes and snapshots."""

import time

import pytest

from heat.common import config
from heat.common import exception
from heat.tests.waiting import wait_until

CONF = config.CONF


def test_volume_is_creating_then_available(cloud):
    volume = cloud.volume.create_volume(2, name='data', metadata={'a': '1'})
    assert (
        volume.status,
        volume.size_gb,
        volume.name,
        volume.availability_zone,
    ) == ('creating', 2, 'data', 'nova')
    assert cloud.volume.get_volume(volume.id).status == 'available'


def volume_status(cloud, volume):
    return cloud.volume.get_volume(volume.id).status


def test_volume_stays_creating_for_build_seconds(cloud):
    # Long enough that a loaded machine still sees it creating.
    CONF.set_override('build_seconds', 1.0, group='sandbox')
    started = time.monotonic()
    volume = cloud.volume.create_volume(1)
    assert volume_status(cloud, volume) == 'creating'
    wait_until(
        lambda: volume_status(cloud, volume) != 'creating',
        what='the volume to be created',
    )
    # However fast the machine, never before its time.
    assert time.monotonic() - started >= 1.0
    assert volume_status(cloud, volume) == 'available'


@pytest.mark.parametrize('size', [0, -1, '1', 1.5])
def test_bad_size_is_refused(cloud, size):
    with pytest.raises(exception.CloudError, match='Volume size'):
        cloud.volume.create_volume(size)


def test_unknown_zone_is_refused(cloud):
    with pytest.raises(exception.CloudError, match='availability zone'):
        cloud.volume.create_volume(1, availability_zone='mars')


def test_delete_then_not_found(cloud):
    volume = cloud.volume.create_volume(1)
    cloud.volume.delete_volume(volume.id)
    with pytest.raises(exception.CloudNotFound, match=volume.id):
        cloud.volume.get_volume(volume.id)
    with pytest.raises(exception.CloudNotFound):
        cloud.volume.delete_volume(volume.id)


def test_delete_of_an_in_use_volume_is_refused(cloud):
    server = cloud.compute.create_server('web', 'cirros', 'm1.tiny')
    cloud.compute.get_server(server.id)
    volume = cloud.volume.create_volume(1)
    cloud.compute.attach_volume(server.id, volume.id)
    with pytest.raises(exception.CloudError, match='in-use') as caught:
        cloud.volume.delete_volume(volume.id)
    assert not isinstance(caught.value, exception.CloudNotFound)
    assert cloud.volume.get_volume(volume.id).status == 'in-use'
    cloud.compute.detach_volume(server.id, volume.id)
    cloud.volume.delete_volume(volume.id)


def test_snapshot_is_creating_then_available(cloud):
    volume = cloud.volume.create_volume(3)
    # Long enough that a loaded machine still sees it creating.
    CONF.set_override('build_seconds', 1.0, group='sandbox')
    snapshot = cloud.volume.create_snapshot(volume.id, name='backup')
    assert (snapshot.volume_id, snapshot.status) == (volume.id, 'creating')
    assert cloud.volume.get_snapshot(snapshot.id).status == 'creating'
    wait_until(
        lambda: cloud.volume.get_snapshot(snapshot.id).status != 'creating',
        what='the snapshot to be made',
    )
    assert cloud.volume.get_snapshot(snapshot.id).status == 'available'


def test_snapshot_outlives_its_volume_and_makes_volumes(cloud):
    volume = cloud.volume.create_volume(3)
    snapshot = cloud.volume.create_snapshot(volume.id)
    cloud.volume.delete_volume(volume.id)
    assert cloud.volume.get_snapshot(snapshot.id).status == 'available'
    restored = cloud.volume.create_volume(3, snapshot_id=snapshot.id)
    assert cloud.volume.get_volume(restored.id).status == 'available'


def test_snapshot_errors(cloud):
    with pytest.raises(exception.CloudNotFound):
        cloud.volume.create_snapshot('no-such-volume')
    with pytest.raises(exception.CloudNotFound):
        cloud.volume.get_snapshot('no-such-snapshot')
    with pytest.raises(exception.CloudNotFound):
        cloud.volume.create_volume(1, snapshot_id='no-such-snapshot')
    CONF.set_override('build_seconds', 60, group='sandbox')
    creating = cloud.volume.create_volume(1)
    with pytest.raises(exception.CloudError, match='creating'):
        cloud.volume.create_snapshot(creating.id)
