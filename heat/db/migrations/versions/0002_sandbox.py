"""The sandbox cloud's tables.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa

from heat.db.types import Json
from heat.db.types import UTCDateTime

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

TABLE_OPTIONS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}


def _settling_columns():
    return [
        sa.Column('status', sa.String(32), nullable=False),
        sa.Column('settled_status', sa.String(32), nullable=False),
        sa.Column('settles_at', UTCDateTime, nullable=False),
    ]


def upgrade():
    op.create_table(
        'sandbox_server',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('tenant', sa.String(255), nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        *_settling_columns(),
        sa.Column('fault', sa.Text),
        sa.Column('availability_zone', sa.String(255), nullable=False),
        sa.Column('image_id', sa.String(36), nullable=False),
        sa.Column('flavor_id', sa.String(36), nullable=False),
        sa.Column('key_name', sa.String(255)),
        sa.Column('user_data', sa.Text),
        sa.Column('metadata', Json, nullable=False),
        sa.Column('security_groups', Json, nullable=False),
        sa.Column('private_ip', sa.String(45), nullable=False),
        sa.Column('created_at', UTCDateTime, nullable=False),
        sa.UniqueConstraint('private_ip', name='uq_sandbox_server_private_ip'),
        **TABLE_OPTIONS,
    )
    op.create_index('ix_sandbox_server_tenant', 'sandbox_server', ['tenant'])

    op.create_table(
        'sandbox_volume',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('tenant', sa.String(255), nullable=False),
        sa.Column('name', sa.String(255)),
        *_settling_columns(),
        sa.Column('size_gb', sa.Integer, nullable=False),
        sa.Column('availability_zone', sa.String(255), nullable=False),
        sa.Column('snapshot_id', sa.String(36)),
        sa.Column('metadata', Json, nullable=False),
        sa.Column(
            'server_id', sa.String(36), sa.ForeignKey('sandbox_server.id')
        ),
        sa.Column('device', sa.String(64)),
        sa.Column('created_at', UTCDateTime, nullable=False),
        **TABLE_OPTIONS,
    )
    op.create_index('ix_sandbox_volume_tenant', 'sandbox_volume', ['tenant'])
    op.create_index(
        'ix_sandbox_volume_server_id', 'sandbox_volume', ['server_id']
    )

    op.create_table(
        'sandbox_snapshot',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('tenant', sa.String(255), nullable=False),
        sa.Column('volume_id', sa.String(36), nullable=False),
        sa.Column('name', sa.String(255)),
        sa.Column('size_gb', sa.Integer, nullable=False),
        *_settling_columns(),
        sa.Column('created_at', UTCDateTime, nullable=False),
        **TABLE_OPTIONS,
    )
    op.create_index(
        'ix_sandbox_snapshot_tenant', 'sandbox_snapshot', ['tenant']
    )

    op.create_table(
        'sandbox_floating_ip',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('tenant', sa.String(255), nullable=False),
        sa.Column('address', sa.String(45), nullable=False),
        sa.Column(
            'server_id', sa.String(36), sa.ForeignKey('sandbox_server.id')
        ),
        sa.Column('created_at', UTCDateTime, nullable=False),
        sa.UniqueConstraint('address', name='uq_sandbox_floating_ip_address'),
        **TABLE_OPTIONS,
    )
    op.create_index(
        'ix_sandbox_floating_ip_tenant', 'sandbox_floating_ip', ['tenant']
    )
    op.create_index(
        'ix_sandbox_floating_ip_server_id',
        'sandbox_floating_ip',
        ['server_id'],
    )

    op.create_table(
        'sandbox_security_group',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('tenant', sa.String(255), nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('description', sa.Text, nullable=False),
        sa.Column('created_at', UTCDateTime, nullable=False),
        **TABLE_OPTIONS,
    )
    op.create_index(
        'ix_sandbox_security_group_tenant_name',
        'sandbox_security_group',
        ['tenant', 'name'],
    )

    op.create_table(
        'sandbox_security_group_rule',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column(
            'group_id',
            sa.String(36),
            sa.ForeignKey('sandbox_security_group.id'),
            nullable=False,
        ),
        sa.Column('direction', sa.String(16), nullable=False),
        sa.Column('protocol', sa.String(16)),
        sa.Column('port_min', sa.Integer),
        sa.Column('port_max', sa.Integer),
        sa.Column('cidr', sa.String(64)),
        sa.Column(
            'remote_group_id',
            sa.String(36),
            sa.ForeignKey('sandbox_security_group.id'),
        ),
        **TABLE_OPTIONS,
    )
    op.create_index(
        'ix_sandbox_security_group_rule_group_id',
        'sandbox_security_group_rule',
        ['group_id'],
    )

    op.create_table(
        'sandbox_user',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('tenant', sa.String(255), nullable=False),
        sa.Column('stack_id', sa.String(36), nullable=False),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('created_at', UTCDateTime, nullable=False),
        **TABLE_OPTIONS,
    )
    op.create_index('ix_sandbox_user_tenant', 'sandbox_user', ['tenant'])


def downgrade():
    for table in (
        'sandbox_user',
        'sandbox_security_group_rule',
        'sandbox_security_group',
        'sandbox_floating_ip',
        'sandbox_snapshot',
        'sandbox_volume',
        'sandbox_server',
    ):
        op.drop_table(table)
