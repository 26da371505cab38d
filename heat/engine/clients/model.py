"""What clouds answer: small frozen values, the same for every backend.

Resources read these and never a cloud library's own objects, so a resource
works unchanged against the sandbox and against OpenStack.
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Image:
    id: str
    name: str


@dataclasses.dataclass(frozen=True)
class Flavor:
    id: str
    name: str
    vcpus: int
    ram_mb: int
    disk_gb: int


@dataclasses.dataclass(frozen=True)
class Keypair:
    name: str
    fingerprint: str


@dataclasses.dataclass(frozen=True)
class Server:
    id: str
    name: str
    # 'BUILD', 'ACTIVE', 'ERROR', 'DELETED', ...: nova's words.
    status: str
    # The cloud's fault message when status is 'ERROR'.
    fault: str | None
    availability_zone: str | None
    private_ips: tuple[str, ...] = ()
    floating_ips: tuple[str, ...] = ()
    metadata: dict = dataclasses.field(default_factory=dict)
    image_id: str | None = None
    flavor_id: str | None = None
    key_name: str | None = None


@dataclasses.dataclass(frozen=True)
class Volume:
    id: str
    name: str | None
    # 'creating', 'available', 'in-use', 'deleting', 'error', ...: cinder's.
    status: str
    size_gb: int
    availability_zone: str | None
    attached_server_id: str | None = None
    device: str | None = None


@dataclasses.dataclass(frozen=True)
class Snapshot:
    id: str
    volume_id: str
    status: str


@dataclasses.dataclass(frozen=True)
class Attachment:
    server_id: str
    volume_id: str
    device: str | None


@dataclasses.dataclass(frozen=True)
class FloatingIp:
    id: str
    address: str
    server_id: str | None = None


@dataclasses.dataclass(frozen=True)
class SecurityGroupRule:
    id: str
    # 'ingress' or 'egress'.
    direction: str
    # 'tcp', 'udp', 'icmp', or None for any protocol.
    protocol: str | None
    port_min: int | None
    port_max: int | None
    cidr: str | None = None
    remote_group_id: str | None = None


@dataclasses.dataclass(frozen=True)
class SecurityGroup:
    id: str
    name: str
    description: str
    rules: tuple[SecurityGroupRule, ...] = ()
