"""The sandbox's nova: images, flavors, key pairs, servers, attachments."""

from collections.abc import Iterable
from collections.abc import Mapping
import hashlib
import uuid

from heat.common import config
from heat.common import exception
from heat.db import sandbox_api
from heat.engine.clients import model
from heat.engine.clients.sandbox import catalog
from heat.engine.clients.sandbox import timing

CONF = config.CONF


def keypair_fingerprint(name):
    digest = hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()
    return ':'.join(digest[i : i + 2] for i in range(0, len(digest), 2))


def to_server(row, floating_ips=()) -> model.Server:
    return model.Server(
        id=row.id,
        name=row.name,
        status=row.status,
        fault=row.fault if row.status == 'ERROR' else None,
        availability_zone=row.availability_zone,
        private_ips=(row.private_ip,),
        floating_ips=tuple(floating_ips),
        metadata=dict(row.meta),
        image_id=row.image_id,
        flavor_id=row.flavor_id,
        key_name=row.key_name,
    )


class Compute:
    def __init__(self, tenant: str):
        self.tenant = tenant

    def find_image(self, name_or_id: str) -> model.Image:
        return catalog.find_image(name_or_id)

    def find_flavor(self, name_or_id: str) -> model.Flavor:
        return catalog.find_flavor(name_or_id)

    def get_keypair(self, name: str) -> model.Keypair:
        if not name:
            raise exception.CloudNotFound(reason='Keypair %r not found' % name)
        return model.Keypair(name=name, fingerprint=keypair_fingerprint(name))

    def availability_zones(self) -> list[str]:
        return list(catalog.AVAILABILITY_ZONES)

    def create_server(
        self,
        name: str,
        image_id: str,
        flavor_id: str,
        key_name: str | None = None,
        user_data: str | None = None,
        security_groups: Iterable[str] = (),
        availability_zone: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> model.Server:
        image = catalog.find_image(image_id)
        flavor = catalog.find_flavor(flavor_id)
        zone = catalog.check_availability_zone(availability_zone)
        if key_name is not None:
            self.get_keypair(key_name)
        server_id = str(uuid.uuid4())
        fails = image.name in CONF.sandbox.error_images
        values = dict(
            timing.settling('BUILD', 'ERROR' if fails else 'ACTIVE'),
            id=server_id,
            name=name,
            availability_zone=zone,
            image_id=image.id,
            flavor_id=flavor.id,
            key_name=key_name,
            user_data=user_data,
            meta=dict(metadata or {}),
            security_groups=list(security_groups),
            fault=(
                'Build of instance %s aborted: image %s is in the '
                "sandbox's error_images" % (server_id, image.name)
                if fails
                else None
            ),
        )
        row = sandbox_api.server_create(
            self.tenant, values, CONF.sandbox.private_cidr
        )
        return to_server(row)

    def get_server(self, server_id: str) -> model.Server:
        row, floating_ips = sandbox_api.server_get(self.tenant, server_id)
        return to_server(row, floating_ips)

    def delete_server(self, server_id: str) -> None:
        sandbox_api.server_delete(self.tenant, server_id)

    def attach_volume(
        self, server_id: str, volume_id: str, device: str | None = None
    ) -> model.Attachment:
        row = sandbox_api.volume_attach(
            self.tenant, server_id, volume_id, device
        )
        return model.Attachment(
            server_id=server_id, volume_id=volume_id, device=row.device
        )

    def detach_volume(self, server_id: str, volume_id: str) -> None:
        sandbox_api.volume_detach(self.tenant, server_id, volume_id)
