"""Resource signals, keys that may signal one resource, longer physical ids.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from alembic import op
import sqlalchemy as sa

from heat.db.types import UTCDateTime

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

TABLE_OPTIONS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}
# A wait condition handle's physical id is its pre-signed URL.
OLD_PHYSICAL_ID_LENGTH = 255
PHYSICAL_ID_LENGTH = 768


def upgrade():
    op.create_table(
        'resource_signal',
        sa.Column('id', sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            'stack_id',
            sa.String(36),
            sa.ForeignKey('stack.id'),
            nullable=False,
        ),
        sa.Column('resource_name', sa.String(255), nullable=False),
        sa.Column('unique_id', sa.String(255), nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('reason', sa.Text, nullable=False),
        sa.Column('data', sa.Text, nullable=False),
        sa.Column('created_at', UTCDateTime, nullable=False),
        sa.UniqueConstraint(
            'stack_id',
            'resource_name',
            'unique_id',
            name='uq_resource_signal_stack_id',
        ),
        **TABLE_OPTIONS,
    )
    op.add_column('ec2_credential', sa.Column('resource_name', sa.String(255)))
    _physical_id_length(OLD_PHYSICAL_ID_LENGTH, PHYSICAL_ID_LENGTH)


def downgrade():
    _physical_id_length(PHYSICAL_ID_LENGTH, OLD_PHYSICAL_ID_LENGTH)
    with op.batch_alter_table('ec2_credential') as batch:
        batch.drop_column('resource_name')
    op.drop_table('resource_signal')


def _physical_id_length(old, new):
    for table in ('resource', 'event'):
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                'physical_resource_id',
                existing_type=sa.String(old),
                type_=sa.String(new),
            )
