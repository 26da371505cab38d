"""A stack name belongs to one live stack of its tenant, as the database
enforces.

Checking for the name before inserting let concurrent CreateStack calls
with one name all succeed.  The database must refuse the second insert,
but only among live stacks: a deleted stack's row stays (until purged)
and its name is free again.  SQLite and PostgreSQL could do that with a
partial unique index; MariaDB has none.  So stack.live_name holds the name
while the stack is live and NULL once it is deleted, and a unique index
on (tenant, live_name) holds on all three, since NULLs never collide.  The
data API sets live_name with the insert and clears it with the deletion.

Stacks that already share a live name (the race above made them): the
newest, which a lookup by name finds, holds the name; the others keep
live_name NULL, found by their ids only as before.  A downgrade drops the
column and its index.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08
"""

from alembic import op
import sqlalchemy as sa

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

INDEX = 'uq_stack_tenant_live_name'


def upgrade():
    op.add_column('stack', sa.Column('live_name', sa.String(255)))
    _name_holders()
    op.create_index(INDEX, 'stack', ['tenant', 'live_name'], unique=True)


def _name_holders():
    # In Python rather than one UPDATE: MySQL's UPDATE cannot read the
    # table it updates in a subquery.
    stack = sa.table(
        'stack',
        sa.column('id'),
        sa.column('tenant'),
        sa.column('name'),
        sa.column('live_name'),
        sa.column('created_at'),
        sa.column('deleted_at'),
    )
    bind = op.get_bind()
    live = bind.execute(
        sa.select(stack.c.id, stack.c.tenant, stack.c.name)
        .where(stack.c.deleted_at.is_(None))
        .order_by(stack.c.created_at, stack.c.id)
    )
    # Later rows are newer: the last one of each name holds it.
    holders = {(row.tenant, row.name): row.id for row in live}
    if not holders:
        return
    bind.execute(
        stack.update()
        .where(stack.c.id == sa.bindparam('holder'))
        .values(live_name=sa.bindparam('held')),
        [
            {'holder': stack_id, 'held': name}
            for (_, name), stack_id in holders.items()
        ],
    )


def downgrade():
    with op.batch_alter_table('stack') as batch:
        batch.drop_index(INDEX)
        batch.drop_column('live_name')
