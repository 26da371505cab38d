"""UpdateStack and CancelUpdateStack through a real engine on SQLite.

The tests call the engine's RPC endpoint directly, as the RPC server
would, and its operations run in the engine's own workers; the stacks use
the test resource types.
"""

import json
import threading

import pytest

from heat.common import context
from heat.common import exception
from heat.db import api as db_api
from heat.engine import operations
from heat.engine import scheduler
from heat.engine import stack as stack_mod
from heat.engine import stack_lock
from heat.engine import update
from heat.tests.waiting import WAIT_SECONDS
from heat.tests.waiting import wait_until

CTXT = context.RequestContext(tenant='t1', user='u1')
SIMPLE = 'Test::Resource::Simple'
CONTROLLED = 'Test::Resource::Controlled'


def simple(**properties):
    return {'Type': SIMPLE, 'Properties': properties}


def controlled(depends_on=(), **properties):
    return {
        'Type': CONTROLLED,
        'Properties': properties,
        'DependsOn': list(depends_on),
    }


def body(resources_, parameters=None, outputs=None):
    template = {'Resources': resources_}
    if parameters:
        template['Parameters'] = parameters
    if outputs:
        template['Outputs'] = outputs
    return json.dumps(template)


def params(**values):
    return [
        {'ParameterKey': k, 'ParameterValue': v} for k, v in values.items()
    ]


def describe(rpc, name):
    return rpc.describe_stacks(CTXT, args={'StackName': name})['Stacks'][0]


def status_of(rpc, name):
    return describe(rpc, name)['StackStatus']


def wait_until_settled(rpc, name, events_before=0):
    """The stack's description once it has made more than events_before
    stack events and is no longer IN_PROGRESS."""

    def settled():
        # Events first: the status read after them is at least as new.
        started = len(stack_events(rpc, name)) > events_before
        shown = describe(rpc, name)
        if started and not shown['StackStatus'].endswith('_IN_PROGRESS'):
            return shown
        return None

    return wait_until(
        settled,
        what=lambda: (
            'stack %s to settle: %s, %d '
            'stack events'
            % (name, status_of(rpc, name), len(stack_events(rpc, name)))
        ),
    )


def wait_for_status(rpc, name, status):
    wait_until(
        lambda: status_of(rpc, name) == status,
        what=lambda: (
            'stack %s to reach %s: it is %s'
            % (name, status, status_of(rpc, name))
        ),
    )


def wait_for_resource_event(rpc, name, logical_id, event):
    wait_until(
        lambda: event in resource_events(rpc, name, logical_id),
        what=lambda: (
            '%s of stack %s to make %s: it made %s'
            % (logical_id, name, event, resource_events(rpc, name, logical_id))
        ),
    )


def create(rpc, name, template, **args):
    rpc.create_stack(
        CTXT, args={'StackName': name, 'TemplateBody': template, **args}
    )
    shown = wait_until_settled(rpc, name)
    assert shown['StackStatus'] == 'CREATE_COMPLETE'
    return shown


def update_and_wait(rpc, name, template=None, **args):
    if template is not None:
        args['TemplateBody'] = template
    # The update starts in a worker: wait for its events, not the status
    # the stack had before.
    events_before = len(stack_events(rpc, name))
    result = rpc.update_stack(CTXT, args={'StackName': name, **args})
    assert result['StackId'] == describe(rpc, name)['StackId']
    return wait_until_settled(rpc, name, events_before)


def stack_row(rpc, name):
    return db_api.stack_get(describe(rpc, name)['StackId'].rsplit('/')[-1])


def rows(rpc, name):
    """{logical id: (state, physical id)} of the stack's resource rows."""
    found = {}
    for row in db_api.resource_get_all(stack_row(rpc, name).id):
        assert row.name not in found, 'two rows for %s' % row.name
        found[row.name] = (
            '%s_%s' % (row.action, row.status),
            row.physical_resource_id,
        )
    return found


def outputs(shown):
    return {o['OutputKey']: o['OutputValue'] for o in shown['Outputs']}


def stack_events(rpc, name):
    """(status, reason) of the stack's own events, oldest first."""
    row = stack_row(rpc, name)
    return [
        (
            '%s_%s' % (e.resource_action, e.resource_status),
            e.resource_status_reason,
        )
        for e in reversed(db_api.event_list(row.id))
        if e.resource_type == stack_mod.STACK_RESOURCE_TYPE
    ]


def resource_events(rpc, name, logical_id):
    row = stack_row(rpc, name)
    return [
        '%s_%s' % (e.resource_action, e.resource_status)
        for e in reversed(db_api.event_list(row.id))
        if e.resource_name == logical_id
        and e.resource_type != stack_mod.STACK_RESOURCE_TYPE
    ]


def template_of(rpc, name):
    return json.loads(
        rpc.get_template(CTXT, args={'StackName': name})['TemplateBody']
    )


OUT_A = {'A': {'Value': {'Fn::GetAtt': ['A', 'Output']}}}


def test_added_resource_is_created_and_removed_one_deleted(rpc):
    create(rpc, 's', body({'A': simple(Value='a')}))
    before = rows(rpc, 's')
    shown = update_and_wait(
        rpc, 's', body({'A': simple(Value='a'), 'B': simple(Value='b')})
    )
    assert shown['StackStatus'] == 'UPDATE_COMPLETE'
    after = rows(rpc, 's')
    assert after['A'] == before['A']
    assert after['B'][0] == 'CREATE_COMPLETE'
    assert resource_events(rpc, 's', 'A') == [
        'CREATE_IN_PROGRESS',
        'CREATE_COMPLETE',
    ]

    shown = update_and_wait(rpc, 's', body({'B': simple(Value='b')}))
    assert shown['StackStatus'] == 'UPDATE_COMPLETE'
    assert rows(rpc, 's') == {'B': after['B']}
    assert resource_events(rpc, 's', 'A')[-1] == 'DELETE_COMPLETE'
    assert [status for status, _ in stack_events(rpc, 's')][-3:] == [
        'UPDATE_IN_PROGRESS',
        'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
        'UPDATE_COMPLETE',
    ]


def test_changed_value_is_updated_in_place(rpc):
    create(rpc, 's', body({'A': simple(Value='a')}, outputs=OUT_A))
    before = rows(rpc, 's')
    shown = update_and_wait(
        rpc, 's', body({'A': simple(Value='b')}, outputs=OUT_A)
    )
    assert shown['StackStatus'] == 'UPDATE_COMPLETE'
    assert outputs(shown) == {'A': 'b'}
    assert rows(rpc, 's') == {'A': ('UPDATE_COMPLETE', before['A'][1])}
    assert template_of(rpc, 's')['Resources']['A']['Properties'] == {
        'Value': 'b'
    }
    row = stack_row(rpc, 's')
    assert row.prev_raw_template_id is not None
    assert row.prev_raw_template_id != row.raw_template_id


def test_replaced_resource_is_followed_by_its_dependents(rpc):
    out = {'B': {'Value': {'Fn::GetAtt': ['B', 'Output']}}}
    create(
        rpc,
        's',
        body(
            {'A': simple(ReplaceMe='1'), 'B': simple(Value={'Ref': 'A'})},
            outputs=out,
        ),
    )
    before = rows(rpc, 's')
    shown = update_and_wait(
        rpc,
        's',
        body(
            {'A': simple(ReplaceMe='2'), 'B': simple(Value={'Ref': 'A'})},
            outputs=out,
        ),
    )
    assert shown['StackStatus'] == 'UPDATE_COMPLETE'
    after = rows(rpc, 's')
    assert after['A'][0] == 'CREATE_COMPLETE'
    assert after['A'][1] != before['A'][1]
    assert after['B'] == ('UPDATE_COMPLETE', before['B'][1])
    assert outputs(shown) == {'B': after['A'][1]}
    # The old A went in the cleanup, after B had moved to the new one.
    assert resource_events(rpc, 's', 'A')[-4:] == [
        'CREATE_IN_PROGRESS',
        'CREATE_COMPLETE',
        'DELETE_IN_PROGRESS',
        'DELETE_COMPLETE',
    ]


def test_identical_update_is_refused(rpc):
    template = body(
        {'A': simple(Value={'Ref': 'P'})},
        parameters={'P': {'Type': 'String', 'Default': 'd'}},
    )
    create(rpc, 's', template)
    for args in (
        {'TemplateBody': template},
        {'TemplateBody': template, 'Parameters': params(P='d')},
        {'UsePreviousTemplate': True},
    ):
        with pytest.raises(exception.ValidationError) as caught:
            rpc.update_stack(CTXT, args={'StackName': 's', **args})
        assert 'No updates are to be performed.' in str(caught.value)
    assert describe(rpc, 's')['StackStatus'] == 'CREATE_COMPLETE'


def test_previous_template_and_values_are_kept_and_others_default(rpc):
    template = body(
        {
            'A': simple(
                Value={'Fn::Join': ['-', [{'Ref': 'Kept'}, {'Ref': 'Reset'}]]}
            )
        },
        parameters={
            'Kept': {'Type': 'String'},
            'Reset': {'Type': 'String', 'Default': 'default'},
        },
        outputs=OUT_A,
    )
    create(rpc, 's', template, Parameters=params(Kept='k', Reset='r'))
    shown = update_and_wait(
        rpc,
        's',
        UsePreviousTemplate=True,
        Parameters=[{'ParameterKey': 'Kept', 'UsePreviousValue': True}],
    )
    assert shown['StackStatus'] == 'UPDATE_COMPLETE'
    assert outputs(shown) == {'A': 'k-default'}
    assert {
        p['ParameterKey']: p['ParameterValue'] for p in shown['Parameters']
    } == {'Kept': 'k', 'Reset': 'default'}


def test_previous_value_of_an_unknown_parameter_is_refused(rpc):
    create(rpc, 's', body({'A': simple(Value='a')}))
    with pytest.raises(exception.ValidationError) as caught:
        rpc.update_stack(
            CTXT,
            args={
                'StackName': 's',
                'UsePreviousTemplate': True,
                'Parameters': [
                    {'ParameterKey': 'Nope', 'UsePreviousValue': True}
                ],
            },
        )
    assert 'Nope' in str(caught.value)


def test_invalid_new_template_is_refused_synchronously(rpc):
    create(rpc, 's', body({'A': simple(Value='a')}))
    with pytest.raises(exception.HeatError) as caught:
        rpc.update_stack(
            CTXT,
            args={
                'StackName': 's',
                'TemplateBody': body({'A': simple(Value={'Ref': 'Nope'})}),
            },
        )
    assert 'Nope' in str(caught.value)
    assert describe(rpc, 's')['StackStatus'] == 'CREATE_COMPLETE'


V1 = {'A': simple(Value='a'), 'B': simple(ReplaceMe='1')}
V2_FAILING = {
    'A': simple(Value='b'),
    'B': simple(ReplaceMe='2'),
    'C': controlled(depends_on=['A', 'B'], FailCreate=True),
}


def test_failed_update_rolls_back_to_the_old_resources(rpc):
    create(rpc, 's', body(V1, outputs=OUT_A))
    before = rows(rpc, 's')
    shown = update_and_wait(rpc, 's', body(V2_FAILING, outputs=OUT_A))
    assert shown['StackStatus'] == 'UPDATE_ROLLBACK_COMPLETE'
    assert 'failed to create: [C]' in shown['StackStatusReason']
    assert outputs(shown) == {'A': 'a'}
    after = rows(rpc, 's')
    assert set(after) == {'A', 'B'}
    assert after['A'] == ('UPDATE_COMPLETE', before['A'][1])
    assert after['B'] == before['B']
    assert template_of(rpc, 's')['Resources'] == V1
    statuses = [status for status, _ in stack_events(rpc, 's')]
    assert statuses[-4:] == [
        'UPDATE_IN_PROGRESS',
        'UPDATE_ROLLBACK_IN_PROGRESS',
        'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
        'UPDATE_ROLLBACK_COMPLETE',
    ]
    # The replacement of B was made, then deleted in the cleanup.
    assert resource_events(rpc, 's', 'B')[-2:] == [
        'DELETE_IN_PROGRESS',
        'DELETE_COMPLETE',
    ]
    # And the rolled-back stack can be updated again.
    shown = update_and_wait(
        rpc, 's', body({'A': simple(Value='c')}, outputs=OUT_A)
    )
    assert (shown['StackStatus'], outputs(shown)) == (
        'UPDATE_COMPLETE',
        {'A': 'c'},
    )


def test_failed_in_place_update_is_replaced_back(rpc):
    create(rpc, 's', body({'A': controlled(Value='a')}))
    before = rows(rpc, 's')
    shown = update_and_wait(
        rpc, 's', body({'A': controlled(Value='b', FailUpdate=True)})
    )
    assert shown['StackStatus'] == 'UPDATE_ROLLBACK_COMPLETE'
    assert 'failed to update: [A]' in shown['StackStatusReason']
    after = rows(rpc, 's')
    # Its cloud object is in doubt after the failure: a new one stands in.
    assert after['A'][0] == 'CREATE_COMPLETE'
    assert after['A'][1] != before['A'][1]


def test_disable_rollback_leaves_the_stack_update_failed(rpc):
    create(rpc, 's', body(V1), DisableRollback=True)
    shown = update_and_wait(rpc, 's', body(V2_FAILING))
    assert shown['StackStatus'] == 'UPDATE_FAILED'
    assert 'failed to create: [C]' in shown['StackStatusReason']
    assert 'Creation failed on command' in shown['StackStatusReason']
    row_states = [
        (row.name, '%s_%s' % (row.action, row.status))
        for row in db_api.resource_get_all(stack_row(rpc, 's').id)
    ]
    # Nothing is undone or cleaned up: the replaced B stays as it was.
    assert sorted(row_states) == [
        ('A', 'UPDATE_COMPLETE'),
        ('B', 'CREATE_COMPLETE'),
        ('B', 'CREATE_COMPLETE'),
        ('C', 'CREATE_FAILED'),
    ]
    assert template_of(rpc, 's')['Resources'] == V2_FAILING


def test_disable_rollback_of_the_request_counts_for_that_update(rpc):
    create(rpc, 's', body(V1))
    shown = update_and_wait(rpc, 's', body(V2_FAILING), DisableRollback=True)
    assert shown['StackStatus'] == 'UPDATE_FAILED'


def test_cancel_rolls_the_update_back_and_updates_meanwhile_refused(rpc):
    create(rpc, 's', body({'A': simple(Value='a')}))
    before = rows(rpc, 's')
    rpc.update_stack(
        CTXT,
        args={
            'StackName': 's',
            'TemplateBody': body(
                {'A': simple(Value='b'), 'S': controlled(Stall=True)}
            ),
        },
    )
    # Cancel only once A is updated, so that the rollback has it to undo.
    wait_for_resource_event(rpc, 's', 'A', 'UPDATE_COMPLETE')
    with pytest.raises(exception.ValidationError) as caught:
        rpc.update_stack(
            CTXT,
            args={
                'StackName': 's',
                'TemplateBody': body({'A': simple(Value='c')}),
            },
        )
    assert str(caught.value).startswith(
        'Stack:%s is in UPDATE_IN_PROGRESS state and can not be updated.'
        % describe(rpc, 's')['StackId']
    )

    events_before = len(stack_events(rpc, 's'))
    assert rpc.cancel_update_stack(CTXT, args={'StackName': 's'}) == {}
    shown = wait_until_settled(rpc, 's', events_before)
    assert shown['StackStatus'] == 'UPDATE_ROLLBACK_COMPLETE'
    assert 'Stack UPDATE cancelled' in shown['StackStatusReason']
    assert rows(rpc, 's') == {'A': ('UPDATE_COMPLETE', before['A'][1])}
    assert resource_events(rpc, 's', 'S')[-2:] == [
        'DELETE_IN_PROGRESS',
        'DELETE_COMPLETE',
    ]


def test_cancel_is_refused_unless_an_update_runs(rpc):
    create(rpc, 's', body({'A': simple(Value='a')}))
    with pytest.raises(exception.ValidationError) as caught:
        rpc.cancel_update_stack(CTXT, args={'StackName': 's'})
    assert str(caught.value).startswith(
        'CancelUpdateStack cannot be called from current stack status'
    )


def test_update_of_a_missing_stack_is_not_found(rpc):
    with pytest.raises(exception.StackNotFound):
        rpc.update_stack(
            CTXT, args={'StackName': 'nope', 'UsePreviousTemplate': True}
        )


def test_timed_out_update_rolls_back(heat_db, test_resource_types):
    stack = stack_mod.Stack.new(
        CTXT,
        's',
        update.template_mod.Template.parse(body({'A': simple(Value='a')})),
        {},
        {},
    )
    stack.store()
    cancel = threading.Event()
    with scheduler.CallPool(4) as pool:
        operations.create(stack, operations.Operation(pool, cancel))
        row = db_api.stack_get(stack.row.id)
        target = update.prepare(
            CTXT,
            row,
            {
                'TemplateBody': body(
                    {'A': simple(Value='b'), 'S': controlled(Stall=True)}
                )
            },
        )
        target.row.timeout = 0.005  # minutes: 0.3 seconds
        update.update(target, operations.Operation(pool, cancel))
    row = db_api.stack_get(stack.row.id)
    assert (row.action, row.status) == ('UPDATE_ROLLBACK', 'COMPLETE')
    assert 'Stack UPDATE timed out' in row.status_reason
    assert [r.name for r in db_api.resource_get_all(row.id)] == ['A']


def test_replaced_resource_keeps_its_object_by_update_replace_policy(rpc):
    a = dict(simple(ReplaceMe='1'), UpdateReplacePolicy='Retain')
    create(rpc, 's', body({'A': a}))
    shown = update_and_wait(
        rpc, 's', body({'A': dict(a, Properties={'ReplaceMe': '2'})})
    )
    assert shown['StackStatus'] == 'UPDATE_COMPLETE'
    row = stack_row(rpc, 's')
    retained = [
        e.resource_status_reason
        for e in db_api.event_list(row.id)
        if e.resource_name == 'A'
        and e.resource_action == 'DELETE'
        and e.resource_status == 'COMPLETE'
    ]
    assert retained == ['Retained by its deletion policy']


TAGS = [{'Key': 'team', 'Value': 'blue'}]
TOPIC = 'arn:aws:sns:r1:t1:topic'


def labels(shown):
    return shown['Tags'], shown['NotificationARNs'], shown['Capabilities']


def test_tags_and_topics_are_replaced_or_emptied_and_kept_when_absent(rpc):
    template = body(
        {'A': simple(Value={'Ref': 'P'})}, parameters={'P': {'Type': 'String'}}
    )
    create(
        rpc,
        's',
        template,
        Parameters=params(P='1'),
        Tags=TAGS,
        NotificationARNs=[TOPIC],
        Capabilities=['CAPABILITY_IAM'],
    )
    new_tags = [{'Key': 'team', 'Value': 'red'}, {'Key': 'cost'}]
    shown = update_and_wait(
        rpc,
        's',
        template,
        Parameters=params(P='2'),
        Tags=new_tags,
        NotificationARNs=[TOPIC + '2'],
        Capabilities=['CAPABILITY_NAMED_IAM'],
    )
    assert shown['StackStatus'] == 'UPDATE_COMPLETE'
    assert labels(shown) == (
        [{'Key': 'team', 'Value': 'red'}, {'Key': 'cost', 'Value': ''}],
        [TOPIC + '2'],
        ['CAPABILITY_NAMED_IAM'],
    )
    # Absent members keep the stack's tags and topics; the capabilities
    # are those the latest update acknowledged.
    shown = update_and_wait(rpc, 's', template, Parameters=params(P='3'))
    assert labels(shown) == (
        [{'Key': 'team', 'Value': 'red'}, {'Key': 'cost', 'Value': ''}],
        [TOPIC + '2'],
        [],
    )
    # An empty list, as the Query API decodes a bare ``Tags=``, clears.
    shown = update_and_wait(
        rpc,
        's',
        template,
        Parameters=params(P='4'),
        Tags=[],
        NotificationARNs=[],
    )
    assert labels(shown) == ([], [], [])


def test_new_tags_or_topics_alone_are_an_update(rpc):
    create(rpc, 's', body({'A': simple(Value='a')}), Tags=TAGS)
    shown = update_and_wait(rpc, 's', UsePreviousTemplate=True, Tags=[])
    assert (shown['StackStatus'], shown['Tags']) == ('UPDATE_COMPLETE', [])
    shown = update_and_wait(
        rpc, 's', UsePreviousTemplate=True, NotificationARNs=[TOPIC]
    )
    assert shown['NotificationARNs'] == [TOPIC]
    for same in (
        {'Tags': []},
        {'NotificationARNs': [TOPIC]},
        {'Capabilities': ['CAPABILITY_IAM']},
    ):
        with pytest.raises(exception.ValidationError) as caught:
            rpc.update_stack(
                CTXT,
                args={'StackName': 's', 'UsePreviousTemplate': True, **same},
            )
        assert 'No updates are to be performed.' in str(caught.value)


def test_new_topics_are_the_pseudo_parameter_of_the_update(rpc):
    out = {
        'Topics': {
            'Value': {'Fn::Join': [',', {'Ref': 'AWS::NotificationARNs'}]}
        }
    }
    create(
        rpc,
        's',
        body({'A': simple(Value='a')}, outputs=out),
        NotificationARNs=[TOPIC],
    )
    shown = update_and_wait(
        rpc,
        's',
        UsePreviousTemplate=True,
        NotificationARNs=[TOPIC, TOPIC + '2'],
    )
    assert outputs(shown) == {'Topics': '%s,%s2' % (TOPIC, TOPIC)}


def test_failed_update_keeps_the_previous_tags_and_topics(rpc):
    create(
        rpc,
        's',
        body(V1),
        Tags=TAGS,
        NotificationARNs=[TOPIC],
        Capabilities=['CAPABILITY_IAM'],
    )
    shown = update_and_wait(
        rpc, 's', body(V2_FAILING), Tags=[], NotificationARNs=[]
    )
    assert shown['StackStatus'] == 'UPDATE_ROLLBACK_COMPLETE'
    assert labels(shown) == (TAGS, [TOPIC], ['CAPABILITY_IAM'])


def test_a_stack_shown_finished_takes_the_next_update_at_once(
    rpc, monkeypatch
):
    # Workers that finish up slowly after the create's last state: the
    # lock must have gone with that state, or the update is refused.
    finishing = threading.Event()
    release = stack_lock.StackLock.release

    def slow_release(lock):
        finishing.wait(WAIT_SECONDS)
        release(lock)

    monkeypatch.setattr(stack_lock.StackLock, 'release', slow_release)
    try:
        create(rpc, 's', body({'A': simple(Value='a')}))
        shown = update_and_wait(rpc, 's', body({'A': simple(Value='b')}))
    finally:
        finishing.set()
    assert shown['StackStatus'] == 'UPDATE_COMPLETE'


def test_failed_update_without_rollback_keeps_its_tags(rpc):
    create(rpc, 's', body(V1), Tags=TAGS)
    shown = update_and_wait(
        rpc, 's', body(V2_FAILING), Tags=[], DisableRollback=True
    )
    assert (shown['StackStatus'], shown['Tags']) == ('UPDATE_FAILED', [])
