"""Drop what nothing reads: user_creds, and columns never written or read.

Nothing stored user credentials in user_creds or read them back.
stack.owner_id (Heat has no nested stacks), resource.properties_data,
replaces and replaced_by, and event.resource_properties were never read,
and only ever written empty (replaces alone was written, and never read).
A downgrade brings them back empty.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07
"""

from alembic import op
import sqlalchemy as sa

from heat.db.types import Json
from heat.db.types import UTCDateTime

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# As 0001 made tables.
TABLE_OPTIONS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}
RESOURCE_COLUMNS = (
    ('properties_data', Json),
    ('replaces', sa.Integer),
    ('replaced_by', sa.Integer),
)


def upgrade():
    op.drop_table('user_creds')
    _drop_stack_owner()
    with op.batch_alter_table('resource') as batch:
        for name, _ in RESOURCE_COLUMNS:
            batch.drop_column(name)
    with op.batch_alter_table('event') as batch:
        batch.drop_column('resource_properties')


def _drop_stack_owner():
    # 0001 left the foreign key's name to the database (MySQL and
    # PostgreSQL name it differently), and MySQL will not drop a column
    # or an index a foreign key still uses.
    names = [
        key['name']
        for key in sa.inspect(op.get_bind()).get_foreign_keys('stack')
        if key['constrained_columns'] == ['owner_id'] and key['name']
    ]
    with op.batch_alter_table('stack') as batch:
        for name in names:
            batch.drop_constraint(name, type_='foreignkey')
        batch.drop_index('ix_stack_owner_id')
        batch.drop_column('owner_id')


def downgrade():
    with op.batch_alter_table('event') as batch:
        batch.add_column(sa.Column('resource_properties', Json))
    with op.batch_alter_table('resource') as batch:
        for name, type_ in RESOURCE_COLUMNS:
            batch.add_column(sa.Column(name, type_))
    with op.batch_alter_table('stack') as batch:
        batch.add_column(sa.Column('owner_id', sa.String(36)))
        batch.create_foreign_key(
            'fk_stack_owner_id', 'stack', ['owner_id'], ['id']
        )
        batch.create_index('ix_stack_owner_id', ['owner_id'])
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
