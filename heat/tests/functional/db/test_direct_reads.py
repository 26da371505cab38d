"""The describes' direct reads on SQLite, MariaDB and PostgreSQL alike:
the same values, converted the same way, as the models read."""

import datetime

from heat.db import api


def make_stack(name='web', tenant='tenant-a'):
    template_id = api.raw_template_create({'Resources': {}})
    return api.stack_create(
        {
            'name': name,
            'tenant': tenant,
            'raw_template_id': template_id,
            'action': 'CREATE',
            'status': 'COMPLETE',
            'parameters': {'P': 'v'},
            'tags': [{'Key': 'k', 'Value': 'v'}],
            'disable_rollback': True,
            'notification_arns': ['arn:n'],
            'capabilities': ['CAPABILITY_IAM'],
            'timeout': 5,
        }
    )


def test_stack_views_convert_every_column_as_the_model(heat_db_any):
    stack = make_stack()
    api.stack_update(stack.id, {'status_reason': 'caf\u00e9'})
    model = api.stack_get(stack.id)
    for view in (
        api.stack_view(stack.id),
        api.stack_view_by_name('tenant-a', 'web'),
    ):
        assert view._asdict() == {
            column: getattr(model, column) for column in view._fields
        }
        assert view.created_at.tzinfo == datetime.UTC
        assert view.disable_rollback is True


def test_stack_resource_states_in_one_read(heat_db_any):
    stack = make_stack()
    make_stack(name='other', tenant='tenant-b')
    rows = api.resources_create(
        [
            {
                'stack_id': stack.id,
                'name': name,
                'type': 'T',
                'action': action,
                'physical_resource_id': 'p-' + name,
            }
            for name, action in (
                ('b', 'CREATE'),
                ('a', 'INIT'),
                ('c', 'DELETE'),
            )
        ]
    )
    api.resource_update(rows[0].id, {'status_reason': 'done'})
    for read in (
        api.stack_resource_states(stack.id, 'tenant-a'),
        api.stack_resource_states_by_name('tenant-a', 'web'),
    ):
        assert (read.id, read.name, read.deleted_at) == (stack.id, 'web', None)
        models = [api.resource_get(stack.id, name) for name in 'bc']
        assert [
            (
                r.name,
                r.type,
                r.physical_resource_id,
                r.action,
                r.status,
                r.status_reason,
                r.created_at,
                r.updated_at,
            )
            for r in read.resources
        ] == [
            (
                m.name,
                m.type,
                m.physical_resource_id,
                m.action,
                m.status,
                m.status_reason,
                m.created_at,
                m.updated_at,
            )
            for m in models
        ]
    assert api.stack_resource_states(stack.id, 'tenant-b') is None
    empty = make_stack(name='empty')
    assert (
        api.stack_resource_states_by_name('tenant-a', 'empty').resources == []
    )
    api.stack_soft_delete(empty.id)
    assert api.stack_resource_states_by_name('tenant-a', 'empty') is None
    assert (
        api.stack_resource_states(
            empty.id, 'tenant-a', show_deleted=True
        ).deleted_at
        is not None
    )


def test_stack_list_filters_and_pages(heat_db_any):
    stacks = [make_stack(name='s%d' % i) for i in range(5)]
    make_stack(name='theirs', tenant='tenant-b')
    api.stack_update(stacks[1].id, {'status': 'FAILED'})
    api.stack_soft_delete(stacks[3].id)
    newest_first = [s.name for s in reversed(stacks)]
    assert [s.name for s in api.stack_list('tenant-a')] == [
        name for name in newest_first if name != 's3'
    ]
    listed = api.stack_list('tenant-a', show_deleted=True)
    assert [s.name for s in listed] == newest_first
    assert listed[1].deleted_at is not None
    assert [
        s.name
        for s in api.stack_list(
            'tenant-a',
            statuses=['CREATE_FAILED', 'DELETE_COMPLETE'],
            show_deleted=True,
        )
    ] == ['s1']
    assert [
        s.name
        for s in api.stack_list(
            'tenant-a', show_deleted=True, limit=2, marker=listed[1].id
        )
    ] == ['s2', 's1']
    theirs = api.stack_list('tenant-b')[0]
    assert api.stack_list('tenant-a', marker=theirs.id) == []


def test_events_page_newest_first(heat_db_any):
    stack = make_stack()
    api.write_batch(
        [],
        [
            {
                'stack_id': stack.id,
                'resource_name': 'r%d' % i,
                'resource_type': 'T',
                'resource_action': 'CREATE',
                'resource_status': 'COMPLETE',
                'resource_status_reason': 'reason %d' % i,
            }
            for i in range(3)
        ],
    )
    events = api.event_list(stack.id)
    assert [(e.resource_name, e.resource_status_reason) for e in events] == [
        ('r2', 'reason 2'),
        ('r1', 'reason 1'),
        ('r0', 'reason 0'),
    ]
    assert events[0].created_at.tzinfo == datetime.UTC
    assert [
        e.resource_name
        for e in api.event_list(stack.id, limit=1, marker=events[0].uuid)
    ] == ['r1']


def test_resource_views_read_what_stacks_restore_from(heat_db_any):
    stack = make_stack()
    row = api.resource_create(
        {'stack_id': stack.id, 'name': 'r', 'type': 'T', 'action': 'CREATE'}
    )
    api.resource_update(row.id, {'data': {'k': 'v'}, 'rsrc_metadata': {}})
    (view,) = api.resource_views(stack.id)
    assert (view.id, view.name, view.data, view.rsrc_metadata) == (
        row.id,
        'r',
        {'k': 'v'},
        {},
    )
