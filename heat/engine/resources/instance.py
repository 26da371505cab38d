"""AWS::EC2::Instance: a nova server that heat-cfntools can configure.

ImageId and InstanceType name an image and a flavor of the cloud (names or
ids).  The server's user data is the multipart message of user_data.py:
the template's UserData as a script, plus the Metadata and the API's
whereabouts for cfn-tools.  As in EC2, UserData is base64 (templates write
it with Fn::Base64).  The Ref is the server's id.
"""

import base64
import binascii
import dataclasses
import uuid

from heat.common import exception
from heat.engine import attributes
from heat.engine import properties
from heat.engine import resource
from heat.engine.resources import user_data

Schema = properties.Schema

# nova's limit on server names.
MAX_SERVER_NAME = 255
SUFFIX_LENGTH = 12
# Statuses of a volume that failed to attach or detach start with this.
VOLUME_ERROR_PREFIX = 'error'


@dataclasses.dataclass(frozen=True)
class Base64Text:
    """A constraint: base64 that decodes to UTF-8 text."""

    def check(self, value):
        decode_user_data(value)

    def describe(self):
        return {}


def decode_user_data(value):
    """The text UserData encodes; ValueError when it is not base64 text."""
    try:
        return base64.b64decode(''.join(value.split()), validate=True).decode(
            'utf-8'
        )
    except (binascii.Error, UnicodeDecodeError):
        raise ValueError(
            'must be base64-encoded UTF-8 text (write it with Fn::Base64)'
        ) from None


_VOLUME = Schema(
    Schema.MAP,
    schema={
        'VolumeId': Schema(Schema.STRING, required=True),
        'Device': Schema(Schema.STRING, required=True),
    },
)

_TAG = Schema(
    Schema.MAP,
    schema={
        'Key': Schema(Schema.STRING, required=True),
        'Value': Schema(Schema.STRING, required=True),
    },
)


@dataclasses.dataclass
class _Boot:
    """Where a create stands between polls: waiting for the server to be
    ACTIVE, then attaching the Volumes one at a time."""

    volumes: list
    active: bool = False
    # The volume whose attachment is awaited.
    attaching: str | None = None


@dataclasses.dataclass
class _Teardown:
    """Where a delete stands between polls: waiting for the volumes to be
    detached, then for the server to be gone."""

    detaching: list
    delete_requested: bool = False


class Instance(resource.Resource):
    """A server, its Volumes attached once it is ACTIVE.

    Monitoring and EbsOptimized are accepted and ignored: the cloud offers
    neither, and a server works the same without them.  Any other change
    of properties replaces the server; a change of Metadata alone is made
    in place (cfn-hup reads it from the API).
    """

    properties_schema = {
        'ImageId': Schema(
            Schema.STRING,
            required=True,
            description='The name or id of the image.',
        ),
        'InstanceType': Schema(
            Schema.STRING,
            default='m1.small',
            description='The name or id of the flavor.',
        ),
        'KeyName': Schema(
            Schema.STRING, description='The key pair to log in with.'
        ),
        'UserData': Schema(
            Schema.STRING,
            constraints=[Base64Text()],
            description='A script for the server to run '
            'at first boot, base64-encoded.',
        ),
        'SecurityGroups': Schema(
            Schema.LIST,
            schema=Schema(Schema.STRING),
            description='Security groups, by name.',
        ),
        'SecurityGroupIds': Schema(
            Schema.LIST,
            schema=Schema(Schema.STRING),
            description='Security groups, by id.',
        ),
        'AvailabilityZone': Schema(
            Schema.STRING,
            description='The availability zone to boot the server in.',
        ),
        'Volumes': Schema(
            Schema.LIST,
            schema=_VOLUME,
            description='Volumes to attach once the server '
            'is ACTIVE; they are detached before '
            'it is deleted.',
        ),
        'Tags': Schema(
            Schema.LIST,
            schema=_TAG,
            description="Key/Value pairs, kept as the server's metadata.",
        ),
        'Monitoring': Schema(
            Schema.BOOLEAN,
            update_allowed=True,
            description='Accepted and ignored.',
        ),
        'EbsOptimized': Schema(
            Schema.BOOLEAN,
            update_allowed=True,
            description='Accepted and ignored.',
        ),
    }

    attributes_schema = {
        'AvailabilityZone': attributes.Attribute(
            'The availability zone of the server.'
        ),
        'PrivateIp': attributes.Attribute("The server's first fixed address."),
        'PublicIp': attributes.Attribute(
            "The server's floating IP when it has one, else its first "
            'fixed address.'
        ),
        'PrivateDnsName': attributes.Attribute(
            'The same as PrivateIp: the cloud gives servers no DNS names.'
        ),
        'PublicDnsName': attributes.Attribute(
            'The same as PublicIp: the cloud gives servers no DNS names.'
        ),
    }

    @property
    def _nova(self):
        return self.stack.clients.compute

    # -- create ----------------------------------------------------------

    def handle_create(self):
        props = self.properties
        image = self._nova.find_image(props['ImageId'])
        flavor = self._nova.find_flavor(props['InstanceType'])
        if props['KeyName'] is not None:
            self._nova.get_keypair(props['KeyName'])
        server = self._nova.create_server(
            self._server_name(),
            image.id,
            flavor.id,
            key_name=props['KeyName'],
            user_data=self._user_data(),
            security_groups=(
                (props['SecurityGroups'] or [])
                + (props['SecurityGroupIds'] or [])
            ),
            availability_zone=props['AvailabilityZone'],
            metadata={tag['Key']: tag['Value'] for tag in props['Tags'] or []},
        )
        # At once: a create that fails from here on still has a server
        # to delete.
        self.set_resource_id(server.id)
        return _Boot(
            volumes=[
                (v['VolumeId'], v['Device']) for v in props['Volumes'] or []
            ]
        )

    def _server_name(self):
        """``<stack>-<logical id>-<random suffix>``, within nova's limit."""
        suffix = uuid.uuid4().hex[:SUFFIX_LENGTH]
        prefix = '%s-%s' % (self.stack.identifier.stack_name, self.name)
        return '%s-%s' % (
            prefix[: MAX_SERVER_NAME - SUFFIX_LENGTH - 1],
            suffix,
        )

    def _user_data(self):
        encoded = self.properties['UserData']
        script = None if encoded is None else decode_user_data(encoded)
        return user_data.build(
            script,
            self.metadata,
            self.stack.public_endpoint,
            self.stack.stack_credentials(),
        )

    def check_create_complete(self, boot):
        if not boot.active:
            server = self._nova.get_server(self.resource_id)
            if server.status == 'ERROR':
                raise exception.CloudError(
                    reason='Server %s (%s) went to status ERROR: %s'
                    % (
                        server.name,
                        server.id,
                        server.fault or 'the cloud gave no reason',
                    )
                )
            if server.status != 'ACTIVE':
                return False
            boot.active = True
        return self._attach_volumes(boot)

    def _attach_volumes(self, boot):
        """Attach the next volume once the last one shows in use; whether
        all are attached."""
        while True:
            if boot.attaching is not None:
                if not self._attached(boot.attaching):
                    return False
                boot.attaching = None
            if not boot.volumes:
                return True
            volume_id, device = boot.volumes.pop(0)
            # Recorded first: a delete detaches it even if the attach
            # request fails half-way.
            self.update_data(
                {'volumes': self.data.get('volumes', []) + [volume_id]}
            )
            self._nova.attach_volume(self.resource_id, volume_id, device)
            boot.attaching = volume_id

    def _attached(self, volume_id):
        volume = self.stack.clients.volume.get_volume(volume_id)
        if volume.status.startswith(VOLUME_ERROR_PREFIX):
            raise exception.CloudError(
                reason='Volume %s went to status %s while being attached to '
                'server %s' % (volume_id, volume.status, self.resource_id)
            )
        # 'available' until the volume service hears of the attach.
        return (
            volume.status == 'in-use'
            and volume.attached_server_id == self.resource_id
        )

    # -- delete ----------------------------------------------------------

    def handle_delete(self):
        volumes = list(self.data.get('volumes', []))
        for volume_id in volumes:
            try:
                self._nova.detach_volume(self.resource_id, volume_id)
            except exception.CloudNotFound:
                # The server or the volume is gone, or it is not attached.
                pass
        return _Teardown(detaching=volumes)

    def check_delete_complete(self, teardown):
        teardown.detaching = [
            v for v in teardown.detaching if self._still_attached(v)
        ]
        if teardown.detaching:
            return False
        if not teardown.delete_requested:
            # CloudNotFound here tells the caller the server is gone.
            self._nova.delete_server(self.resource_id)
            teardown.delete_requested = True
        # Only a 404 says the server is gone: nova shows a server DELETED
        # for a moment while it still lists it.
        try:
            self._nova.get_server(self.resource_id)
        except exception.CloudNotFound:
            return True
        return False

    def _still_attached(self, volume_id):
        try:
            volume = self.stack.clients.volume.get_volume(volume_id)
        except exception.CloudNotFound:
            return False
        if volume.status == 'error_detaching':
            raise exception.CloudError(
                reason='Volume %s went to status error_detaching while '
                'being detached from server %s' % (volume_id, self.resource_id)
            )
        return volume.attached_server_id == self.resource_id

    # -- attributes ------------------------------------------------------

    def resolve_attribute(self, name):
        if self.resource_id is None:
            return None
        # Read afresh each time: an EIPAssociation may have given the
        # server a floating IP since.
        server = self._nova.get_server(self.resource_id)
        if name == 'AvailabilityZone':
            return server.availability_zone
        private = server.private_ips[0] if server.private_ips else None
        if name in ('PrivateIp', 'PrivateDnsName'):
            return private
        return server.floating_ips[0] if server.floating_ips else private


def resource_mapping():
    return {'AWS::EC2::Instance': Instance}
