"""AWS::EC2::Volume and AWS::EC2::VolumeAttachment: block storage.

A Volume is a cinder volume; its Ref is the volume id.  A VolumeAttachment
attaches one to a server through nova and waits for cinder to show it in
use.  Deleting a volume first waits for it to settle (a create cancelled
half-way leaves it 'creating', which cinder will not delete).
"""

import dataclasses

from heat.common import exception
from heat.engine import properties
from heat.engine import resource

Schema = properties.Schema

# Statuses cinder moves through on its own: wait them out before acting.
BUSY_STATUSES = frozenset(
    {
        'creating',
        'downloading',
        'attaching',
        'detaching',
        'reserved',
        'extending',
        'backing-up',
        'restoring-backup',
        'uploading',
        'maintenance',
    }
)

_TAG = Schema(
    Schema.MAP,
    schema={
        'Key': Schema(Schema.STRING, required=True),
        'Value': Schema(Schema.STRING, required=True),
    },
)


def _not_found_is_none(lookup, object_id):
    try:
        return lookup(object_id)
    except exception.CloudNotFound:
        return None


@dataclasses.dataclass
class _Deletion:
    """Where the deletion of a volume stands, between two polls."""

    volume_id: str
    snapshot_wanted: bool = False
    snapshot_id: str | None = None
    delete_requested: bool = False


class Volume(resource.Resource):
    """A cinder volume, optionally made from a snapshot.

    With DeletionPolicy Snapshot, deleting the resource first takes a
    snapshot and waits for it to be available; the snapshot stays in the
    cloud, and its id is kept in the resource's data.  cinder itself
    refuses to delete a volume that has snapshots, so there the delete
    fails after the snapshot is taken, naming cinder's reason.
    """

    properties_schema = {
        'Size': Schema(
            Schema.INTEGER,
            required=True,
            constraints=[properties.Range(min=1)],
            description='The size of the volume, in GiB.',
        ),
        'AvailabilityZone': Schema(
            Schema.STRING,
            required=True,
            description='The availability zone to create the volume in; '
            'it must be the zone of the servers it is '
            'attached to.',
        ),
        'SnapshotId': Schema(
            Schema.STRING, description='A snapshot to create the volume from.'
        ),
        'Tags': Schema(
            Schema.LIST,
            schema=_TAG,
            description="Key/Value pairs, kept as the volume's metadata.",
        ),
    }
    supports_snapshot = True

    @property
    def _cinder(self):
        return self.stack.clients.volume

    def handle_create(self):
        tags = self.properties['Tags'] or []
        volume = self._cinder.create_volume(
            self.properties['Size'],
            name='%s-%s' % (self.stack.identifier.stack_name, self.name),
            availability_zone=self.properties['AvailabilityZone'],
            snapshot_id=self.properties['SnapshotId'],
            metadata={tag['Key']: tag['Value'] for tag in tags},
        )
        self.set_resource_id(volume.id)
        return volume.id

    def check_create_complete(self, volume_id):
        volume = self._cinder.get_volume(volume_id)
        if volume.status == 'error':
            raise exception.CloudError(
                reason='Volume %s went to status error while being created'
                % volume_id
            )
        return volume.status == 'available'

    def handle_delete(self):
        # Raises CloudNotFound when the volume is gone already.
        self._cinder.get_volume(self.resource_id)
        return _Deletion(self.resource_id)

    def handle_snapshot_delete(self):
        self._cinder.get_volume(self.resource_id)
        return _Deletion(self.resource_id, snapshot_wanted=True)

    def check_delete_complete(self, deletion):
        """One step of the deletion: settle, snapshot, delete, vanish."""
        volume = _not_found_is_none(
            self._cinder.get_volume, deletion.volume_id
        )
        if volume is None:
            return True
        if volume.status in BUSY_STATUSES or volume.status == 'deleting':
            return False
        if volume.status == 'error_deleting':
            raise exception.CloudError(
                reason='Volume %s went to status error_deleting'
                % deletion.volume_id
            )
        if deletion.snapshot_wanted and not self._snapshot_ready(deletion):
            return False
        if not deletion.delete_requested:
            self._cinder.delete_volume(deletion.volume_id)
            deletion.delete_requested = True
        return False

    def _snapshot_ready(self, deletion):
        """Take the snapshot once; whether it is available yet."""
        if deletion.snapshot_id is None:
            snapshot = self._cinder.create_snapshot(
                deletion.volume_id,
                name='%s-%s-snapshot'
                % (self.stack.identifier.stack_name, self.name),
            )
            deletion.snapshot_id = snapshot.id
            self.update_data({'SnapshotId': snapshot.id})
        else:
            snapshot = self._cinder.get_snapshot(deletion.snapshot_id)
        if snapshot.status == 'error':
            raise exception.CloudError(
                reason='Snapshot %s of volume %s went to status error; the '
                'volume is kept' % (snapshot.id, deletion.volume_id)
            )
        return snapshot.status == 'available'


class VolumeAttachment(resource.Resource):
    """A volume attached to a server as a device.

    The physical id is the volume id: nova names a volume attachment by
    the id of its volume (a volume is attached to one server at a time),
    and that is the id Heat has always shown for it.  The server's id is
    kept in the resource's data for the detach.
    """

    properties_schema = {
        'InstanceId': Schema(
            Schema.STRING,
            required=True,
            description='The server to attach to.',
        ),
        'VolumeId': Schema(
            Schema.STRING, required=True, description='The volume to attach.'
        ),
        'Device': Schema(
            Schema.STRING,
            required=True,
            description='The device the server sees, e.g. /dev/vdb.',
        ),
    }

    def handle_create(self):
        server_id = self.properties['InstanceId']
        volume_id = self.properties['VolumeId']
        self.stack.clients.compute.attach_volume(
            server_id, volume_id, self.properties['Device']
        )
        self.update_data({'server_id': server_id})
        self.set_resource_id(volume_id)
        return volume_id

    def check_create_complete(self, volume_id):
        volume = self.stack.clients.volume.get_volume(volume_id)
        if volume.status == 'in-use':
            return True
        if volume.status in BUSY_STATUSES or volume.status == 'available':
            # 'available' until cinder hears of the attach from nova.
            return False
        raise exception.CloudError(
            reason='Volume %s went to status %s while being attached to '
            'server %s'
            % (volume_id, volume.status, self.data.get('server_id'))
        )

    def handle_delete(self):
        # CloudNotFound (server or volume gone, or not attached) means
        # there is nothing left to detach.
        self.stack.clients.compute.detach_volume(
            self.data['server_id'], self.resource_id
        )
        return self.resource_id

    def check_delete_complete(self, volume_id):
        volume = _not_found_is_none(
            self.stack.clients.volume.get_volume, volume_id
        )
        if volume is None:
            return True
        if volume.status == 'error_detaching':
            raise exception.CloudError(
                reason='Volume %s went to status error_detaching' % volume_id
            )
        # Done once the volume no longer shows our server; it may have
        # been attached elsewhere since.
        return (
            volume.status not in BUSY_STATUSES
            and volume.attached_server_id != self.data['server_id']
        )


def resource_mapping():
    return {
        'AWS::EC2::Volume': Volume,
        'AWS::EC2::VolumeAttachment': VolumeAttachment,
    }
