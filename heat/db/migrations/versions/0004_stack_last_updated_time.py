"""The time a stack's latest update started, as AWS's LastUpdatedTime.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from alembic import op
import sqlalchemy as sa

from heat.db.types import UTCDateTime

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

# The resource type of a stack's own events, as heat.engine.stack names it.
STACK_EVENT_TYPE = 'AWS::CloudFormation::Stack'


def upgrade():
    op.add_column('stack', sa.Column('last_updated_time', UTCDateTime))
    # Stacks updated already: their latest update started when they last
    # entered UPDATE_IN_PROGRESS, which their events record.
    stack = sa.table('stack', sa.column('id'), sa.column('last_updated_time'))
    event = sa.table(
        'event',
        sa.column('stack_id'),
        sa.column('resource_type'),
        sa.column('resource_action'),
        sa.column('resource_status'),
        sa.column('created_at'),
    )
    started = (
        sa.select(sa.func.max(event.c.created_at))
        .where(
            event.c.stack_id == stack.c.id,
            event.c.resource_type == STACK_EVENT_TYPE,
            event.c.resource_action == 'UPDATE',
            event.c.resource_status == 'IN_PROGRESS',
        )
        .scalar_subquery()
    )
    op.execute(stack.update().values(last_updated_time=started))


def downgrade():
    with op.batch_alter_table('stack') as batch:
        batch.drop_column('last_updated_time')
