"""The operations resources call on a cloud, as types a checker enforces.

Each backend (sandbox, openstack) implements these four services; the
resources use nothing else of a backend, so a method missing or shaped
differently in either one is a type error, not a failure in production.
Every method answers with ``model`` values and raises only
exception.CloudError (CloudNotFound for objects that do not exist).
"""

from collections.abc import Iterable
from collections.abc import Mapping
from typing import Protocol

from heat.engine.clients import model


class Compute(Protocol):
    """nova's side: servers, images, flavors, keypairs, attachments."""

    def find_image(self, name_or_id: str) -> model.Image: ...

    def find_flavor(self, name_or_id: str) -> model.Flavor: ...

    def get_keypair(self, name: str) -> model.Keypair: ...

    def availability_zones(self) -> list[str]: ...

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
    ) -> model.Server: ...

    def get_server(self, server_id: str) -> model.Server: ...

    def delete_server(self, server_id: str) -> None: ...

    def attach_volume(
        self, server_id: str, volume_id: str, device: str | None = None
    ) -> model.Attachment: ...

    def detach_volume(self, server_id: str, volume_id: str) -> None: ...


class Volume(Protocol):
    """cinder's side: volumes and their snapshots."""

    def create_volume(
        self,
        size_gb: int,
        name: str | None = None,
        availability_zone: str | None = None,
        snapshot_id: str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> model.Volume: ...

    def get_volume(self, volume_id: str) -> model.Volume: ...

    def delete_volume(self, volume_id: str) -> None: ...

    def create_snapshot(
        self, volume_id: str, name: str | None = None
    ) -> model.Snapshot: ...

    def get_snapshot(self, snapshot_id: str) -> model.Snapshot: ...


class Network(Protocol):
    """neutron's side: floating IPs and security groups."""

    def allocate_floating_ip(self) -> model.FloatingIp: ...

    def get_floating_ip(self, fip_id: str) -> model.FloatingIp: ...

    def find_floating_ip(self, address: str) -> model.FloatingIp: ...

    def associate_floating_ip(
        self, fip_id: str, server_id: str
    ) -> model.FloatingIp: ...

    def disassociate_floating_ip(self, fip_id: str) -> model.FloatingIp: ...

    def release_floating_ip(self, fip_id: str) -> None: ...

    def create_security_group(
        self, name: str, description: str
    ) -> model.SecurityGroup: ...

    def get_security_group(self, sg_id: str) -> model.SecurityGroup: ...

    def find_security_group(self, name_or_id: str) -> model.SecurityGroup: ...

    def add_security_group_rule(
        self,
        sg_id: str,
        direction: str,
        protocol: str | None,
        port_min: int | None,
        port_max: int | None,
        cidr: str | None = None,
        remote_group_id: str | None = None,
    ) -> model.SecurityGroupRule: ...

    def delete_security_group(self, sg_id: str) -> None: ...


class Identity(Protocol):
    """keystone's side: a stack's users and their EC2 keys."""

    def create_stack_user(self, stack_id: str, name: str) -> str:
        """The new user's id."""
        ...

    def delete_stack_user(self, user_id: str) -> None: ...

    def create_ec2_credentials(
        self, user_id: str, stack_id: str
    ) -> tuple[str, str]:
        """The new (access, secret) pair."""
        ...

    def delete_ec2_credentials(self, user_id: str, access: str) -> None: ...


class Clients(Protocol):
    """The cloud as one request context sees it; services built lazily."""

    # Read-only: a backend may build each on first use.
    @property
    def compute(self) -> Compute: ...

    @property
    def volume(self) -> Volume: ...

    @property
    def network(self) -> Network: ...

    @property
    def identity(self) -> Identity: ...
