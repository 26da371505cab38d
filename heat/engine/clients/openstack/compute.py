"""Servers, flavors, keypairs and volume attachments: nova, via novaclient.

Images are glance's: nova's image proxy is gone from newer microversions,
so they are looked up on the image service through the same session.
"""

from collections.abc import Iterable
from collections.abc import Mapping
import urllib.parse

from novaclient import client as nova_client

from heat.common import exception
from heat.engine.clients import model
from heat.engine.clients.openstack import errors

# 2.37 is the first microversion where nova picks a network itself
# (nics 'auto'); before 2.47, servers still name their flavor by id.
MICROVERSION = '2.37'


class Compute:
    """The contract's ``compute`` operations on nova."""

    def __init__(self, cloud):
        self._cloud = cloud
        self._nova = nova_client.Client(
            MICROVERSION,
            session=cloud.session,
            region_name=cloud.region_name,
            endpoint_type=cloud.interface,
            endpoint_override=cloud.endpoint_override('compute'),
        )

    def find_image(self, name_or_id: str) -> model.Image:
        try:
            found = [
                self._glance_get(
                    '/v2/images/' + urllib.parse.quote(name_or_id, safe='')
                )
            ]
        except exception.CloudNotFound:
            found = self._glance_get(
                '/v2/images', params={'name': name_or_id}
            )['images']
        if not found:
            raise exception.CloudNotFound(
                reason='Image %s not found' % name_or_id
            )
        if len(found) > 1:
            raise exception.CloudError(
                reason='More than one image is named %s' % name_or_id
            )
        return model.Image(id=found[0]['id'], name=found[0]['name'])

    def _glance_get(self, path, params=None):
        response = errors.call(
            self._cloud.session.get,
            path,
            params=params,
            **self._cloud.endpoint_filter('image'),
        )
        return response.json()

    def find_flavor(self, name_or_id: str) -> model.Flavor:
        try:
            return _flavor(errors.call(self._nova.flavors.get, name_or_id))
        except exception.CloudNotFound:
            pass
        for flavor in errors.call(self._nova.flavors.list):
            if flavor.name == name_or_id:
                return _flavor(flavor)
        raise exception.CloudNotFound(
            reason='Flavor %s not found' % name_or_id
        )

    def get_keypair(self, name: str) -> model.Keypair:
        keypair = errors.call(self._nova.keypairs.get, name)
        return model.Keypair(
            name=keypair.name, fingerprint=keypair.fingerprint
        )

    def availability_zones(self) -> list[str]:
        zones = errors.call(self._nova.availability_zones.list, detailed=False)
        return [
            zone.zoneName for zone in zones if zone.zoneState.get('available')
        ]

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
        # novaclient base64-encodes user_data itself.
        created = errors.call(
            self._nova.servers.create,
            name,
            image_id,
            flavor_id,
            key_name=key_name,
            userdata=user_data,
            security_groups=list(security_groups) or None,
            availability_zone=availability_zone,
            meta=metadata,
            nics='auto',
        )
        # nova's answer to a create holds only the id: the rest is ours.
        return model.Server(
            id=created.id,
            name=name,
            status='BUILD',
            fault=None,
            availability_zone=availability_zone,
            metadata=dict(metadata or {}),
            image_id=image_id,
            flavor_id=flavor_id,
            key_name=key_name,
        )

    def get_server(self, server_id: str) -> model.Server:
        server = errors.call(self._nova.servers.get, server_id)
        return server_from_nova(server.to_dict())

    def delete_server(self, server_id: str) -> None:
        errors.call(self._nova.servers.delete, server_id)

    def attach_volume(
        self, server_id: str, volume_id: str, device: str | None = None
    ) -> model.Attachment:
        attachment = errors.call(
            self._nova.volumes.create_server_volume,
            server_id,
            volume_id,
            device=device,
        )
        return model.Attachment(
            server_id=attachment.serverId,
            volume_id=attachment.volumeId,
            device=getattr(attachment, 'device', None),
        )

    def detach_volume(self, server_id: str, volume_id: str) -> None:
        errors.call(
            self._nova.volumes.delete_server_volume, server_id, volume_id
        )


def _flavor(flavor):
    return model.Flavor(
        id=flavor.id,
        name=flavor.name,
        vcpus=flavor.vcpus,
        ram_mb=flavor.ram,
        disk_gb=flavor.disk,
    )


def server_from_nova(info):
    """A model.Server from nova's JSON for one server."""
    addresses = [
        address
        for network in (info.get('addresses') or {}).values()
        for address in network
    ]
    floating = tuple(
        a['addr'] for a in addresses if a.get('OS-EXT-IPS:type') == 'floating'
    )
    private = tuple(
        a['addr'] for a in addresses if a.get('OS-EXT-IPS:type') != 'floating'
    )
    # A server booted from a volume has '' for its image.
    image = info.get('image') or {}
    fault = info.get('fault') or {}
    return model.Server(
        id=info['id'],
        name=info['name'],
        status=info['status'],
        fault=fault.get('message'),
        availability_zone=info.get('OS-EXT-AZ:availability_zone'),
        private_ips=private,
        floating_ips=floating,
        metadata=dict(info.get('metadata') or {}),
        image_id=image.get('id'),
        flavor_id=(info.get('flavor') or {}).get('id'),
        key_name=info.get('key_name'),
    )
