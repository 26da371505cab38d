"""The cinder plugin against cinder v3's JSON, faked at the HTTP level."""

import pytest

from heat.common import context
from heat.common import exception
from heat.engine.clients import model
from heat.engine.clients import openstack
from heat.engine.clients.openstack import errors

PROJECT = 'b0c3b4f1c5d84b3fa9a3c4b9b9b0e1d2'
CINDER = 'http://cinder.test/v3/' + PROJECT
VOLUME_ID = '9a2b7c1e-4d5f-4a3b-8c6d-1e2f3a4b5c6d'
SNAPSHOT_ID = '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6'


@pytest.fixture(autouse=True)
def no_retry_pauses(monkeypatch):
    monkeypatch.setattr(errors, 'RETRY_DELAYS', (0.0, 0.0, 0.0))


@pytest.fixture
def volumes():
    ctxt = context.RequestContext(tenant=PROJECT, auth_token='user-token')
    return openstack.make_clients(ctxt, {'block-storage': CINDER}).volume


def cinder_volume(**changes):
    volume = {
        'id': VOLUME_ID,
        'name': 'data',
        'description': None,
        'size': 2,
        'status': 'available',
        'availability_zone': 'az1',
        'attachments': [],
        'bootable': 'false',
        'multiattach': False,
        'metadata': {'stack': 's1'},
        'volume_type': '__DEFAULT__',
        'encrypted': False,
        'links': [],
        'user_id': 'u1',
        'snapshot_id': None,
        'source_volid': None,
    }
    volume.update(changes)
    return {'volume': volume}


def test_create_volume_sends_the_request_cinder_expects(
    volumes, requests_mock
):
    post = requests_mock.post(
        CINDER + '/volumes',
        status_code=202,
        json=cinder_volume(status='creating'),
    )
    volume = volumes.create_volume(
        2,
        name='data',
        availability_zone='az1',
        snapshot_id=SNAPSHOT_ID,
        metadata={'stack': 's1'},
    )
    assert volume == model.Volume(
        id=VOLUME_ID,
        name='data',
        status='creating',
        size_gb=2,
        availability_zone='az1',
    )
    body = post.last_request.json()['volume']
    assert (
        body['size'],
        body['name'],
        body['availability_zone'],
        body['snapshot_id'],
        body['metadata'],
    ) == (2, 'data', 'az1', SNAPSHOT_ID, {'stack': 's1'})
    assert post.last_request.headers['X-Auth-Token'] == 'user-token'


def test_get_volume_in_use_names_server_and_device(volumes, requests_mock):
    requests_mock.get(
        CINDER + '/volumes/' + VOLUME_ID,
        json=cinder_volume(
            status='in-use',
            attachments=[
                {
                    'id': VOLUME_ID,
                    'volume_id': VOLUME_ID,
                    'server_id': 'srv',
                    'attachment_id': 'a1',
                    'host_name': None,
                    'device': '/dev/vdc',
                    'attached_at': '2026-11-22T10:00:00',
                }
            ],
        ),
    )
    volume = volumes.get_volume(VOLUME_ID)
    assert (volume.status, volume.attached_server_id, volume.device) == (
        'in-use',
        'srv',
        '/dev/vdc',
    )


def test_delete_of_a_missing_volume_is_not_found(volumes, requests_mock):
    requests_mock.delete(
        CINDER + '/volumes/' + VOLUME_ID,
        status_code=404,
        json={
            'itemNotFound': {
                'code': 404,
                'message': 'Volume %s could not be found.' % VOLUME_ID,
            }
        },
    )
    with pytest.raises(exception.CloudNotFound, match='could not be found'):
        volumes.delete_volume(VOLUME_ID)


def test_size_quota_is_the_cloud_error_text(volumes, requests_mock):
    message = (
        'VolumeSizeExceedsAvailableQuota: Requested volume or '
        'snapshot exceeds allowed gigabytes quota. Requested 200G, '
        'quota is 100G and 0G has been consumed.'
    )
    post = requests_mock.post(
        CINDER + '/volumes',
        status_code=413,
        json={
            'overLimit': {'code': 413, 'message': message, 'retryAfter': '0'}
        },
    )
    with pytest.raises(exception.CloudError) as raised:
        volumes.create_volume(200)
    assert str(raised.value) == message
    assert post.call_count == 1


def test_delete_of_a_busy_volume_fails_at_once(volumes, requests_mock):
    delete = requests_mock.delete(
        CINDER + '/volumes/' + VOLUME_ID,
        status_code=400,
        json={
            'badRequest': {
                'code': 400,
                'message': 'Invalid volume: Volume '
                'status must be available or error',
            }
        },
    )
    with pytest.raises(exception.CloudError, match='Volume status must'):
        volumes.delete_volume(VOLUME_ID)
    assert delete.call_count == 1


def test_snapshots(volumes, requests_mock):
    snapshot = {
        'id': SNAPSHOT_ID,
        'volume_id': VOLUME_ID,
        'size': 2,
        'name': 'backup',
        'description': None,
        'metadata': {},
        'created_at': '2026-11-22T10:00:00',
    }
    post = requests_mock.post(
        CINDER + '/snapshots',
        status_code=202,
        json={'snapshot': dict(snapshot, status='creating')},
    )
    requests_mock.get(
        CINDER + '/snapshots/' + SNAPSHOT_ID,
        json={'snapshot': dict(snapshot, status='available')},
    )
    assert volumes.create_snapshot(VOLUME_ID, name='backup') == model.Snapshot(
        SNAPSHOT_ID, VOLUME_ID, 'creating'
    )
    assert post.last_request.json()['snapshot']['volume_id'] == VOLUME_ID
    assert volumes.get_snapshot(SNAPSHOT_ID).status == 'available'
