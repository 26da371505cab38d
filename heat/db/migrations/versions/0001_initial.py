"""The initial schema.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa

from heat.db.types import Json
from heat.db.types import UTCDateTime

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

# InnoDB for foreign keys; utf8mb4 whatever the server's default charset.
TABLE_OPTIONS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}


def upgrade():
    op.create_table(
        'raw_template',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column('template', Json, nullable=False),
        **TABLE_OPTIONS,
    )

    op.create_table(
        'stack',
        sa.Column('id', sa.String(36), primary_key=True),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('tenant', sa.String(255), nullable=False),
        sa.Column('user', sa.String(255)),
        sa.Column('owner_id', sa.String(36), sa.ForeignKey('stack.id')),
        sa.Column(
            'raw_template_id',
            sa.Integer,
            sa.ForeignKey('raw_template.id'),
            nullable=False,
        ),
        sa.Column(
            'prev_raw_template_id',
            sa.Integer,
            sa.ForeignKey('raw_template.id'),
        ),
        sa.Column('action', sa.String(32), nullable=False),
        sa.Column('status', sa.String(32), nullable=False),
        sa.Column('status_reason', sa.Text),
        sa.Column('parameters', Json, nullable=False),
        sa.Column('timeout', sa.Integer),
        sa.Column('disable_rollback', sa.Boolean, nullable=False),
        sa.Column('on_failure', sa.String(32)),
        sa.Column('tags', Json, nullable=False),
        sa.Column('notification_arns', Json, nullable=False),
        sa.Column('capabilities', Json, nullable=False),
        sa.Column('description', sa.Text),
        sa.Column('created_at', UTCDateTime, nullable=False),
        sa.Column('updated_at', UTCDateTime),
        sa.Column('deleted_at', UTCDateTime),
        **TABLE_OPTIONS,
    )
    op.create_index('ix_stack_tenant_name', 'stack', ['tenant', 'name'])
    op.create_index('ix_stack_owner_id', 'stack', ['owner_id'])

    op.create_table(
        'resource',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column(
            'stack_id',
            sa.String(36),
            sa.ForeignKey('stack.id'),
            nullable=False,
        ),
        sa.Column('name', sa.String(255), nullable=False),
        sa.Column('type', sa.String(255), nullable=False),
        sa.Column('physical_resource_id', sa.String(255)),
        sa.Column('action', sa.String(32), nullable=False),
        sa.Column('status', sa.String(32), nullable=False),
        sa.Column('status_reason', sa.Text),
        sa.Column('properties_data', Json),
        sa.Column('rsrc_metadata', Json, nullable=False),
        sa.Column('data', Json, nullable=False),
        sa.Column('attributes', Json, nullable=False),
        sa.Column('replaces', sa.Integer),
        sa.Column('replaced_by', sa.Integer),
        sa.Column('created_at', UTCDateTime, nullable=False),
        sa.Column('updated_at', UTCDateTime),
        **TABLE_OPTIONS,
    )
    op.create_index(
        'ix_resource_stack_id_name', 'resource', ['stack_id', 'name']
    )
    op.create_index(
        'ix_resource_physical_resource_id',
        'resource',
        ['physical_resource_id'],
    )

    op.create_table(
        'event',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column('uuid', sa.String(36), nullable=False),
        sa.Column(
            'stack_id',
            sa.String(36),
            sa.ForeignKey('stack.id'),
            nullable=False,
        ),
        sa.Column('resource_name', sa.String(255), nullable=False),
        sa.Column('physical_resource_id', sa.String(255)),
        sa.Column('resource_type', sa.String(255), nullable=False),
        sa.Column('resource_action', sa.String(32), nullable=False),
        sa.Column('resource_status', sa.String(32), nullable=False),
        sa.Column('resource_status_reason', sa.Text),
        sa.Column('resource_properties', Json),
        sa.Column('created_at', UTCDateTime, nullable=False),
        **TABLE_OPTIONS,
    )
    op.create_index('ix_event_stack_id_id', 'event', ['stack_id', 'id'])
    op.create_index('ix_event_uuid', 'event', ['uuid'], unique=True)

    op.create_table(
        'user_creds',
        sa.Column('id', sa.Integer, primary_key=True),
        sa.Column(
            'stack_id',
            sa.String(36),
            sa.ForeignKey('stack.id'),
            nullable=False,
        ),
        sa.Column('username', sa.String(255)),
        sa.Column('password', sa.Text),
        sa.Column('tenant', sa.String(255), nullable=False),
        sa.Column('trust_id', sa.String(255)),
        sa.Column('auth_url', sa.Text),
        sa.Column('created_at', UTCDateTime, nullable=False),
        **TABLE_OPTIONS,
    )
    op.create_index('ix_user_creds_stack_id', 'user_creds', ['stack_id'])

    op.create_table(
        'ec2_credential',
        sa.Column('access', sa.String(64), primary_key=True),
        sa.Column('secret', sa.Text, nullable=False),
        sa.Column('tenant', sa.String(255), nullable=False),
        sa.Column('user', sa.String(255)),
        sa.Column('stack_id', sa.String(36), sa.ForeignKey('stack.id')),
        sa.Column('created_at', UTCDateTime, nullable=False),
        **TABLE_OPTIONS,
    )
    op.create_index('ix_ec2_credential_tenant', 'ec2_credential', ['tenant'])
    op.create_index(
        'ix_ec2_credential_stack_id', 'ec2_credential', ['stack_id']
    )

    op.create_table(
        'stack_lock',
        sa.Column(
            'stack_id',
            sa.String(36),
            sa.ForeignKey('stack.id'),
            primary_key=True,
        ),
        sa.Column('engine_id', sa.String(255), nullable=False),
        sa.Column('created_at', UTCDateTime, nullable=False),
        **TABLE_OPTIONS,
    )
    op.create_index('ix_stack_lock_engine_id', 'stack_lock', ['engine_id'])


def downgrade():
    for table in (
        'stack_lock',
        'ec2_credential',
        'user_creds',
        'event',
        'resource',
        'stack',
        'raw_template',
    ):
        op.drop_table(table)
