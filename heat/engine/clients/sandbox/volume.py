"""The sandbox's cinder: volumes and snapshots."""

from collections.abc import Mapping

from heat.common import exception
from heat.db import sandbox_api
from heat.engine.clients import model
from heat.engine.clients.sandbox import catalog
from heat.engine.clients.sandbox import timing


def to_volume(row) -> model.Volume:
    return model.Volume(
        id=row.id,
        name=row.name,
        status=row.status,
        size_gb=row.size_gb,
        availability_zone=row.availability_zone,
        attached_server_id=row.server_id,
        device=row.device,
    )


def to_snapshot(row) -> model.Snapshot:
    return model.Snapshot(
        id=row.id, volume_id=row.volume_id, status=row.status
    )


class Volume:
    def __init__(self, tenant: str):
        self.tenant = tenant

    def create_volume(
        self,
        size_gb: int,
        name: str | None = None,
        availability_zone: str | None = None,
        snapshot_id: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> model.Volume:
        if not isinstance(size_gb, int) or size_gb < 1:
            raise exception.CloudError(
                reason='Invalid input received: Volume size %r must be an '
                'integer and greater than 0.' % (size_gb,)
            )
        zone = catalog.check_availability_zone(availability_zone)
        row = sandbox_api.volume_create(
            self.tenant,
            dict(
                timing.settling('creating', 'available'),
                name=name,
                size_gb=size_gb,
                availability_zone=zone,
                snapshot_id=snapshot_id,
                meta=dict(metadata or {}),
            ),
        )
        return to_volume(row)

    def get_volume(self, volume_id: str) -> model.Volume:
        return to_volume(sandbox_api.volume_get(self.tenant, volume_id))

    def delete_volume(self, volume_id: str) -> None:
        sandbox_api.volume_delete(self.tenant, volume_id)

    def create_snapshot(
        self, volume_id: str, name: str | None = None
    ) -> model.Snapshot:
        row = sandbox_api.snapshot_create(
            self.tenant,
            volume_id,
            dict(timing.settling('creating', 'available'), name=name),
        )
        return to_snapshot(row)

    def get_snapshot(self, snapshot_id: str) -> model.Snapshot:
        return to_snapshot(sandbox_api.snapshot_get(self.tenant, snapshot_id))
