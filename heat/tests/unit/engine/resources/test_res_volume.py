"""AWS::EC2::Volume and AWS::EC2::VolumeAttachment on the sandbox cloud,
in real stacks on a SQLite file."""

import threading

import pytest

from heat.common import config
from heat.common import context
from heat.common import exception
from heat.db import api as db_api
from heat.db import sandbox_api
from heat.engine import operations
from heat.engine import stack as stack_mod
from heat.engine import template as template_mod
from heat.engine.clients import sandbox
from heat.engine.clients.sandbox import inventory
from heat.engine.clients.sandbox import timing
from heat.tests.unit.engine.resources.resource_stacks import event_reasons
from heat.tests.unit.engine.resources.resource_stacks import run

CONF = config.CONF
TENANT = 't1'
CTXT = context.RequestContext(tenant=TENANT, user='u1')


@pytest.fixture
def cloud(heat_db):
    CONF.set_override('build_seconds', 0.05, group='sandbox')
    yield sandbox.make_clients(CTXT)
    CONF.clear_override('build_seconds', group='sandbox')


@pytest.fixture
def server(cloud):
    """An ACTIVE sandbox server, as an Instance would give."""
    server = cloud.compute.create_server('db', 'cirros', 'm1.tiny')
    wait_for(lambda: cloud.compute.get_server(server.id).status == 'ACTIVE')
    return server.id


def wait_for(condition, seconds=5.0):
    event = threading.Event()
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        event.wait(0.02)
    pytest.fail('condition not met in %s s' % seconds)


def volume(size=1, zone='nova', **more):
    props = {'Size': size, 'AvailabilityZone': zone}
    props.update(more)
    return {'Type': 'AWS::EC2::Volume', 'Properties': props}


def attachment(instance, volume_id, device='/dev/vdc'):
    return {
        'Type': 'AWS::EC2::VolumeAttachment',
        'Properties': {
            'InstanceId': instance,
            'VolumeId': volume_id,
            'Device': device,
        },
    }


def new_stack(resources, params=None, name='vols'):
    param_defs = {key: {'Type': 'String'} for key in params or {}}
    template = template_mod.Template(
        {'Parameters': param_defs, 'Resources': resources}
    )
    stack = stack_mod.Stack.new(CTXT, name, template, params or {}, {})
    stack.validate()
    stack.store()
    return stack


def status(stack):
    row = db_api.stack_get(stack.row.id, show_deleted=True)
    return '%s_%s' % (row.action, row.status), row.status_reason


def cloud_objects():
    shown = inventory.describe(TENANT)
    return {
        kind: shown[kind]
        for kind in ('servers', 'volumes', 'attachments', 'snapshots')
    }


def test_volume_is_created_with_its_size_zone_and_tags(cloud):
    stack = new_stack(
        {
            'Data': volume(
                size='3', Tags=[{'Key': 'Usage', 'Value': 'Wiki Data'}]
            )
        }
    )
    run(operations.create, stack)
    assert status(stack)[0] == 'CREATE_COMPLETE'
    volume_id = stack.resources['Data'].resource_id
    assert stack.reference('Data') == volume_id
    created = cloud.volume.get_volume(volume_id)
    assert (
        created.status,
        created.size_gb,
        created.availability_zone,
        created.name,
    ) == ('available', 3, 'nova', 'vols-Data')
    assert sandbox_api.volume_get(TENANT, volume_id).meta == {
        'Usage': 'Wiki Data'
    }
    run(operations.delete, stack)
    assert status(stack)[0] == 'DELETE_COMPLETE'
    assert cloud_objects() == {
        'servers': [],
        'volumes': [],
        'attachments': [],
        'snapshots': [],
    }


def test_volume_waits_until_available(cloud):
    CONF.set_override('build_seconds', 0.4, group='sandbox')
    stack = new_stack({'Data': volume()})
    run(operations.create, stack)
    assert status(stack)[0] == 'CREATE_COMPLETE'
    assert (
        cloud.volume.get_volume(stack.resources['Data'].resource_id).status
        == 'available'
    )


def test_volume_from_a_snapshot(cloud):
    source = cloud.volume.create_volume(2)
    wait_for(lambda: cloud.volume.get_volume(source.id).status == 'available')
    snapshot = cloud.volume.create_snapshot(source.id)
    wait_for(
        lambda: cloud.volume.get_snapshot(snapshot.id).status == 'available'
    )
    stack = new_stack(
        {'Data': volume(2, SnapshotId={'Ref': 'Snap'})},
        params={'Snap': snapshot.id},
    )
    run(operations.create, stack)
    assert status(stack)[0] == 'CREATE_COMPLETE'
    restored = sandbox_api.volume_get(
        TENANT, stack.resources['Data'].resource_id
    )
    assert restored.snapshot_id == snapshot.id


def test_volume_the_cloud_refuses_rolls_back_with_the_cloud_reason(cloud):
    stack = new_stack({'Data': volume(zone='mars')})
    run(operations.create, stack)
    assert status(stack)[0] == 'ROLLBACK_COMPLETE'
    assert event_reasons(stack, 'Data', 'CREATE_FAILED') == [
        'The requested availability zone mars is not available'
    ]
    assert cloud_objects()['volumes'] == []


def test_volume_in_error_fails_the_create(cloud):
    stack = new_stack({'Data': volume()})
    rsrc = stack.resources['Data']
    # What cinder shows of a volume its backend failed to create.
    errored = sandbox_api.volume_create(
        TENANT,
        dict(
            timing.settling('error', 'error'),
            size_gb=1,
            availability_zone='nova',
        ),
    )
    with pytest.raises(
        exception.CloudError,
        match='Volume %s went to status error while being '
        'created' % errored.id,
    ):
        rsrc.check_create_complete(errored.id)


def test_snapshot_policy_leaves_a_snapshot_and_no_volume(cloud):
    CONF.set_override('build_seconds', 0.2, group='sandbox')
    definition = volume(2)
    definition['DeletionPolicy'] = 'Snapshot'
    stack = new_stack({'Data': definition})
    run(operations.create, stack)
    volume_id = stack.resources['Data'].resource_id
    run(operations.delete, stack)
    assert status(stack)[0] == 'DELETE_COMPLETE'
    objects = cloud_objects()
    assert objects['volumes'] == []
    [snapshot] = objects['snapshots']
    assert (
        snapshot['volume_id'],
        snapshot['status'],
        snapshot['size_gb'],
    ) == (volume_id, 'available', 2)
    row = db_api.resource_get(stack.row.id, 'Data')
    assert row.data == {'SnapshotId': snapshot['id']}
    # The volume went only once the snapshot was available.
    [deleted] = [
        e
        for e in db_api.event_list(stack.row.id)
        if (e.resource_name, e.resource_action, e.resource_status)
        == ('Data', 'DELETE', 'COMPLETE')
    ]
    [stored] = sandbox_api.snapshot_list(TENANT)
    assert deleted.created_at >= stored.settles_at


def test_snapshot_policy_is_refused_for_an_attachment(cloud):
    definition = attachment('i-1', 'v-1')
    definition['DeletionPolicy'] = 'Snapshot'
    with pytest.raises(
        exception.ValidationError,
        match='Resources.Mount.DeletionPolicy: '
        'AWS::EC2::VolumeAttachment does not support '
        'Snapshot',
    ):
        new_stack({'Mount': definition})


def test_a_volume_deleted_behind_heats_back_is_already_gone(cloud):
    stack = new_stack({'Data': volume()})
    run(operations.create, stack)
    cloud.volume.delete_volume(stack.resources['Data'].resource_id)
    run(operations.delete, stack)
    assert status(stack)[0] == 'DELETE_COMPLETE'
    assert event_reasons(stack, 'Data', 'DELETE_COMPLETE') == [
        'Already gone from the cloud'
    ]


def test_attachment_attaches_then_detaches(cloud, server):
    stack = new_stack(
        {
            'Data': volume(),
            'Mount': attachment({'Ref': 'Server'}, {'Ref': 'Data'}),
        },
        params={'Server': server},
    )
    run(operations.create, stack)
    assert status(stack)[0] == 'CREATE_COMPLETE'
    volume_id = stack.resources['Data'].resource_id
    # As nova names an attachment: by its volume.
    assert stack.reference('Mount') == volume_id
    attached = cloud.volume.get_volume(volume_id)
    assert (attached.status, attached.attached_server_id, attached.device) == (
        'in-use',
        server,
        '/dev/vdc',
    )
    assert cloud_objects()['attachments'] == [
        {
            'server_id': server,
            'volume_id': volume_id,
            'device': '/dev/vdc',
            'status': 'attached',
        }
    ]
    run(operations.delete, stack)
    assert status(stack)[0] == 'DELETE_COMPLETE'
    objects = cloud_objects()
    assert [s['id'] for s in objects['servers']] == [server]
    assert (
        objects['volumes'],
        objects['attachments'],
        objects['snapshots'],
    ) == ([], [], [])


def test_deleting_an_attachment_leaves_the_volume_available(cloud, server):
    kept = cloud.volume.create_volume(1)
    wait_for(lambda: cloud.volume.get_volume(kept.id).status == 'available')
    stack = new_stack(
        {'Mount': attachment({'Ref': 'Server'}, {'Ref': 'Vol'}, '/dev/vdb')},
        params={'Server': server, 'Vol': kept.id},
    )
    run(operations.create, stack)
    assert cloud.volume.get_volume(kept.id).status == 'in-use'
    run(operations.delete, stack)
    detached = cloud.volume.get_volume(kept.id)
    assert (detached.status, detached.attached_server_id, detached.device) == (
        'available',
        None,
        None,
    )


def test_an_attachment_detached_behind_heats_back_is_already_gone(
    cloud, server
):
    stack = new_stack(
        {
            'Data': volume(),
            'Mount': attachment({'Ref': 'Server'}, {'Ref': 'Data'}),
        },
        params={'Server': server},
    )
    run(operations.create, stack)
    cloud.compute.detach_volume(server, stack.resources['Data'].resource_id)
    run(operations.delete, stack)
    assert status(stack)[0] == 'DELETE_COMPLETE'
    assert event_reasons(stack, 'Mount', 'DELETE_COMPLETE') == [
        'Already gone from the cloud'
    ]
    assert cloud_objects()['volumes'] == []


def test_attaching_to_a_missing_server_fails_and_rolls_back(cloud):
    stack = new_stack(
        {
            'Data': volume(),
            'Mount': attachment('no-such-server', {'Ref': 'Data'}),
        }
    )
    run(operations.create, stack)
    assert status(stack)[0] == 'ROLLBACK_COMPLETE'
    assert event_reasons(stack, 'Mount', 'CREATE_FAILED') == [
        'Instance no-such-server could not be found.'
    ]
    assert cloud_objects()['volumes'] == []


@pytest.mark.parametrize(
    'props, message',
    [
        (
            {'Size': 0, 'AvailabilityZone': 'nova'},
            'Resources.Data.Properties.Size: 0 is less than 1',
        ),
        (
            {'Size': 'big', 'AvailabilityZone': 'nova'},
            'Resources.Data.Properties.Size: Value "big" is not an integer',
        ),
        (
            {'Size': 1},
            'Resources.Data.Properties.AvailabilityZone: Property '
            'AvailabilityZone not assigned',
        ),
        (
            {'Size': 1, 'AvailabilityZone': 'nova', 'Tags': [{'Key': 'a'}]},
            r'Resources.Data.Properties.Tags\[0\].Value: Property Value not '
            'assigned',
        ),
    ],
)
def test_volume_properties_are_validated(cloud, props, message):
    with pytest.raises(exception.ValidationError, match=message):
        new_stack({'Data': {'Type': 'AWS::EC2::Volume', 'Properties': props}})


def test_attachment_needs_a_device(cloud):
    definition = attachment('i-1', 'v-1')
    del definition['Properties']['Device']
    with pytest.raises(
        exception.ValidationError,
        match='Resources.Mount.Properties.Device: Property '
        'Device not assigned',
    ):
        new_stack({'Mount': definition})
