"""The data API on a real SQLite file."""

import datetime
import string
import threading

import pytest
import sqlalchemy as sa

from heat.common import exception
from heat.db import api
from heat.db import connection
from heat.db import migration
from heat.db import models

pytestmark = pytest.mark.usefixtures('heat_db')


def make_stack(name='web', tenant='tenant-a', **values):
    template_id = api.raw_template_create({'Resources': {}})
    return api.stack_create(
        {
            'name': name,
            'tenant': tenant,
            'raw_template_id': template_id,
            'action': 'CREATE',
            'status': 'IN_PROGRESS',
            **values,
        }
    )


def resource_values(stack_id, name, **values):
    return {
        'stack_id': stack_id,
        'name': name,
        'type': 'AWS::EC2::Instance',
        **values,
    }


def event_values(stack_id, name, status='IN_PROGRESS'):
    return {
        'stack_id': stack_id,
        'resource_name': name,
        'resource_type': 'AWS::EC2::Instance',
        'resource_action': 'CREATE',
        'resource_status': status,
    }


# -- templates and stacks ----------------------------------------------------


def test_raw_template_round_trip():
    template = {
        'Resources': {'A': {'Type': 'T', 'Properties': {'x': [1]}}},
        'Description': 'caf\u00e9',
    }
    assert api.raw_template_get(api.raw_template_create(template)) == template


def test_raw_template_get_missing():
    with pytest.raises(exception.EntityNotFound):
        api.raw_template_get(12345)


def test_stack_create_fills_defaults():
    stack = make_stack(parameters={'KeyName': 'k'}, timeout=10)
    assert len(stack.id) == 36
    assert stack.parameters == {'KeyName': 'k'}
    assert stack.tags == [] and stack.capabilities == []
    assert stack.disable_rollback is False
    assert stack.created_at.tzinfo == datetime.UTC
    assert api.stack_get(stack.id).timeout == 10


def test_stack_get_is_scoped_by_tenant():
    stack = make_stack(tenant='tenant-a')
    assert api.stack_get(stack.id, tenant='tenant-a').id == stack.id
    assert api.stack_get(stack.id, tenant='tenant-b') is None
    assert api.stack_get_by_name('tenant-b', 'web') is None
    assert api.stack_get_by_name('tenant-a', 'web').id == stack.id


def test_stack_views_read_what_stack_get_reads():
    stack = make_stack(
        tenant='tenant-a',
        parameters={'Size': 'small'},
        tags=[{'Key': 'k', 'Value': 'v'}],
    )
    model = api.stack_get(stack.id)
    columns = [c.key for c in sa.inspect(type(model)).columns]
    for view in (
        api.stack_view(stack.id),
        api.stack_view(stack.id, tenant='tenant-a'),
        api.stack_view_by_name('tenant-a', 'web'),
    ):
        assert {c: getattr(view, c) for c in columns} == {
            c: getattr(model, c) for c in columns
        }
    assert api.stack_view(stack.id, tenant='tenant-b') is None
    assert api.stack_view_by_name('tenant-b', 'web') is None
    api.stack_soft_delete(stack.id)
    assert api.stack_view(stack.id) is None
    assert api.stack_view_by_name('tenant-a', 'web') is None
    assert api.stack_view(stack.id, show_deleted=True).deleted_at is not None


def test_soft_deleted_stack_is_hidden_unless_asked():
    stack = make_stack()
    api.stack_soft_delete(stack.id)
    assert api.stack_get(stack.id) is None
    assert api.stack_get_by_name('tenant-a', 'web') is None
    assert api.stack_get(stack.id, show_deleted=True).deleted_at is not None
    assert api.stack_list('tenant-a') == []
    assert [s.id for s in api.stack_list('tenant-a', show_deleted=True)] == [
        stack.id
    ]


def test_stack_name_can_be_reused_after_delete():
    old = make_stack()
    api.stack_soft_delete(old.id)
    new = make_stack()
    assert api.stack_get_by_name('tenant-a', 'web').id == new.id


def test_stack_update():
    stack = make_stack()
    api.stack_update(stack.id, {'status': 'COMPLETE', 'status_reason': 'ok'})
    updated = api.stack_get(stack.id)
    assert (updated.status, updated.status_reason) == ('COMPLETE', 'ok')
    assert updated.updated_at is not None


def test_stack_update_missing_raises():
    with pytest.raises(exception.StackNotFound):
        api.stack_update('no-such-stack', {'status': 'COMPLETE'})


def test_stack_list_newest_first_with_paging_and_tenant():
    names = ['s%d' % i for i in range(5)]
    for name in names:
        make_stack(name=name)
    make_stack(name='other', tenant='tenant-b')
    listed = api.stack_list('tenant-a')
    assert [s.name for s in listed] == names[::-1]
    page1 = api.stack_list('tenant-a', limit=2)
    page2 = api.stack_list('tenant-a', limit=2, marker=page1[-1].id)
    page3 = api.stack_list('tenant-a', limit=2, marker=page2[-1].id)
    assert [s.name for s in page1 + page2 + page3] == names[::-1]
    # Another tenant's stack is no marker for this one.
    other = api.stack_get_by_name('tenant-b', 'other')
    assert api.stack_list('tenant-a', marker=other.id) == []


def test_stack_list_filters_by_status():
    make_stack(name='a')
    done = make_stack(name='b')
    api.stack_update(done.id, {'status': 'COMPLETE'})
    listed = api.stack_list('tenant-a', statuses=['CREATE_COMPLETE'])
    assert [s.name for s in listed] == ['b']


# -- resources ---------------------------------------------------------------


def test_resources_create_keeps_order_and_defaults():
    stack = make_stack()
    rows = api.resources_create(
        [resource_values(stack.id, 'r%d' % i) for i in range(20)]
    )
    assert [r.name for r in rows] == ['r%d' % i for i in range(20)]
    assert all(r.id is not None for r in rows)
    assert (rows[0].action, rows[0].status, rows[0].data) == (
        'INIT',
        'COMPLETE',
        {},
    )
    assert api.resources_create([]) == []


def test_resource_get_and_get_all():
    stack = make_stack()
    api.resource_create(resource_values(stack.id, 'A'))
    api.resource_create(resource_values(stack.id, 'B'))
    assert api.resource_get(stack.id, 'B').name == 'B'
    assert api.resource_get(stack.id, 'C') is None
    assert [r.name for r in api.resource_get_all(stack.id)] == ['A', 'B']


def test_resource_states_show_the_started_resources_in_order():
    stack = make_stack()
    other = make_stack(name='other')
    api.resource_create(
        resource_values(
            stack.id,
            'B',
            action='CREATE',
            status='COMPLETE',
            physical_resource_id='pb',
        )
    )
    api.resource_create(resource_values(stack.id, 'Unstarted'))
    api.resource_create(
        resource_values(
            stack.id,
            'A',
            action='CREATE',
            status='FAILED',
            status_reason='no room',
        )
    )
    api.resource_create(resource_values(other.id, 'C', action='CREATE'))
    states = api.stack_resource_states(stack.id, 'tenant-a').resources
    assert [
        (
            r.name,
            r.type,
            r.physical_resource_id,
            r.action,
            r.status,
            r.status_reason,
        )
        for r in states
    ] == [
        ('B', 'AWS::EC2::Instance', 'pb', 'CREATE', 'COMPLETE', None),
        ('A', 'AWS::EC2::Instance', None, 'CREATE', 'FAILED', 'no room'),
    ]
    assert states[0].created_at.tzinfo is not None
    assert states[0].updated_at is None


def test_resource_views_read_what_stacks_restore_from():
    stack = make_stack()
    first = api.resource_create(resource_values(stack.id, 'A'))
    api.resource_update(
        first.id,
        {
            'data': {'k': 'v'},
            'rsrc_metadata': {'m': 1},
            'physical_resource_id': 'pa',
        },
    )
    api.resource_create(resource_values(stack.id, 'B', action='CREATE'))
    api.resource_create(resource_values(make_stack(name='other').id, 'C'))
    columns = (
        'id',
        'name',
        'action',
        'status',
        'status_reason',
        'physical_resource_id',
        'data',
        'rsrc_metadata',
    )
    assert [
        {c: getattr(r, c) for c in columns}
        for r in api.resource_views(stack.id)
    ] == [
        {c: getattr(r, c) for c in columns}
        for r in api.resource_get_all(stack.id)
    ]
    assert api.resource_views(stack.id)[0].data == {'k': 'v'}


def test_stack_resource_states_read_the_stack_with_its_started_resources():
    stack = make_stack()
    other = make_stack(name='other')
    api.resource_create(
        resource_values(
            stack.id, 'B', action='CREATE', physical_resource_id='pb'
        )
    )
    api.resource_create(resource_values(stack.id, 'Unstarted'))
    api.resource_create(resource_values(stack.id, 'A', action='DELETE'))
    api.resource_create(resource_values(other.id, 'C', action='CREATE'))
    for read in (
        api.stack_resource_states(stack.id, 'tenant-a'),
        api.stack_resource_states_by_name('tenant-a', 'web'),
    ):
        assert (read.id, read.name, read.tenant, read.deleted_at) == (
            stack.id,
            'web',
            'tenant-a',
            None,
        )
        assert [
            (r.name, r.action, r.physical_resource_id) for r in read.resources
        ] == [('B', 'CREATE', 'pb'), ('A', 'DELETE', None)]


def test_stack_resource_states_of_a_stack_without_started_resources():
    stack = make_stack()
    api.resource_create(resource_values(stack.id, 'Unstarted'))
    assert api.stack_resource_states(stack.id, 'tenant-a').resources == []
    assert api.stack_resource_states_by_name('tenant-a', 'web').resources == []


def test_stack_resource_states_are_scoped_like_the_views():
    stack = make_stack()
    api.resource_create(resource_values(stack.id, 'A', action='CREATE'))
    assert api.stack_resource_states(stack.id, 'tenant-b') is None
    assert api.stack_resource_states_by_name('tenant-b', 'web') is None
    api.stack_soft_delete(stack.id)
    assert api.stack_resource_states(stack.id, 'tenant-a') is None
    assert api.stack_resource_states_by_name('tenant-a', 'web') is None
    deleted = api.stack_resource_states(
        stack.id, 'tenant-a', show_deleted=True
    )
    assert deleted.deleted_at is not None
    assert [r.name for r in deleted.resources] == ['A']


def test_stack_resource_states_by_name_take_the_newest_live_stack():
    # Live stacks sharing a name, as made before the database refused
    # them: revision 0006 left the older without the name to hold.
    old = make_stack()
    api.stack_update(old.id, {'live_name': None})
    new = make_stack(created_at=old.created_at + datetime.timedelta(seconds=1))
    for stack in (old, new):
        api.resource_create(
            resource_values(stack.id, 'R' + stack.id, action='CREATE')
        )
    read = api.stack_resource_states_by_name('tenant-a', 'web')
    assert read.id == new.id
    assert [r.name for r in read.resources] == ['R' + new.id]


def test_direct_reads_follow_the_database_configured(heat_db, tmp_path):
    # A read compiled for one engine must not keep reading its database.
    make_stack()
    assert api.stack_view_by_name('tenant-a', 'web') is not None
    other = tmp_path / 'other.sqlite'
    migration.upgrade('sqlite:///%s' % other)
    connection.configure('sqlite:///%s' % other)
    try:
        assert api.stack_view_by_name('tenant-a', 'web') is None
    finally:
        connection.configure(heat_db)
    assert api.stack_view_by_name('tenant-a', 'web') is not None


def test_direct_reads_take_only_values_bound_as_given():
    read = connection.DirectRead(
        sa.select(models.Stack.id).where(
            models.Stack.id.in_(sa.bindparam('ids', expanding=True))
        )
    )
    with pytest.raises(ValueError):
        read.rows(ids=['a'])


def test_resource_update_and_delete():
    stack = make_stack()
    row = api.resource_create(resource_values(stack.id, 'A'))
    api.resource_update(
        row.id,
        {
            'status': 'FAILED',
            'data': {'k': 'v'},
            'attributes': {'PublicIp': '1.2.3.4'},
        },
    )
    got = api.resource_get(stack.id, 'A')
    assert (got.status, got.data, got.attributes) == (
        'FAILED',
        {'k': 'v'},
        {'PublicIp': '1.2.3.4'},
    )
    assert got.updated_at is not None
    assert api.resource_delete(row.id) is True
    assert api.resource_delete(row.id) is False
    with pytest.raises(exception.EntityNotFound):
        api.resource_update(row.id, {'status': 'COMPLETE'})


def test_batch_updates_rows_with_different_columns():
    stack = make_stack()
    a, b = api.resources_create(
        [resource_values(stack.id, 'A'), resource_values(stack.id, 'B')]
    )
    api.write_batch(
        [
            (a.id, {'status': 'FAILED'}),
            (b.id, {'physical_resource_id': 'i-1'}),
        ],
        [],
    )
    got = {r.name: r for r in api.resource_get_all(stack.id)}
    assert (got['A'].status, got['A'].physical_resource_id) == ('FAILED', None)
    assert (got['B'].status, got['B'].physical_resource_id) == (
        'COMPLETE',
        'i-1',
    )


def test_resource_get_by_physical_id_is_scoped_by_tenant():
    mine = make_stack(tenant='tenant-a')
    theirs = make_stack(tenant='tenant-b')
    api.resource_create(
        resource_values(mine.id, 'A', physical_resource_id='i-1')
    )
    api.resource_create(
        resource_values(theirs.id, 'B', physical_resource_id='i-2')
    )
    assert api.resource_get_by_physical_id('tenant-a', 'i-1').name == 'A'
    assert api.resource_get_by_physical_id('tenant-a', 'i-2') is None
    api.stack_soft_delete(mine.id)
    assert api.resource_get_by_physical_id('tenant-a', 'i-1') is None


# -- events ------------------------------------------------------------------


def test_event_list_newest_first_with_marker():
    stack = make_stack()
    other = make_stack(name='other')
    first = api.event_create(event_values(stack.id, 'A'))
    api.write_batch(
        [], [event_values(stack.id, 'B'), event_values(stack.id, 'C')]
    )
    api.event_create(event_values(other.id, 'X'))
    events = api.event_list(stack.id)
    assert [e.resource_name for e in events] == ['C', 'B', 'A']
    assert events[-1].uuid == first.uuid
    assert events[0].created_at >= events[-1].created_at
    page = api.event_list(stack.id, limit=1, marker=events[0].uuid)
    assert [e.resource_name for e in page] == ['B']
    assert api.event_list(stack.id, marker='no-such-event') == []
    # An event of another stack is no marker here.
    foreign_marker = api.event_list(other.id)[0].uuid
    assert api.event_list(stack.id, marker=foreign_marker) == []


def test_event_timestamps_keep_microseconds():
    stack = make_stack()
    event = api.event_create(event_values(stack.id, 'A'))
    stored = api.event_list(stack.id)[0]
    assert stored.created_at == event.created_at


def test_write_batch_is_one_transaction():
    stack = make_stack()
    row = api.resource_create(resource_values(stack.id, 'A'))
    bad_event = event_values('no-such-stack', 'A')
    with pytest.raises(sa.exc.IntegrityError):
        api.write_batch([(row.id, {'status': 'FAILED'})], [bad_event])
    assert api.resource_get(stack.id, 'A').status == 'COMPLETE'
    api.write_batch(
        [(row.id, {'status': 'FAILED'})],
        [event_values(stack.id, 'A', 'FAILED')],
    )
    assert api.resource_get(stack.id, 'A').status == 'FAILED'
    assert api.event_list(stack.id)[0].resource_status == 'FAILED'


def test_bulk_writes_keep_order_and_values():
    # How fast these are is measured by tools/bench, not asserted here.
    stack = make_stack()
    rows = api.resources_create(
        [
            resource_values(stack.id, 'r%d' % i, data={'x': i})
            for i in range(500)
        ]
    )
    api.write_batch(
        [
            (
                r.id,
                {'status': 'COMPLETE', 'physical_resource_id': 'p%d' % r.id},
            )
            for r in rows
        ],
        [event_values(stack.id, 'r%d' % (i // 2)) for i in range(1000)],
    )
    assert [r.name for r in rows] == ['r%d' % i for i in range(500)]
    assert len(api.event_list(stack.id)) == 1000
    updated = api.resource_get(stack.id, 'r7')
    assert updated.status == 'COMPLETE'
    assert updated.physical_resource_id == 'p%d' % rows[7].id


# -- stack locks -------------------------------------------------------------


def test_lock_acquire_and_release():
    stack = make_stack()
    assert api.stack_lock_acquire(stack.id, 'engine-1') is None
    assert api.stack_lock_acquire(stack.id, 'engine-2') == 'engine-1'
    assert api.stack_lock_acquire(stack.id, 'engine-1') == 'engine-1'
    assert api.stack_locks_holders() == {stack.id: 'engine-1'}
    assert api.stack_lock_release(stack.id, 'engine-2') is False
    assert api.stack_lock_release(stack.id, 'engine-1') is True
    assert api.stack_lock_release(stack.id, 'engine-1') is False
    assert api.stack_lock_acquire(stack.id, 'engine-2') is None


def test_lock_steal_only_from_the_named_holder():
    stack = make_stack()
    api.stack_lock_acquire(stack.id, 'dead')
    assert api.stack_lock_steal(stack.id, 'someone-else', 'new') is False
    assert api.stack_lock_steal(stack.id, 'dead', 'new') is True
    assert api.stack_locks_holders() == {stack.id: 'new'}


def test_lock_of_missing_stack():
    with pytest.raises(exception.StackNotFound):
        api.stack_lock_acquire('no-such-stack', 'engine-1')


def test_only_one_of_many_threads_gets_the_lock():
    stack = make_stack()
    results = []
    barrier = threading.Barrier(8)

    def contend(engine_id):
        barrier.wait()
        results.append(api.stack_lock_acquire(stack.id, engine_id))

    threads = [
        threading.Thread(target=contend, args=('e%d' % i,)) for i in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results.count(None) == 1
    winner = api.stack_locks_holders()[stack.id]
    assert set(results) == {None, winner}


def test_concurrent_writers_queue_instead_of_failing():
    stacks = [make_stack(name='s%d' % i) for i in range(8)]
    errors = []

    def write(stack):
        try:
            for i in range(15):
                row = api.resource_create(resource_values(stack.id, 'r%d' % i))
                api.write_batch(
                    [(row.id, {'status': 'FAILED'})],
                    [event_values(stack.id, 'r%d' % i)],
                )
                api.stack_update(stack.id, {'status_reason': str(i)})
        except Exception as exc:  # reported below, with the thread's error
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(s,)) for s in stacks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert all(len(api.event_list(s.id)) == 15 for s in stacks)


# -- credentials -------------------------------------------------------------


def test_ec2_credential_create_get_list_delete():
    stack = make_stack()
    access, secret = api.ec2_credential_create('tenant-a', user='alice')
    scoped, _ = api.ec2_credential_create('tenant-a', stack_id=stack.id)
    api.ec2_credential_create('tenant-b')
    assert len(access) == 20 and access.isalnum() and access.isupper()
    assert len(secret) == 40
    got = api.ec2_credential_get(access)
    assert (got.secret, got.tenant, got.user, got.stack_id) == (
        secret,
        'tenant-a',
        'alice',
        None,
    )
    assert secret not in repr(got)
    listed = api.ec2_credential_list('tenant-a')
    assert {k.access for k in listed} == {access, scoped}
    assert all(k.secret is None for k in listed)
    assert [k.access for k in api.ec2_credential_list(stack_id=stack.id)] == [
        scoped
    ]
    assert len(api.ec2_credential_list()) == 3
    assert api.ec2_credential_delete(access) is True
    assert api.ec2_credential_delete(access) is False
    assert api.ec2_credential_get(access) is None


def test_ec2_credentials_are_random():
    pairs = {api.ec2_credential_create('t') for _ in range(5)}
    assert len({a for a, _ in pairs}) == 5 and len({s for _, s in pairs}) == 5


def test_keys_are_shaped_like_aws_and_use_their_whole_alphabet():
    pairs = [api.resource_key_new('t', None, 's', 'H')[:2] for _ in range(300)]
    assert all(len(a) == 20 and len(s) == 40 for a, s in pairs)
    access_chars = ''.join(a for a, _ in pairs)
    secret_chars = ''.join(s for _, s in pairs)
    assert set(access_chars) == set(string.ascii_uppercase + string.digits)
    assert set(secret_chars) == set(
        string.ascii_letters + string.digits + '+/'
    )


# -- purge -------------------------------------------------------------------


def _age_deletion(stack_id, days):
    when = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=days)
    api.stack_update(stack_id, {'deleted_at': when})


def test_purge_deleted_removes_old_stacks_and_their_rows():
    old = make_stack(name='old')
    recent = make_stack(name='recent')
    live = make_stack(name='live')
    for stack in (old, recent, live):
        api.resource_create(resource_values(stack.id, 'A'))
        api.event_create(event_values(stack.id, 'A'))
        api.ec2_credential_create('tenant-a', stack_id=stack.id)
    api.stack_lock_acquire(old.id, 'engine-1')
    _age_deletion(old.id, days=10)
    _age_deletion(recent.id, days=1)

    assert api.purge_deleted(datetime.timedelta(days=5)) == 1

    assert api.stack_get(old.id, show_deleted=True) is None
    assert api.resource_get_all(old.id) == []
    assert api.event_list(old.id) == []
    assert api.stack_locks_holders() == {}
    assert api.ec2_credential_list(stack_id=old.id) == []
    with pytest.raises(exception.EntityNotFound):
        api.raw_template_get(old.raw_template_id)
    for kept in (recent, live):
        assert api.stack_get(kept.id, show_deleted=True) is not None
        assert len(api.resource_get_all(kept.id)) == 1
        assert api.raw_template_get(kept.raw_template_id) == {'Resources': {}}
    assert api.purge_deleted(datetime.timedelta(days=5)) == 0


def test_purge_keeps_templates_still_in_use():
    parent = make_stack(name='parent')
    child = make_stack(name='child', raw_template_id=parent.raw_template_id)
    _age_deletion(parent.id, days=2)
    assert api.purge_deleted(datetime.timedelta(days=1)) == 1
    kept = api.stack_get(child.id)
    assert api.raw_template_get(kept.raw_template_id) == {'Resources': {}}
