"""The schema and the data API on SQLite, MariaDB and PostgreSQL alike."""

import datetime
import threading

from alembic import autogenerate
from alembic import migration as alembic_migration
import sqlalchemy as sa

from heat.db import api
from heat.db import connection
from heat.db import migration
from heat.db import models
from heat.db import types as db_types


def schema_differences(url):
    engine = connection.make_engine(url)
    try:
        with engine.connect() as conn:
            context = alembic_migration.MigrationContext.configure(
                conn,
                opts={'compare_type': True, 'compare_server_default': True},
            )
            return autogenerate.compare_metadata(context, models.Base.metadata)
    finally:
        engine.dispose()


def table_names(url):
    engine = connection.make_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names()) - {'alembic_version'}
    finally:
        engine.dispose()


def test_migrations_agree_with_models(database_url):
    migration.upgrade(database_url)
    assert migration.version(database_url) == '0006'
    assert schema_differences(database_url) == []


def test_downgrade_to_base_then_upgrade_again(database_url):
    migration.upgrade(database_url)
    migration.downgrade(database_url, 'base')
    assert migration.version(database_url) is None
    assert table_names(database_url) == set()
    migration.upgrade(database_url)
    assert table_names(database_url) == set(models.Base.metadata.tables)
    assert schema_differences(database_url) == []


def test_model_change_is_detected(database_url):
    # The comparison above can fail: a column the migrations lack shows.
    migration.upgrade(database_url)
    metadata = sa.MetaData()
    for table in models.Base.metadata.tables.values():
        table.to_metadata(metadata)
    metadata.tables['stack'].append_column(sa.Column('extra', sa.Integer))
    engine = connection.make_engine(database_url)
    try:
        with engine.connect() as conn:
            context = alembic_migration.MigrationContext.configure(conn)
            diff = autogenerate.compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert [d[0] for d in diff] == ['add_column']


def test_upgrade_dates_stacks_updated_before_by_their_events(database_url):
    # Revision 0004 takes a stack's LastUpdatedTime from its newest
    # UPDATE_IN_PROGRESS event: its resources' events do not count.
    migration.upgrade(database_url, '0003')
    at = [
        datetime.datetime(2026, 1, 1, 0, 0, second, tzinfo=datetime.UTC)
        for second in range(6)
    ]
    stack_events = {
        'updated': [
            ('CREATE', 'IN_PROGRESS', at[0]),
            ('UPDATE', 'IN_PROGRESS', at[1]),
            ('UPDATE', 'COMPLETE', at[2]),
            ('UPDATE', 'IN_PROGRESS', at[3]),
            ('UPDATE_ROLLBACK', 'IN_PROGRESS', at[4]),
        ],
        'created': [
            ('CREATE', 'IN_PROGRESS', at[0]),
            ('CREATE', 'COMPLETE', at[1]),
        ],
    }
    stack, event = models.Stack.__table__, models.Event.__table__
    engine = connection.make_engine(database_url)
    try:
        with engine.begin() as conn:
            template_id = conn.execute(
                models.RawTemplate.__table__.insert().values(template={})
            ).inserted_primary_key[0]
            for name, events in stack_events.items():
                conn.execute(
                    stack.insert().values(
                        id=name,
                        name=name,
                        tenant='t',
                        action='X',
                        status='Y',
                        raw_template_id=template_id,
                    )
                )
                conn.execute(
                    event.insert(),
                    [
                        {
                            'stack_id': name,
                            'resource_name': name,
                            'resource_type': 'AWS::CloudFormation::Stack',
                            'resource_action': action,
                            'resource_status': status,
                            'created_at': moment,
                        }
                        for action, status, moment in events
                    ],
                )
            conn.execute(
                event.insert().values(
                    stack_id='updated',
                    resource_name='R',
                    resource_type='T',
                    resource_action='UPDATE',
                    resource_status='IN_PROGRESS',
                    created_at=at[5],
                )
            )
        migration.upgrade(database_url)
        with engine.connect() as conn:
            assert dict(
                conn.execute(
                    sa.select(stack.c.id, stack.c.last_updated_time)
                ).all()
            ) == {'updated': at[3], 'created': None}
    finally:
        engine.dispose()


# The table 0005 drops, as 0004 left it (the models no longer have it).
USER_CREDS = sa.table(
    'user_creds',
    sa.column('stack_id'),
    sa.column('tenant'),
    sa.column('created_at', db_types.UTCDateTime),
)


def column_names(engine, table):
    return {column['name'] for column in sa.inspect(engine).get_columns(table)}


def test_unused_columns_go_and_come_back_empty(database_url):
    # Revision 0005 drops user_creds and columns nothing used; the rows
    # around them stay, and a downgrade restores the columns.
    migration.upgrade(database_url, '0004')
    engine = connection.make_engine(database_url)
    try:
        with engine.begin() as conn:
            template_id = conn.execute(
                models.RawTemplate.__table__.insert().values(template={})
            ).inserted_primary_key[0]
            conn.execute(
                models.Stack.__table__.insert().values(
                    id='s',
                    name='web',
                    tenant='t',
                    action='CREATE',
                    status='COMPLETE',
                    raw_template_id=template_id,
                )
            )
            conn.execute(
                USER_CREDS.insert().values(
                    stack_id='s',
                    tenant='t',
                    created_at=datetime.datetime(
                        2026, 1, 1, tzinfo=datetime.UTC
                    ),
                )
            )
        migration.upgrade(database_url)
        engine.dispose()
        assert 'user_creds' not in sa.inspect(engine).get_table_names()
        assert 'owner_id' not in column_names(engine, 'stack')
        assert not {'properties_data', 'replaces', 'replaced_by'} & (
            column_names(engine, 'resource')
        )
        assert 'resource_properties' not in column_names(engine, 'event')
        with engine.connect() as conn:
            assert conn.execute(
                sa.text('SELECT name FROM stack')
            ).scalars().all() == ['web']

        migration.downgrade(database_url, '0004')
        engine.dispose()
        assert 'user_creds' in sa.inspect(engine).get_table_names()
        assert 'owner_id' in column_names(engine, 'stack')
        assert {'properties_data', 'replaces', 'replaced_by'} <= (
            column_names(engine, 'resource')
        )
        assert 'resource_properties' in column_names(engine, 'event')
        with engine.connect() as conn:
            assert conn.execute(
                sa.text('SELECT name, owner_id FROM stack')
            ).all() == [('web', None)]
    finally:
        engine.dispose()


# -- the data API ------------------------------------------------------------


def make_stack(name='web', tenant='tenant-a', template=None):
    template_id = api.raw_template_create(template or {'Resources': {}})
    return api.stack_create(
        {
            'name': name,
            'tenant': tenant,
            'raw_template_id': template_id,
            'action': 'CREATE',
            'status': 'IN_PROGRESS',
            'tags': [{'Key': 'k', 'Value': 'v'}],
        }
    )


def test_large_unicode_template_round_trips(heat_db_any):
    # Larger than MySQL's TEXT (64 KiB), non-ASCII.
    template = {
        'Description': '\u00e9\u6f22\U0001f600' * 30000,
        'Resources': {},
    }
    stack = make_stack(template=template)
    assert api.raw_template_get(stack.raw_template_id) == template
    assert api.stack_get(stack.id).tags == [{'Key': 'k', 'Value': 'v'}]


def test_stacks_are_scoped_by_tenant(heat_db_any):
    stack = make_stack()
    make_stack(name='other', tenant='tenant-b')
    assert api.stack_get(stack.id, tenant='tenant-b') is None
    assert api.stack_get_by_name('tenant-a', 'web').id == stack.id
    assert [s.name for s in api.stack_list('tenant-a')] == ['web']
    api.stack_soft_delete(stack.id)
    assert api.stack_list('tenant-a') == []


def test_describe_reads_agree_with_the_models(heat_db_any):
    stack = make_stack()
    model = api.stack_get(stack.id)
    columns = [c.key for c in models.Stack.__table__.columns]
    for view in (
        api.stack_view(stack.id, tenant='tenant-a'),
        api.stack_view_by_name('tenant-a', 'web'),
    ):
        assert {c: getattr(view, c) for c in columns} == {
            c: getattr(model, c) for c in columns
        }
    api.resources_create(
        [
            {'stack_id': stack.id, 'name': name, 'type': 'T', 'action': action}
            for name, action in (
                ('b', 'CREATE'),
                ('a', 'INIT'),
                ('c', 'DELETE'),
            )
        ]
    )
    assert [
        (r.name, r.action)
        for r in api.stack_resource_states(stack.id, 'tenant-a').resources
    ] == [('b', 'CREATE'), ('c', 'DELETE')]


def test_bulk_resources_and_events(heat_db_any):
    stack = make_stack()
    rows = api.resources_create(
        [
            {
                'stack_id': stack.id,
                'name': 'r%d' % i,
                'type': 'T',
                'data': {'i': i},
            }
            for i in range(50)
        ]
    )
    assert [r.name for r in rows] == ['r%d' % i for i in range(50)]
    events = [
        {
            'stack_id': stack.id,
            'resource_name': 'r%d' % i,
            'resource_type': 'T',
            'resource_action': 'CREATE',
            'resource_status': 'COMPLETE',
        }
        for i in range(50)
    ]
    api.write_batch(
        [
            (r.id, {'status': 'FAILED', 'physical_resource_id': 'p%d' % r.id})
            for r in rows
        ],
        events,
    )
    stored = api.resource_get_all(stack.id)
    assert {r.status for r in stored} == {'FAILED'}
    assert (
        api.resource_get_by_physical_id('tenant-a', 'p%d' % rows[3].id).name
        == 'r3'
    )
    assert (
        api.resource_get_by_physical_id('tenant-b', 'p%d' % rows[3].id) is None
    )
    listed = api.event_list(stack.id)
    assert [e.resource_name for e in listed] == [
        'r%d' % i for i in reversed(range(50))
    ]
    page = api.event_list(stack.id, limit=5, marker=listed[4].uuid)
    assert [e.uuid for e in page] == [e.uuid for e in listed[5:10]]


def test_timestamps_are_utc_with_microseconds(heat_db_any):
    stack = make_stack()
    moment = datetime.datetime(
        2024, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.UTC
    )
    api.stack_update(stack.id, {'deleted_at': moment})
    assert api.stack_get(stack.id, show_deleted=True).deleted_at == moment


def test_only_one_engine_gets_the_lock(heat_db_any):
    stack = make_stack()
    results = []
    barrier = threading.Barrier(6)

    def contend(engine_id):
        barrier.wait()
        results.append(api.stack_lock_acquire(stack.id, engine_id))

    threads = [
        threading.Thread(target=contend, args=('e%d' % i,)) for i in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results.count(None) == 1
    winner = api.stack_locks_holders()[stack.id]
    assert api.stack_lock_steal(stack.id, winner, 'new') is True
    assert api.stack_lock_release(stack.id, winner) is False
    assert api.stack_lock_release(stack.id, 'new') is True


def test_credentials_and_purge(heat_db_any):
    stack = make_stack()
    access, secret = api.ec2_credential_create('tenant-a', stack_id=stack.id)
    assert api.ec2_credential_get(access).secret == secret
    api.stack_update(
        stack.id,
        {'deleted_at': datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)},
    )
    assert api.purge_deleted(datetime.timedelta(days=1)) == 1
    assert api.ec2_credential_get(access) is None
    assert api.stack_get(stack.id, show_deleted=True) is None
