"""The nova plugin against nova's and glance's JSON, faked over HTTP."""

import base64
import json

import pytest

from heat.common import context
from heat.common import exception
from heat.engine.clients import model
from heat.engine.clients import openstack
from heat.engine.clients.openstack import errors

PROJECT = 'b0c3b4f1c5d84b3fa9a3c4b9b9b0e1d2'
NOVA = 'http://nova.test/v2.1'
GLANCE = 'http://glance.test'
CINDER = 'http://cinder.test/v3/' + PROJECT
SERVER_ID = '3f8c2f4e-0a7d-4f7e-9b7c-6a1d2b3c4d5e'
IMAGE_ID = '155d900f-4e14-4e4c-a73d-069cbf4541e6'
VOLUME_ID = '9a2b7c1e-4d5f-4a3b-8c6d-1e2f3a4b5c6d'


@pytest.fixture(autouse=True)
def no_retry_pauses(monkeypatch):
    monkeypatch.setattr(errors, 'RETRY_DELAYS', (0.0, 0.0, 0.0))


@pytest.fixture
def clients():
    ctxt = context.RequestContext(tenant=PROJECT, auth_token='user-token')
    return openstack.make_clients(
        ctxt, {'compute': NOVA, 'image': GLANCE, 'block-storage': CINDER}
    )


def nova_server(**changes):
    """A server as nova 2.37 shows it."""
    server = {
        'id': SERVER_ID,
        'name': 'web',
        'status': 'ACTIVE',
        'tenant_id': PROJECT,
        'user_id': 'u1',
        'hostId': 'abc',
        'OS-EXT-AZ:availability_zone': 'nova',
        'OS-EXT-STS:vm_state': 'active',
        'key_name': 'ops',
        'metadata': {'role': 'web'},
        'image': {'id': IMAGE_ID, 'links': []},
        'flavor': {'id': '1', 'links': []},
        'addresses': {
            'private': [
                {
                    'version': 4,
                    'addr': '10.0.0.5',
                    'OS-EXT-IPS:type': 'fixed',
                    'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:01',
                },
                {
                    'version': 4,
                    'addr': '172.24.4.10',
                    'OS-EXT-IPS:type': 'floating',
                    'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:01',
                },
            ]
        },
        'links': [],
        'security_groups': [{'name': 'default'}],
    }
    server.update(changes)
    return {'server': server}


def test_create_server_posts_what_nova_expects(clients, requests_mock):
    post = requests_mock.post(
        NOVA + '/servers',
        status_code=202,
        json={
            'server': {
                'id': SERVER_ID,
                'links': [],
                'adminPass': 'x',
                'OS-DCF:diskConfig': 'MANUAL',
                'security_groups': [{'name': 'web'}],
            }
        },
    )
    server = clients.compute.create_server(
        'web',
        IMAGE_ID,
        '1',
        key_name='ops',
        user_data='#!/bin/sh\necho hi',
        security_groups=('web',),
        availability_zone='nova',
        metadata={'role': 'web'},
    )
    assert server == model.Server(
        id=SERVER_ID,
        name='web',
        status='BUILD',
        fault=None,
        availability_zone='nova',
        metadata={'role': 'web'},
        image_id=IMAGE_ID,
        flavor_id='1',
        key_name='ops',
    )
    request = post.last_request
    assert request.headers['X-Auth-Token'] == 'user-token'
    assert request.headers['X-OpenStack-Nova-API-Version'] == '2.37'
    body = request.json()['server']
    assert body['name'] == 'web'
    assert body['imageRef'] == IMAGE_ID
    assert body['flavorRef'] == '1'
    assert body['networks'] == 'auto'
    assert body['security_groups'] == [{'name': 'web'}]
    assert body['metadata'] == {'role': 'web'}
    assert base64.b64decode(body['user_data']) == b'#!/bin/sh\necho hi'


def test_get_server_maps_addresses_image_and_flavor(clients, requests_mock):
    requests_mock.get(NOVA + '/servers/' + SERVER_ID, json=nova_server())
    server = clients.compute.get_server(SERVER_ID)
    assert server.status == 'ACTIVE'
    assert server.fault is None
    assert server.private_ips == ('10.0.0.5',)
    assert server.floating_ips == ('172.24.4.10',)
    assert (server.image_id, server.flavor_id) == (IMAGE_ID, '1')
    assert server.availability_zone == 'nova'
    assert server.key_name == 'ops'
    assert server.metadata == {'role': 'web'}


def test_server_in_error_carries_novas_fault(clients, requests_mock):
    fault = 'No valid host was found. There are not enough hosts available.'
    requests_mock.get(
        NOVA + '/servers/' + SERVER_ID,
        json=nova_server(
            status='ERROR',
            addresses={},
            fault={
                'code': 500,
                'created': '2026-11-22T10:00:00Z',
                'message': fault,
            },
        ),
    )
    server = clients.compute.get_server(SERVER_ID)
    assert server.status == 'ERROR'
    assert server.fault == fault
    assert server.private_ips == ()


def test_server_booted_from_volume_has_no_image(clients, requests_mock):
    requests_mock.get(
        NOVA + '/servers/' + SERVER_ID, json=nova_server(image='')
    )
    assert clients.compute.get_server(SERVER_ID).image_id is None


def test_delete_server_then_gone(clients, requests_mock):
    delete = requests_mock.delete(
        NOVA + '/servers/' + SERVER_ID, status_code=204
    )
    requests_mock.get(
        NOVA + '/servers/' + SERVER_ID,
        status_code=404,
        json={
            'itemNotFound': {
                'code': 404,
                'message': 'Instance %s could not be found.' % SERVER_ID,
            }
        },
    )
    clients.compute.delete_server(SERVER_ID)
    assert delete.called_once
    with pytest.raises(exception.CloudNotFound) as raised:
        clients.compute.get_server(SERVER_ID)
    assert str(raised.value) == 'Instance %s could not be found.' % SERVER_ID


def test_delete_of_a_missing_server_is_not_found(clients, requests_mock):
    requests_mock.delete(
        NOVA + '/servers/' + SERVER_ID,
        status_code=404,
        json={'itemNotFound': {'code': 404, 'message': 'Instance gone'}},
    )
    with pytest.raises(exception.CloudNotFound, match='Instance gone'):
        clients.compute.delete_server(SERVER_ID)


def test_quota_error_is_the_cloud_error_text_and_not_retried(
    clients, requests_mock
):
    message = (
        'Quota exceeded for instances: Requested 1, but already '
        'used 10 of 10 instances'
    )
    post = requests_mock.post(
        NOVA + '/servers',
        status_code=403,
        json={'forbidden': {'code': 403, 'message': message}},
    )
    with pytest.raises(exception.CloudError) as raised:
        clients.compute.create_server('web', IMAGE_ID, '1')
    assert not isinstance(raised.value, exception.CloudNotFound)
    assert str(raised.value) == message
    assert post.call_count == 1


def test_bad_request_fails_at_once_with_novas_message(clients, requests_mock):
    post = requests_mock.post(
        NOVA + '/servers',
        status_code=400,
        json={
            'badRequest': {
                'code': 400,
                'message': 'Invalid key_name provided.',
            }
        },
    )
    with pytest.raises(
        exception.CloudError, match='^Invalid key_name provided.$'
    ):
        clients.compute.create_server('web', IMAGE_ID, '1', key_name='no')
    assert post.call_count == 1


def test_attach_retries_a_conflict_then_succeeds(clients, requests_mock):
    conflict = {
        'conflictingRequest': {
            'code': 409,
            'message': (
                "Cannot 'attach_volume' instance %s while it is in task_state "
                'spawning' % SERVER_ID
            ),
        }
    }
    attach = requests_mock.post(
        NOVA + '/servers/%s/os-volume_attachments' % SERVER_ID,
        [
            {'status_code': 409, 'json': conflict},
            {'status_code': 409, 'json': conflict},
            {
                'status_code': 200,
                'json': {
                    'volumeAttachment': {
                        'id': VOLUME_ID,
                        'volumeId': VOLUME_ID,
                        'serverId': SERVER_ID,
                        'device': '/dev/vdb',
                    }
                },
            },
        ],
    )
    attachment = clients.compute.attach_volume(
        SERVER_ID, VOLUME_ID, '/dev/vdb'
    )
    assert attachment == model.Attachment(SERVER_ID, VOLUME_ID, '/dev/vdb')
    assert attach.call_count == 3
    assert attach.last_request.json() == {
        'volumeAttachment': {'volumeId': VOLUME_ID, 'device': '/dev/vdb'}
    }


def test_conflict_that_lasts_becomes_a_cloud_error(clients, requests_mock):
    delete = requests_mock.delete(
        NOVA + '/servers/' + SERVER_ID,
        status_code=409,
        json={
            'conflictingRequest': {
                'code': 409,
                'message': 'Instance is locked',
            }
        },
    )
    with pytest.raises(exception.CloudError, match='Instance is locked'):
        clients.compute.delete_server(SERVER_ID)
    assert delete.call_count == len(errors.RETRY_DELAYS) + 1


def test_unavailable_service_is_retried(clients, requests_mock):
    requests_mock.get(
        NOVA + '/servers/' + SERVER_ID,
        [
            {'status_code': 503, 'text': 'Service Unavailable'},
            {'status_code': 200, 'json': nova_server()},
        ],
    )
    assert clients.compute.get_server(SERVER_ID).status == 'ACTIVE'


def test_volume_create_attach_detach_delete(clients, requests_mock):
    cinder_volume = {
        'id': VOLUME_ID,
        'name': 'data',
        'size': 1,
        'status': 'creating',
        'availability_zone': 'nova',
        'attachments': [],
        'bootable': 'false',
        'multiattach': False,
        'metadata': {},
        'links': [],
        'volume_type': '__DEFAULT__',
        'encrypted': False,
    }
    requests_mock.post(
        CINDER + '/volumes', status_code=202, json={'volume': cinder_volume}
    )
    created = clients.volume.create_volume(1, name='data')
    assert created.status == 'creating'

    requests_mock.post(
        NOVA + '/servers/%s/os-volume_attachments' % SERVER_ID,
        json={
            'volumeAttachment': {
                'id': VOLUME_ID,
                'volumeId': VOLUME_ID,
                'serverId': SERVER_ID,
                'device': '/dev/vdb',
            }
        },
    )
    clients.compute.attach_volume(SERVER_ID, VOLUME_ID)
    in_use = dict(
        cinder_volume,
        status='in-use',
        attachments=[
            {
                'id': VOLUME_ID,
                'volume_id': VOLUME_ID,
                'server_id': SERVER_ID,
                'attachment_id': 'a1',
                'host_name': None,
                'device': '/dev/vdb',
            }
        ],
    )
    requests_mock.get(
        CINDER + '/volumes/' + VOLUME_ID, json={'volume': in_use}
    )
    volume = clients.volume.get_volume(VOLUME_ID)
    assert (volume.status, volume.attached_server_id, volume.device) == (
        'in-use',
        SERVER_ID,
        '/dev/vdb',
    )

    detach = requests_mock.delete(
        NOVA + '/servers/%s/os-volume_attachments/%s' % (SERVER_ID, VOLUME_ID),
        status_code=202,
    )
    clients.compute.detach_volume(SERVER_ID, VOLUME_ID)
    assert detach.called_once
    delete = requests_mock.delete(
        CINDER + '/volumes/' + VOLUME_ID, status_code=202
    )
    clients.volume.delete_volume(VOLUME_ID)
    assert delete.called_once


def test_find_image_by_name_asks_glance(clients, requests_mock):
    requests_mock.get(
        GLANCE + '/v2/images/cirros', status_code=404, text='404 Not Found'
    )
    listing = requests_mock.get(
        GLANCE + '/v2/images?name=cirros',
        json={
            'images': [{'id': IMAGE_ID, 'name': 'cirros', 'status': 'active'}],
            'first': '/v2/images',
            'schema': '/v2/schemas/images',
        },
    )
    assert clients.compute.find_image('cirros') == model.Image(
        IMAGE_ID, 'cirros'
    )
    assert listing.last_request.qs == {'name': ['cirros']}


def test_find_image_by_id(clients, requests_mock):
    requests_mock.get(
        GLANCE + '/v2/images/' + IMAGE_ID,
        json={'id': IMAGE_ID, 'name': 'cirros'},
    )
    assert clients.compute.find_image(IMAGE_ID).name == 'cirros'


def test_find_image_missing_or_ambiguous(clients, requests_mock):
    requests_mock.get(GLANCE + '/v2/images/F', status_code=404)
    requests_mock.get(GLANCE + '/v2/images?name=F', json={'images': []})
    with pytest.raises(exception.CloudNotFound, match='^Image F not found$'):
        clients.compute.find_image('F')
    requests_mock.get(
        GLANCE + '/v2/images?name=F',
        json={'images': [{'id': 'a', 'name': 'F'}, {'id': 'b', 'name': 'F'}]},
    )
    with pytest.raises(exception.CloudError, match='More than one'):
        clients.compute.find_image('F')


def nova_flavor(flavor_id, name):
    return {
        'id': flavor_id,
        'name': name,
        'vcpus': 1,
        'ram': 512,
        'disk': 1,
        'swap': '',
        'OS-FLV-EXT-DATA:ephemeral': 0,
        'os-flavor-access:is_public': True,
        'rxtx_factor': 1.0,
        'links': [],
    }


def test_find_flavor_by_name_and_id(clients, requests_mock):
    requests_mock.get(
        NOVA + '/flavors/m1.tiny',
        status_code=404,
        json={
            'itemNotFound': {
                'code': 404,
                'message': 'Flavor m1.tiny could not be found.',
            }
        },
    )
    requests_mock.get(
        NOVA + '/flavors/detail',
        json={
            'flavors': [
                nova_flavor('1', 'm1.tiny'),
                nova_flavor('2', 'm1.small'),
            ]
        },
    )
    requests_mock.get(
        NOVA + '/flavors/2', json={'flavor': nova_flavor('2', 'm1.small')}
    )
    assert clients.compute.find_flavor('m1.tiny') == model.Flavor(
        '1', 'm1.tiny', vcpus=1, ram_mb=512, disk_gb=1
    )
    assert clients.compute.find_flavor('2').name == 'm1.small'


def test_find_flavor_missing(clients, requests_mock):
    requests_mock.get(
        NOVA + '/flavors/huge',
        status_code=404,
        json={'itemNotFound': {'code': 404, 'message': 'not found'}},
    )
    requests_mock.get(NOVA + '/flavors/detail', json={'flavors': []})
    with pytest.raises(exception.CloudNotFound, match='Flavor huge'):
        clients.compute.find_flavor('huge')


def test_keypair_and_availability_zones(clients, requests_mock):
    requests_mock.get(
        NOVA + '/os-keypairs/ops',
        json={
            'keypair': {
                'name': 'ops',
                'fingerprint': '1e:2c:9b',
                'public_key': 'ssh-rsa A',
                'user_id': 'u1',
                'type': 'ssh',
            }
        },
    )
    requests_mock.get(
        NOVA + '/os-availability-zone',
        json={
            'availabilityZoneInfo': [
                {
                    'zoneName': 'nova',
                    'zoneState': {'available': True},
                    'hosts': None,
                },
                {
                    'zoneName': 'broken',
                    'zoneState': {'available': False},
                    'hosts': None,
                },
            ]
        },
    )
    assert clients.compute.get_keypair('ops') == model.Keypair(
        'ops', '1e:2c:9b'
    )
    assert clients.compute.availability_zones() == ['nova']


def test_user_data_is_sent_once_encoded(clients, requests_mock):
    post = requests_mock.post(
        NOVA + '/servers', status_code=202, json={'server': {'id': SERVER_ID}}
    )
    clients.compute.create_server('web', IMAGE_ID, '1', user_data='héllo')
    body = json.loads(post.last_request.body)['server']
    assert base64.b64decode(body['user_data']).decode() == 'héllo'
