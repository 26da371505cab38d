"""Volumes and snapshots: cinder's v3 API, via python-cinderclient."""

from collections.abc import Mapping

from cinderclient import client as cinder_client

from heat.engine.clients import model
from heat.engine.clients.openstack import errors

API_VERSION = '3.0'


class BlockStorage:
    """The contract's ``volume`` operations on cinder."""

    def __init__(self, cloud):
        self._cinder = cinder_client.Client(
            API_VERSION,
            session=cloud.session,
            service_type='block-storage',
            region_name=cloud.region_name,
            endpoint_type=cloud.interface,
            os_endpoint=cloud.endpoint_override('block-storage'),
        )

    def create_volume(
        self,
        size_gb: int,
        name: str | None = None,
        availability_zone: str | None = None,
        snapshot_id: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> model.Volume:
        volume = errors.call(
            self._cinder.volumes.create,
            size_gb,
            name=name,
            availability_zone=availability_zone,
            snapshot_id=snapshot_id,
            metadata=metadata,
        )
        return volume_from_cinder(volume.to_dict())

    def get_volume(self, volume_id: str) -> model.Volume:
        volume = errors.call(self._cinder.volumes.get, volume_id)
        return volume_from_cinder(volume.to_dict())

    def delete_volume(self, volume_id: str) -> None:
        errors.call(self._cinder.volumes.delete, volume_id)

    def create_snapshot(
        self, volume_id: str, name: str | None = None
    ) -> model.Snapshot:
        snapshot = errors.call(
            self._cinder.volume_snapshots.create, volume_id, name=name
        )
        return _snapshot(snapshot)

    def get_snapshot(self, snapshot_id: str) -> model.Snapshot:
        return _snapshot(
            errors.call(self._cinder.volume_snapshots.get, snapshot_id)
        )


def _snapshot(snapshot):
    return model.Snapshot(
        id=snapshot.id, volume_id=snapshot.volume_id, status=snapshot.status
    )


def volume_from_cinder(info):
    """A model.Volume from cinder's JSON for one volume."""
    # Heat attaches a volume to one server at most: the first attachment.
    attachment = (info.get('attachments') or [{}])[0]
    return model.Volume(
        id=info['id'],
        name=info.get('name'),
        status=info['status'],
        size_gb=info['size'],
        availability_zone=info.get('availability_zone'),
        attached_server_id=attachment.get('server_id'),
        device=attachment.get('device'),
    )
