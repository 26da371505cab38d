"""How the describes show stored rows."""

import datetime
import types

import pytest

from heat.engine import describe

UTC = datetime.UTC


@pytest.mark.parametrize(
    'moment',
    [
        datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC),
        datetime.datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime.datetime(2024, 1, 2, 3, 4, 5, 999),
    ],
)
def test_timestamps_are_iso_8601_milliseconds_truncated(moment):
    assert describe.timestamp(moment) == (
        moment.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3] + 'Z'
    )


def test_timestamp_of_nothing():
    assert describe.timestamp(None) is None


def test_stack_resources_carry_their_stack_and_leave_out_empty_members():
    stack = types.SimpleNamespace(id='1234', name='web', tenant='t1')
    created = datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    rows = [
        types.SimpleNamespace(
            name=name,
            type='T',
            physical_resource_id=physical,
            action='CREATE',
            status='COMPLETE',
            status_reason=reason,
            created_at=created,
            updated_at=updated,
        )
        for name, physical, reason, updated in (
            ('A', 'pa', 'done', created + datetime.timedelta(seconds=1)),
            ('B', None, '', None),
        )
    ]
    assert describe.stack_resources(stack, rows) == [
        {
            'StackName': 'web',
            'StackId': 'arn:openstack:heat::t1:stacks/web/1234',
            'LogicalResourceId': 'A',
            'PhysicalResourceId': 'pa',
            'ResourceType': 'T',
            'Timestamp': '2024-05-06T07:08:10.123Z',
            'ResourceStatus': 'CREATE_COMPLETE',
            'ResourceStatusReason': 'done',
        },
        {
            'StackName': 'web',
            'StackId': 'arn:openstack:heat::t1:stacks/web/1234',
            'LogicalResourceId': 'B',
            'ResourceType': 'T',
            'Timestamp': '2024-05-06T07:08:09.123Z',
            'ResourceStatus': 'CREATE_COMPLETE',
        },
    ]


def stack_row(last_updated_time):
    created = datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    return types.SimpleNamespace(
        id='1234',
        name='web',
        tenant='t1',
        description=None,
        action='CREATE',
        status='COMPLETE',
        status_reason='done',
        created_at=created,
        # Every status change sets updated_at, a create's too.
        updated_at=created + datetime.timedelta(seconds=5),
        last_updated_time=last_updated_time,
        deleted_at=None,
        disable_rollback=False,
        notification_arns=[],
        timeout=None,
        capabilities=[],
        tags=[],
    )


def shown_stacks(row):
    return describe.stack(row, {}, []), describe.stack_summary(row)


def test_stack_never_updated_shows_no_last_updated_time():
    for shown in shown_stacks(stack_row(last_updated_time=None)):
        assert shown['CreationTime'] == '2024-05-06T07:08:09.123Z'
        assert 'LastUpdatedTime' not in shown


def test_updated_stack_shows_when_its_latest_update_started():
    started = datetime.datetime(2024, 5, 7, 1, 2, 3, 456789, tzinfo=UTC)
    for shown in shown_stacks(stack_row(last_updated_time=started)):
        assert shown['LastUpdatedTime'] == '2024-05-07T01:02:03.456Z'


@pytest.mark.parametrize(
    'reason, shown',
    [
        ('', {}),
        (None, {}),
        ('Received SUCCESS', {'ResourceStatusReason': 'Received SUCCESS'}),
    ],
)
def test_resources_and_events_leave_out_an_empty_reason(reason, shown):
    stack = types.SimpleNamespace(id='1234', name='web', tenant='t1')
    when = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    resource = types.SimpleNamespace(
        name='A',
        type='T',
        physical_resource_id=None,
        action='CREATE',
        status='COMPLETE',
        status_reason=reason,
        created_at=when,
        updated_at=None,
    )
    event = types.SimpleNamespace(
        uuid='e1',
        resource_name='A',
        physical_resource_id=None,
        resource_type='T',
        created_at=when,
        resource_action='CREATE',
        resource_status='COMPLETE',
        resource_status_reason=reason,
    )
    for described in (
        describe.stack_resources(stack, [resource])[0],
        describe.stack_resource_summary(resource),
        describe.stack_resource_detail(stack, resource, {}),
        describe.events(stack, [event])[0],
    ):
        assert {
            k: v for k, v in described.items() if k == 'ResourceStatusReason'
        } == shown
