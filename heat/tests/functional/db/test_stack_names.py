"""A name belongs to one live stack of a tenant, as the database enforces
on SQLite, MariaDB and PostgreSQL."""

import datetime

import pytest
import sqlalchemy as sa

from heat.common import exception
from heat.db import api
from heat.db import connection
from heat.db import migration
from heat.db import models
from heat.tests.functional import racing

RACERS = 12
TEMPLATE = {'Resources': {}}


def stack_values(name='web', tenant='tenant-a'):
    return {
        'name': name,
        'tenant': tenant,
        'action': 'CREATE',
        'status': 'IN_PROGRESS',
    }


def create(name='web', tenant='tenant-a'):
    return api.stack_create(stack_values(name, tenant), template=TEMPLATE)


def count_rows(model):
    with connection.reading() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_concurrent_creates_of_one_name_make_one_stack(heat_db_any):
    outcomes = racing.at_once(RACERS, lambda i: create())
    made = [o for o in outcomes if isinstance(o, models.Stack)]
    refused = [o for o in outcomes if isinstance(o, exception.AlreadyExists)]
    assert (len(made), len(refused)) == (1, RACERS - 1), outcomes
    assert {str(o) for o in refused} == {'Stack [web] already exists'}
    assert [s.id for s in api.stack_list('tenant-a')] == [made[0].id]
    # The refused inserts took their templates with them.
    assert count_rows(models.RawTemplate) == 1


def test_a_deleted_stacks_name_is_free_again(heat_db_any):
    old = create()
    with pytest.raises(exception.AlreadyExists):
        create()
    api.stack_soft_delete(old.id)
    new = create()
    assert api.stack_get_by_name('tenant-a', 'web').id == new.id
    assert api.stack_get(old.id, show_deleted=True).name == 'web'
    # Another tenant's stack of that name, live or not, is no obstacle.
    assert create(tenant='tenant-b').name == 'web'


# -- revision 0006 -----------------------------------------------------------

STACK = models.Stack.__table__
# (id, tenant, name, created second, deleted), as the race left stacks
# before 0006: two live "web" of tenant-a, a deleted and a live "db".
OLD_STACKS = [
    ('web-old', 'tenant-a', 'web', 1, False),
    ('web-new', 'tenant-a', 'web', 2, False),
    ('db-gone', 'tenant-a', 'db', 3, True),
    ('db', 'tenant-a', 'db', 4, False),
    ('web-b', 'tenant-b', 'web', 5, False),
]


def at(second):
    return datetime.datetime(2026, 1, 1, 0, 0, second, tzinfo=datetime.UTC)


def insert_old_stacks(engine):
    # The table's columns but live_name, which 0005 lacks.
    with engine.begin() as conn:
        template_id = conn.execute(
            models.RawTemplate.__table__.insert().values(template={})
        ).inserted_primary_key[0]
        for stack_id, tenant, name, second, deleted in OLD_STACKS:
            conn.execute(
                STACK.insert().values(
                    id=stack_id,
                    tenant=tenant,
                    name=name,
                    action='CREATE',
                    status='COMPLETE',
                    raw_template_id=template_id,
                    created_at=at(second),
                    deleted_at=at(30) if deleted else None,
                )
            )
        return template_id


def live_names(engine):
    with engine.connect() as conn:
        return dict(
            conn.execute(sa.select(STACK.c.id, STACK.c.live_name)).all()
        )


def test_upgrade_gives_each_live_name_to_its_newest_stack(database_url):
    migration.upgrade(database_url, '0005')
    engine = connection.make_engine(database_url)
    try:
        template_id = insert_old_stacks(engine)
        migration.upgrade(database_url, '0006')
        assert live_names(engine) == {
            'web-old': None,
            'web-new': 'web',
            'db-gone': None,
            'db': 'db',
            'web-b': 'web',
        }
        # From now on the database refuses a second live "web".
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(
                STACK.insert().values(
                    id='web-third',
                    tenant='tenant-a',
                    name='web',
                    live_name='web',
                    action='CREATE',
                    status='COMPLETE',
                    raw_template_id=template_id,
                )
            )

        migration.downgrade(database_url, '0005')
        engine.dispose()
        columns = {c['name'] for c in sa.inspect(engine).get_columns('stack')}
        assert 'live_name' not in columns
        with engine.connect() as conn:
            assert sorted(
                conn.execute(sa.text('SELECT id FROM stack')).scalars()
            ) == sorted(row[0] for row in OLD_STACKS)
        migration.upgrade(database_url)
        assert live_names(engine)['web-new'] == 'web'
    finally:
        engine.dispose()
