"""The tables Heat keeps, as typed SQLAlchemy models.

No ORM relationships: the data API hands out detached rows and callers read
plain columns, so nothing can lazy-load after its session has closed.
"""

import datetime
from typing import Any
import uuid

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from heat.common.states import ResourceAction
from heat.common.states import ResourceStatus
from heat.db.types import Json
from heat.db.types import UTCDateTime
from heat.db.types import utcnow

# Physical ids hold URLs (a wait condition handle's is pre-signed); 768
# characters is the most a utf8mb4 column can have and stay indexed whole
# in MySQL's InnoDB.
PHYSICAL_ID_LENGTH = 768


def _new_uuid():
    return str(uuid.uuid4())


class Base(orm.DeclarativeBase):
    # Constraint names known in advance, so migrations can name them.
    metadata = sa.MetaData(
        naming_convention={
            'pk': 'pk_%(table_name)s',
            'fk': 'fk_%(table_name)s_%(column_0_name)s',
            'uq': 'uq_%(table_name)s_%(column_0_name)s',
        }
    )
    type_annotation_map = {
        datetime.datetime: UTCDateTime,
        dict[str, Any]: Json,
        list[str]: Json,
        list[dict[str, str]]: Json,
    }


class RawTemplate(Base):
    __tablename__ = 'raw_template'

    id: Mapped[int] = mapped_column(primary_key=True)
    template: Mapped[dict[str, Any]]


class Stack(Base):
    __tablename__ = 'stack'
    __table_args__ = (
        sa.Index('ix_stack_tenant_name', 'tenant', 'name'),
        # A name belongs to one live stack of the tenant (see live_name).
        sa.Index(
            'uq_stack_tenant_live_name', 'tenant', 'live_name', unique=True
        ),
    )

    id: Mapped[str] = mapped_column(
        sa.String(36), primary_key=True, default=_new_uuid
    )
    name: Mapped[str] = mapped_column(sa.String(255))
    # The name while the stack is live, NULL once deleted: NULLs never
    # collide, so the unique index above holds live stacks' names only.
    live_name: Mapped[str | None] = mapped_column(sa.String(255))
    tenant: Mapped[str] = mapped_column(sa.String(255))
    user: Mapped[str | None] = mapped_column(sa.String(255))
    raw_template_id: Mapped[int] = mapped_column(
        sa.ForeignKey('raw_template.id')
    )
    # The template an update replaced, kept until the update cannot roll back.
    prev_raw_template_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey('raw_template.id')
    )
    action: Mapped[str] = mapped_column(sa.String(32))
    status: Mapped[str] = mapped_column(sa.String(32))
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    # The parameter values the user gave, not the resolved ones.
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    timeout: Mapped[int | None] = mapped_column(doc='Minutes.')
    disable_rollback: Mapped[bool] = mapped_column(default=False)
    on_failure: Mapped[str | None] = mapped_column(sa.String(32))
    tags: Mapped[list[dict[str, str]]] = mapped_column(default=list)
    notification_arns: Mapped[list[str]] = mapped_column(default=list)
    capabilities: Mapped[list[str]] = mapped_column(default=list)
    description: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime.datetime | None] = mapped_column(
        onupdate=utcnow
    )
    # AWS's LastUpdatedTime: when the latest UpdateStack started, None
    # until the first (updated_at changes with every status).
    last_updated_time: Mapped[datetime.datetime | None]
    deleted_at: Mapped[datetime.datetime | None]


class Resource(Base):
    __tablename__ = 'resource'
    __table_args__ = (
        sa.Index('ix_resource_stack_id_name', 'stack_id', 'name'),
        sa.Index('ix_resource_physical_resource_id', 'physical_resource_id'),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stack_id: Mapped[str] = mapped_column(sa.ForeignKey('stack.id'))
    name: Mapped[str] = mapped_column(sa.String(255), doc='Logical id.')
    type: Mapped[str] = mapped_column(sa.String(255))
    physical_resource_id: Mapped[str | None] = mapped_column(
        sa.String(PHYSICAL_ID_LENGTH)
    )
    action: Mapped[str] = mapped_column(
        sa.String(32), default=ResourceAction.INIT
    )
    status: Mapped[str] = mapped_column(
        sa.String(32), default=ResourceStatus.COMPLETE
    )
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    rsrc_metadata: Mapped[dict[str, Any]] = mapped_column(default=dict)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Attribute values cached for outputs, so describes need no cloud call.
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime.datetime | None] = mapped_column(
        onupdate=utcnow
    )


class Event(Base):
    __tablename__ = 'event'
    __table_args__ = (
        sa.Index('ix_event_stack_id_id', 'stack_id', 'id'),
        sa.Index('ix_event_uuid', 'uuid', unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    uuid: Mapped[str] = mapped_column(sa.String(36), default=_new_uuid)
    stack_id: Mapped[str] = mapped_column(sa.ForeignKey('stack.id'))
    # The logical id; the stack's own events carry the stack name.
    resource_name: Mapped[str] = mapped_column(sa.String(255))
    physical_resource_id: Mapped[str | None] = mapped_column(
        sa.String(PHYSICAL_ID_LENGTH)
    )
    resource_type: Mapped[str] = mapped_column(sa.String(255))
    resource_action: Mapped[str] = mapped_column(sa.String(32))
    resource_status: Mapped[str] = mapped_column(sa.String(32))
    resource_status_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)


class Ec2Credential(Base):
    """An AWS-style key pair that Heat checks signatures against."""

    __tablename__ = 'ec2_credential'
    __table_args__ = (
        sa.Index('ix_ec2_credential_tenant', 'tenant'),
        sa.Index('ix_ec2_credential_stack_id', 'stack_id'),
    )

    access: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    secret: Mapped[str] = mapped_column(sa.Text, doc='Encrypted.')
    tenant: Mapped[str] = mapped_column(sa.String(255))
    user: Mapped[str | None] = mapped_column(sa.String(255))
    # Set for keys that may act on one stack only (wait condition handles).
    stack_id: Mapped[str | None] = mapped_column(sa.ForeignKey('stack.id'))
    # Set, with stack_id, for keys that may only signal this resource of
    # the stack: a wait condition handle's pre-signed URL.
    resource_name: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)


class ResourceSignal(Base):
    """A signal sent to a resource: by a wait condition handle's URL, or by
    SignalResource.  A UniqueId sent again replaces its signal."""

    __tablename__ = 'resource_signal'
    __table_args__ = (
        sa.UniqueConstraint('stack_id', 'resource_name', 'unique_id'),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    stack_id: Mapped[str] = mapped_column(sa.ForeignKey('stack.id'))
    resource_name: Mapped[str] = mapped_column(sa.String(255))
    unique_id: Mapped[str] = mapped_column(sa.String(255))
    status: Mapped[str] = mapped_column(
        sa.String(16), doc='SUCCESS or FAILURE.'
    )
    reason: Mapped[str] = mapped_column(sa.Text, default='')
    data: Mapped[str] = mapped_column(sa.Text, default='')
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)


class StackLock(Base):
    __tablename__ = 'stack_lock'
    __table_args__ = (sa.Index('ix_stack_lock_engine_id', 'engine_id'),)

    stack_id: Mapped[str] = mapped_column(
        sa.ForeignKey('stack.id'), primary_key=True
    )
    engine_id: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)


# -- the sandbox cloud -------------------------------------------------------
# Objects of the emulated cloud (heat.engine.clients.sandbox).  A transient
# status (BUILD, creating) becomes settled_status once settles_at has passed;
# readers persist the change, so no timer thread is needed.


class SandboxServer(Base):
    __tablename__ = 'sandbox_server'
    __table_args__ = (sa.Index('ix_sandbox_server_tenant', 'tenant'),)

    id: Mapped[str] = mapped_column(
        sa.String(36), primary_key=True, default=_new_uuid
    )
    tenant: Mapped[str] = mapped_column(sa.String(255))
    name: Mapped[str] = mapped_column(sa.String(255))
    status: Mapped[str] = mapped_column(sa.String(32))
    settled_status: Mapped[str] = mapped_column(sa.String(32))
    settles_at: Mapped[datetime.datetime]
    # Shown once the server is in ERROR.
    fault: Mapped[str | None] = mapped_column(sa.Text)
    availability_zone: Mapped[str] = mapped_column(sa.String(255))
    image_id: Mapped[str] = mapped_column(sa.String(36))
    flavor_id: Mapped[str] = mapped_column(sa.String(36))
    key_name: Mapped[str | None] = mapped_column(sa.String(255))
    user_data: Mapped[str | None] = mapped_column(sa.Text)
    meta: Mapped[dict[str, Any]] = mapped_column('metadata', default=dict)
    # Names or ids, as the request gave them.
    security_groups: Mapped[list[str]] = mapped_column(default=list)
    private_ip: Mapped[str] = mapped_column(sa.String(45), unique=True)
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)


class SandboxVolume(Base):
    __tablename__ = 'sandbox_volume'
    __table_args__ = (
        sa.Index('ix_sandbox_volume_tenant', 'tenant'),
        sa.Index('ix_sandbox_volume_server_id', 'server_id'),
    )

    id: Mapped[str] = mapped_column(
        sa.String(36), primary_key=True, default=_new_uuid
    )
    tenant: Mapped[str] = mapped_column(sa.String(255))
    name: Mapped[str | None] = mapped_column(sa.String(255))
    status: Mapped[str] = mapped_column(sa.String(32))
    settled_status: Mapped[str] = mapped_column(sa.String(32))
    settles_at: Mapped[datetime.datetime]
    size_gb: Mapped[int]
    availability_zone: Mapped[str] = mapped_column(sa.String(255))
    snapshot_id: Mapped[str | None] = mapped_column(sa.String(36))
    meta: Mapped[dict[str, Any]] = mapped_column('metadata', default=dict)
    # The server it is attached to, and as which device.
    server_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey('sandbox_server.id')
    )
    device: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)


class SandboxSnapshot(Base):
    __tablename__ = 'sandbox_snapshot'
    __table_args__ = (sa.Index('ix_sandbox_snapshot_tenant', 'tenant'),)

    id: Mapped[str] = mapped_column(
        sa.String(36), primary_key=True, default=_new_uuid
    )
    tenant: Mapped[str] = mapped_column(sa.String(255))
    # No foreign key: a snapshot outlives its volume.
    volume_id: Mapped[str] = mapped_column(sa.String(36))
    name: Mapped[str | None] = mapped_column(sa.String(255))
    size_gb: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(32))
    settled_status: Mapped[str] = mapped_column(sa.String(32))
    settles_at: Mapped[datetime.datetime]
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)


class SandboxFloatingIp(Base):
    __tablename__ = 'sandbox_floating_ip'
    __table_args__ = (
        sa.Index('ix_sandbox_floating_ip_tenant', 'tenant'),
        sa.Index('ix_sandbox_floating_ip_server_id', 'server_id'),
    )

    id: Mapped[str] = mapped_column(
        sa.String(36), primary_key=True, default=_new_uuid
    )
    tenant: Mapped[str] = mapped_column(sa.String(255))
    address: Mapped[str] = mapped_column(sa.String(45), unique=True)
    server_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey('sandbox_server.id')
    )
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)


class SandboxSecurityGroup(Base):
    __tablename__ = 'sandbox_security_group'
    __table_args__ = (
        sa.Index('ix_sandbox_security_group_tenant_name', 'tenant', 'name'),
    )

    id: Mapped[str] = mapped_column(
        sa.String(36), primary_key=True, default=_new_uuid
    )
    tenant: Mapped[str] = mapped_column(sa.String(255))
    name: Mapped[str] = mapped_column(sa.String(255))
    description: Mapped[str] = mapped_column(sa.Text, default='')
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)


class SandboxSecurityGroupRule(Base):
    __tablename__ = 'sandbox_security_group_rule'
    __table_args__ = (
        sa.Index('ix_sandbox_security_group_rule_group_id', 'group_id'),
    )

    id: Mapped[str] = mapped_column(
        sa.String(36), primary_key=True, default=_new_uuid
    )
    group_id: Mapped[str] = mapped_column(
        sa.ForeignKey('sandbox_security_group.id')
    )
    direction: Mapped[str] = mapped_column(sa.String(16))
    protocol: Mapped[str | None] = mapped_column(sa.String(16))
    port_min: Mapped[int | None]
    port_max: Mapped[int | None]
    cidr: Mapped[str | None] = mapped_column(sa.String(64))
    remote_group_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey('sandbox_security_group.id')
    )


class SandboxUser(Base):
    """A user the sandbox's identity service made for a stack."""

    __tablename__ = 'sandbox_user'
    __table_args__ = (sa.Index('ix_sandbox_user_tenant', 'tenant'),)

    id: Mapped[str] = mapped_column(
        sa.String(36), primary_key=True, default=_new_uuid
    )
    tenant: Mapped[str] = mapped_column(sa.String(255))
    stack_id: Mapped[str] = mapped_column(sa.String(36))
    name: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
