"""AWS::EC2::Instance in stacks run by the engine on a real nova.

The nova of heat.tests.nova_fixture has no glance: a small image service
on loopback answers glance's two lookups the compute plugin makes, with the
images nova itself knows (read through nova's image proxy).  The stacks
run as an engine worker runs them, with the OpenStack client plugins
pointed at the harness's endpoints.
"""

import base64
import email
import http.server
import json
import threading
import urllib.parse
import uuid

import pytest

from heat.common import config
from heat.common import context
from heat.db import api as db_api
from heat.engine import operations
from heat.engine import scheduler
from heat.engine import stack as stack_mod
from heat.engine import template as template_mod
from heat.engine.clients import openstack
from heat.tests import nova_fixture
from heat.tests.waiting import wait_until

nova = nova_fixture.nova

pytestmark = pytest.mark.slow

CONF = config.CONF
# Raw x86_64 in nova's image fixture; many images share its name.
IMAGE_ID = '155d900f-4e14-4e4c-a73d-069cbf4541e6'
# An x86_64 image of the fixture whose name is its own.
IMAGE_NAME = 'fakeimage6'
# The last microversion with nova's image proxy.
IMAGE_PROXY_MICROVERSION = '2.35'
SCRIPT = '#!/bin/sh\necho "configured by heat" > /tmp/heat\n'


class ImageHandler(http.server.BaseHTTPRequestHandler):
    """glance v2's image show and image list by name, nothing else."""

    images = {}

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path == '/v2/images':
            name = urllib.parse.parse_qs(url.query).get('name', [None])[0]
            self._answer(
                200,
                {
                    'images': [
                        image
                        for image in self.images.values()
                        if name is None or image['name'] == name
                    ]
                },
            )
        elif url.path.startswith('/v2/images/'):
            image = self.images.get(url.path[len('/v2/images/') :])
            self._answer(
                200 if image else 404, image or {'message': 'No image found'}
            )
        else:
            self._answer(404, {'message': 'Not found'})

    def _answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def nova_get(session, nova, path, microversion=None):
    headers = {}
    if microversion is not None:
        headers['X-OpenStack-Nova-API-Version'] = microversion
    return session.get(nova.url + path, headers=headers).json()


@pytest.fixture(scope='module')
def image_service(nova):
    ctxt = context.RequestContext(
        tenant=nova_fixture.PROJECT_ID, auth_token=nova.token
    )
    session = openstack.make_clients(ctxt, {'compute': nova.url}).cloud.session
    listing = nova_get(
        session, nova, '/images/detail', IMAGE_PROXY_MICROVERSION
    )
    handler = type(
        'Images',
        (ImageHandler,),
        {
            'images': {
                image['id']: {'id': image['id'], 'name': image['name']}
                for image in listing['images']
            }
        },
    )
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield 'http://127.0.0.1:%d' % server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def cloud(heat_db, nova, image_service, monkeypatch):
    """OpenStack clients for the harness, and the stack's keys."""
    CONF.set_override('backend', 'openstack', group='clients')
    monkeypatch.setattr(
        stack_mod.Stack,
        'stack_credentials',
        lambda self: ('AKIAFUNCTIONAL', 'functional-secret'),
        raising=False,
    )
    ctxt = context.RequestContext(
        tenant=nova_fixture.PROJECT_ID, user='admin', auth_token=nova.token
    )
    clients = openstack.make_clients(
        ctxt,
        {
            'compute': nova.url,
            'block-storage': nova.volume_url,
            'image': image_service,
        },
    )
    yield ctxt, clients
    CONF.clear_override('backend', group='clients')


@pytest.fixture
def keypair(cloud, nova):
    _ctxt, clients = cloud
    name = 'heat-test-%s' % uuid.uuid4().hex[:8]
    clients.cloud.session.post(
        nova.url + '/os-keypairs', json={'keypair': {'name': name}}
    )
    yield name
    clients.cloud.session.delete(nova.url + '/os-keypairs/' + name)


@pytest.fixture
def huge_flavor(cloud, nova):
    """A flavor no compute host can hold: its servers go to ERROR."""
    _ctxt, clients = cloud
    name = 'heat-test-huge-%s' % uuid.uuid4().hex[:8]
    flavor = clients.cloud.session.post(
        nova.url + '/flavors',
        json={
            'flavor': {
                'name': name,
                'ram': 64 * 1024 * 1024,
                'vcpus': 1,
                'disk': 1,
            }
        },
    ).json()['flavor']
    yield name
    clients.cloud.session.delete(nova.url + '/flavors/' + flavor['id'])


def new_stack(cloud, body, name):
    ctxt, clients = cloud
    stack = stack_mod.Stack.new(
        ctxt, name, template_mod.Template(body), {}, {}
    )
    # The harness's endpoints, where a deployment would use the catalog.
    stack.clients = clients
    stack.validate()
    stack.store()
    return stack


def run(operation, stack):
    with scheduler.CallPool(8) as pool:
        operation(stack, operations.Operation(pool, threading.Event()))


def status(stack):
    row = db_api.stack_get(stack.row.id, show_deleted=True)
    return '%s_%s' % (row.action, row.status), row.status_reason


def failures(stack):
    """The reasons of the stack's FAILED events, for assertion messages."""
    return [
        (e.resource_name, e.resource_status_reason)
        for e in db_api.event_list(stack.row.id)
        if e.resource_status == 'FAILED'
    ]


def nova_servers(cloud, nova):
    _ctxt, clients = cloud
    return nova_get(clients.cloud.session, nova, '/servers')['servers']


def assert_no_servers_left(cloud, nova):
    # Nova answers 404 for a server that never found a host a moment
    # before its list stops showing it.
    wait_until(
        lambda: not nova_servers(cloud, nova),
        interval=0.1,
        what=lambda: 'no servers left: %s' % nova_servers(cloud, nova),
    )


def user_data_parts(cloud, nova, server_id):
    """The user data nova holds for the server, part by part."""
    _ctxt, clients = cloud
    server = nova_get(
        clients.cloud.session, nova, '/servers/' + server_id, '2.3'
    )['server']
    message = email.message_from_bytes(
        base64.b64decode(server['OS-EXT-SRV-ATTR:user_data'])
    )
    return {
        part.get_filename(): part.get_payload(decode=True).decode(
            part.get_content_charset()
        )
        for part in message.get_payload()
    }


def instance(**props):
    props.setdefault('ImageId', IMAGE_ID)
    props.setdefault('InstanceType', 'm1.tiny')
    return {'Type': 'AWS::EC2::Instance', 'Properties': props}


def test_instance_with_volumes_from_create_to_delete(cloud, nova, keypair):
    body = {
        'Resources': {
            'Web': dict(
                instance(
                    ImageId=IMAGE_NAME,
                    KeyName=keypair,
                    UserData={'Fn::Base64': SCRIPT},
                    AvailabilityZone='nova',
                    Tags=[{'Key': 'Role', 'Value': 'web'}],
                    Volumes=[
                        {'VolumeId': {'Ref': 'Data'}, 'Device': '/dev/vdb'}
                    ],
                ),
                Metadata={
                    'AWS::CloudFormation::Init': {
                        'config': {
                            'files': {
                                '/tmp/stack': {
                                    'content': {'Ref': 'AWS::StackName'}
                                }
                            }
                        }
                    }
                },
            ),
            'Data': {
                'Type': 'AWS::EC2::Volume',
                'Properties': {'Size': 1, 'AvailabilityZone': 'nova'},
            },
            'Logs': {
                'Type': 'AWS::EC2::Volume',
                'Properties': {'Size': 1, 'AvailabilityZone': 'nova'},
            },
            'LogsOnWeb': {
                'Type': 'AWS::EC2::VolumeAttachment',
                'Properties': {
                    'InstanceId': {'Ref': 'Web'},
                    'VolumeId': {'Ref': 'Logs'},
                    'Device': '/dev/vdc',
                },
            },
        },
        'Outputs': {
            'Address': {'Value': {'Fn::GetAtt': ['Web', 'PublicIp']}},
            'Zone': {'Value': {'Fn::GetAtt': ['Web', 'AvailabilityZone']}},
        },
    }
    stack = new_stack(cloud, body, 'nova-wiki')
    run(operations.create, stack)
    assert status(stack) == (
        'CREATE_COMPLETE',
        'Stack CREATE completed successfully',
    ), failures(stack)

    _ctxt, clients = cloud
    web = stack.resources['Web']
    server = clients.compute.get_server(web.resource_id)
    assert server.status == 'ACTIVE'
    assert server.name.startswith('nova-wiki-Web-')
    assert (server.image_id, server.key_name) == (
        clients.compute.find_image(IMAGE_NAME).id,
        keypair,
    )
    assert server.metadata == {'Role': 'web'}
    assert server.private_ips
    outputs = {o['OutputKey']: o['OutputValue'] for o in stack.outputs()}
    assert outputs == {'Address': server.private_ips[0], 'Zone': 'nova'}

    parts = user_data_parts(cloud, nova, web.resource_id)
    assert parts['cfn-userdata'] == SCRIPT
    assert json.loads(parts['cfn-init-data']) == {
        'AWS::CloudFormation::Init': {
            'config': {'files': {'/tmp/stack': {'content': 'nova-wiki'}}}
        }
    }
    assert parts['cfn-credentials'] == (
        'AWSAccessKeyId=AKIAFUNCTIONAL\nAWSSecretKey=functional-secret\n'
    )

    for name in ('Data', 'Logs'):
        volume = clients.volume.get_volume(stack.resources[name].resource_id)
        assert (volume.status, volume.attached_server_id) == (
            'in-use',
            web.resource_id,
        )

    run(operations.delete, stack)
    assert status(stack)[0] == 'DELETE_COMPLETE'
    assert nova_servers(cloud, nova) == []


def test_server_in_error_fails_with_novas_fault_and_rolls_back(
    cloud, nova, huge_flavor
):
    stack = new_stack(
        cloud,
        {'Resources': {'Web': instance(InstanceType=huge_flavor)}},
        'nova-huge',
    )
    run(operations.create, stack)
    assert status(stack)[0] == 'ROLLBACK_COMPLETE'
    failed = [
        e.resource_status_reason
        for e in db_api.event_list(stack.row.id)
        if (e.resource_name, e.resource_action, e.resource_status)
        == ('Web', 'CREATE', 'FAILED')
    ]
    assert len(failed) == 1
    assert 'went to status ERROR: No valid host was found' in failed[0]
    assert_no_servers_left(cloud, nova)


def test_unknown_image_fails_before_any_server(cloud, nova):
    stack = new_stack(
        cloud,
        {'Resources': {'Web': instance(ImageId='no-such-image')}},
        'nova-noimage',
    )
    run(operations.create, stack)
    state, _reason = status(stack)
    assert state == 'ROLLBACK_COMPLETE'
    assert any(
        'Image no-such-image not found' in e.resource_status_reason
        for e in db_api.event_list(stack.row.id)
    )
    assert nova_servers(cloud, nova) == []
