"""Wait condition handles, wait conditions and CreationPolicy signals.

Stacks run in engines of this process on a SQLite file; signals arrive
through the engine's signal_resource as the API sends them, with the
context the handle's own URL authenticates as.
"""

import json

import pytest
import webob

from heat.api.middleware import context as context_mw
from heat.api.middleware import ec2_auth
from heat.common import context
from heat.common import ec2signature
from heat.common import exception
from heat.common import handle_url
from heat.db import api as db_api
from heat.engine import signals
from heat.engine import stack as stack_mod
from heat.engine import template as template_mod
from heat.tests.unit.db.test_signals_api import statements_run
from heat.tests.unit.engine.test_worker import CTXT
from heat.tests.unit.engine.test_worker import create
from heat.tests.unit.engine.test_worker import describe
from heat.tests.unit.engine.test_worker import stored_stack
from heat.tests.unit.engine.test_worker import wait_for_resource
from heat.tests.unit.engine.test_worker import wait_until_deleted
from heat.tests.unit.engine.test_worker import wait_until_settled
from heat.tests.waiting import wait_until

HANDLE = {'Type': 'AWS::CloudFormation::WaitConditionHandle'}


@pytest.fixture
def engine(engines):
    engines.start()
    return engines


def wait_template(count=1, timeout=10, depends_on=None, **more):
    wait = {
        'Type': 'AWS::CloudFormation::WaitCondition',
        'Properties': {
            'Handle': {'Ref': 'Handle'},
            'Timeout': timeout,
            'Count': count,
        },
    }
    if depends_on:
        wait['DependsOn'] = depends_on
    return json.dumps(
        {
            'Resources': {'Handle': HANDLE, 'Wait': wait, **more},
            'Outputs': {
                'Data': {'Value': {'Fn::GetAtt': ['Wait', 'Data']}},
                'Url': {'Value': {'Ref': 'Handle'}},
            },
        }
    )


def signalled_template(timeout='PT10S', count=1):
    return json.dumps(
        {
            'Resources': {
                'Server': {
                    'Type': 'Test::Resource::Simple',
                    'Properties': {'Value': 'up'},
                    'CreationPolicy': {
                        'ResourceSignal': {'Count': count, 'Timeout': timeout}
                    },
                }
            }
        }
    )


def handle_of(arn, name='Handle'):
    """The handle's URL, once it is created."""
    row = stored_stack(arn)
    wait_for_resource(row.id, name, 'CREATE_COMPLETE')
    return db_api.resource_get(row.id, name).physical_resource_id


def context_of(url, engines, method='PUT'):
    """The context a request to the URL gets, as heat-api builds it."""
    req = webob.Request.blank(url, method=method)
    credentials = ec2_auth.credentials_from_request(req)
    fields = engines.client.authenticate_ec2(
        context.RequestContext(tenant=''), credentials=credentials
    )
    return context_mw.make_context(ec2signature.Identity(**fields), 'req')


def send(
    engines,
    url,
    status='SUCCESS',
    unique_id='1',
    reason='',
    data='',
    ctxt=None,
):
    """Signal the handle of url as its route does, with its own key."""
    args = {
        'StackName': handle_url.stack_arn(url),
        'LogicalResourceId': handle_url.resource_name(url),
        'Status': status,
        'UniqueId': unique_id,
        'Reason': reason,
        'Data': data,
    }
    return engines.client.signal_resource(
        ctxt or context_of(url, engines), args=args
    )


def signal_resource(
    engines, stack, name, status='SUCCESS', unique_id='1', ctxt=CTXT
):
    return engines.client.signal_resource(
        ctxt,
        args={
            'StackName': stack,
            'LogicalResourceId': name,
            'Status': status,
            'UniqueId': unique_id,
        },
    )


def reasons(engines, stack, resource):
    events = engines.client.describe_stack_events(
        CTXT, args={'StackName': stack}
    )['StackEvents']
    return [
        e.get('ResourceStatusReason')
        for e in reversed(events)
        if e['LogicalResourceId'] == resource
    ]


def wait_for_reason(engines, stack, resource, reason):
    wait_until(
        lambda: reason in reasons(engines, stack, resource),
        what=lambda: (
            '%s of %s to say %r: it said %s'
            % (resource, stack, reason, reasons(engines, stack, resource))
        ),
    )


def outputs(shown):
    return {o['OutputKey']: o['OutputValue'] for o in shown['Outputs']}


def stored_signals(arn, name='Handle'):
    return [
        (s.unique_id, s.status)
        for s in db_api.resource_signal_list(stored_stack(arn).id, name)
    ]


# -- the handle --------------------------------------------------------------


def test_handle_url_is_signed_by_a_key_only_for_that_handle(engine):
    arn = create(engine, 'keys', wait_template())['StackId']
    url = handle_of(arn)
    assert (
        url.startswith('http://')
        and '/v1/waitcondition/%s/resources/Handle?' % arn in url
    )
    keypair = db_api.ec2_credential_get(handle_url.access_key(url))
    assert (keypair.stack_id, keypair.resource_name) == (
        stored_stack(arn).id,
        'Handle',
    )
    assert keypair.secret not in url
    assert keypair.secret not in json.dumps(
        db_api.resource_get(stored_stack(arn).id, 'Handle').data
    )
    ctxt = context_of(url, engine)
    assert (ctxt.tenant, ctxt.scoped_stack_id, ctxt.scoped_resource) == (
        CTXT.tenant,
        stored_stack(arn).id,
        'Handle',
    )
    # Signed for PUT, as cfn-signal sends it.
    with pytest.raises(exception.SignatureDoesNotMatch):
        context_of(url, engine, method='DELETE')
    with pytest.raises(exception.SignatureDoesNotMatch):
        context_of(url.replace('Signature=', 'Signature=A'), engine)


def test_handle_ref_is_its_url(engine):
    arn = create(engine, 'refs', wait_template())['StackId']
    url = handle_of(arn)
    send(engine, url)
    shown = wait_until_settled(engine, 'refs')
    assert outputs(shown)['Url'] == url


def test_removed_handle_takes_its_key_along(engine):
    arn = create(
        engine,
        'removed',
        json.dumps({'Resources': {'Handle': HANDLE, 'Other': HANDLE}}),
    )['StackId']
    url = handle_of(arn)
    wait_until_settled(engine, 'removed')
    engine.client.update_stack(
        CTXT,
        args={
            'StackName': 'removed',
            'TemplateBody': json.dumps({'Resources': {'Other': HANDLE}}),
        },
    )
    assert (
        wait_until_settled(engine, 'removed')['StackStatus']
        == 'UPDATE_COMPLETE'
    )
    assert db_api.ec2_credential_get(handle_url.access_key(url)) is None
    with pytest.raises(exception.InvalidClientTokenId):
        context_of(url, engine)
    assert [
        k.resource_name
        for k in db_api.ec2_credential_list(stack_id=stored_stack(arn).id)
    ] == ['Other']


def test_deleted_stack_takes_its_handle_keys_along(engine):
    arn = create(engine, 'gone', wait_template())['StackId']
    url = handle_of(arn)
    engine.client.delete_stack(CTXT, args={'StackName': arn})
    assert wait_until_deleted(engine, arn) == 'DELETE_COMPLETE'
    with pytest.raises(exception.InvalidClientTokenId):
        context_of(url, engine)
    with pytest.raises(exception.StackNotFound):
        signal_resource(engine, arn, 'Handle')
    assert stored_signals(arn) == []


def stored_handle_stack(name):
    stack = stack_mod.Stack.new(
        CTXT,
        name,
        template_mod.Template({'Resources': {'Handle': HANDLE}}),
        {},
        {},
    )
    stack.store()
    return stack


def create_inline(stack, rsrc):
    """Create a handle (its hooks run inline) and write its states."""
    try:
        list(rsrc.create())
    finally:
        stack.recorder.flush()


def test_a_handle_made_anew_starts_without_signals(heat_db):
    stack = stored_handle_stack('anew')
    create_inline(stack, stack.resources['Handle'])
    db_api.resource_signal_store(stack.row.id, 'Handle', 'a', 'SUCCESS')
    old_url = stack.resources['Handle'].resource_id
    replacement = stack.replace_resource('Handle')
    create_inline(stack, replacement)
    assert stack.signals('Handle') == []
    assert replacement.resource_id != old_url


def test_a_deleted_stack_drops_all_its_keys_at_once(heat_db):
    stack = stack_mod.Stack.new(
        CTXT,
        'dropped',
        template_mod.Template({'Resources': {'A': HANDLE, 'B': HANDLE}}),
        {},
        {},
    )
    stack.store()
    for rsrc in stack.resources.values():
        create_inline(stack, rsrc)
    db_api.ec2_credential_create(CTXT.tenant, stack_id=stack.row.id)
    other = stored_handle_stack('kept')
    create_inline(other, other.resources['Handle'])
    run = statements_run(stack.mark_deleted)
    assert run.count('DELETE FROM ec2_credential') == 1
    assert db_api.ec2_credential_list(stack_id=stack.row.id) == []
    assert len(db_api.ec2_credential_list(stack_id=other.row.id)) == 1


def test_handle_url_longer_than_a_physical_id_is_refused(heat_db):
    stack = stored_handle_stack('long')
    stack.public_endpoint = 'http://heat.example.com/' + 'v' * 600
    with pytest.raises(
        exception.ResourceFailure, match='URL of Handle in stack long would be'
    ):
        create_inline(stack, stack.resources['Handle'])
    assert db_api.ec2_credential_list(stack_id=stack.row.id) == []


# -- the wait condition ------------------------------------------------------


def test_wait_condition_completes_after_count_signals(engine):
    arn = create(engine, 'counted', wait_template(count=2))['StackId']
    url = handle_of(arn)
    send(engine, url, unique_id='web1', data='ready', reason='booted')
    # The same UniqueId again replaces its signal: still one of two.
    send(engine, url, unique_id='web1', data='ready again', reason='booted')
    # Once its reason shows web1, the wait has counted with it (a wait that
    # wrongly completed now would show in the complete reason below).
    wait_for_reason(
        engine,
        'counted',
        'Wait',
        'Received SUCCESS signal with UniqueId web1: booted',
    )
    assert describe(engine, 'counted')['StackStatus'] == 'CREATE_IN_PROGRESS'
    send(engine, url, unique_id='web2', data='also ready')
    shown = wait_until_settled(engine, 'counted')
    assert shown['StackStatus'] == 'CREATE_COMPLETE'
    assert json.loads(outputs(shown)['Data']) == {
        'web1': 'ready again',
        'web2': 'also ready',
    }
    said = reasons(engine, 'counted', 'Wait')
    assert 'Received SUCCESS signal with UniqueId web1: booted' in said
    assert 'Received SUCCESS signal with UniqueId web2' in said
    assert said[-1] == 'Received 2 SUCCESS signal(s) with UniqueId web1, web2'


def test_failure_signal_fails_the_wait_with_its_reason(engine):
    create(engine, 'failing', wait_template(count=2), DisableRollback=True)
    url = handle_of(describe(engine, 'failing')['StackId'])
    send(engine, url, unique_id='web1')
    send(
        engine,
        url,
        status='FAILURE',
        unique_id='web2',
        reason='cfn-init exited with 1',
    )
    shown = wait_until_settled(engine, 'failing')
    assert shown['StackStatus'] == 'CREATE_FAILED'
    assert shown['StackStatusReason'] == (
        'Resource create failed: Wait: Received FAILURE signal with '
        'UniqueId web2: cfn-init exited with 1'
    )


def test_timeout_fails_saying_how_many_signals_came(engine):
    arn = create(
        engine, 'late', wait_template(count=2, timeout=1), DisableRollback=True
    )['StackId']
    send(engine, handle_of(arn), unique_id='web1')
    shown = wait_until_settled(engine, 'late')
    assert shown['StackStatus'] == 'CREATE_FAILED'
    assert shown['StackStatusReason'] == (
        'Resource create failed: Wait: Timed out after 1s waiting for '
        'signals to Handle: 1 of 2 SUCCESS signals received'
    )


def test_signals_sent_before_the_wait_starts_are_counted(engine):
    arn = create(
        engine,
        'early',
        wait_template(
            depends_on='Slow',
            Slow={
                'Type': 'Test::Resource::Controlled',
                'Properties': {'CreateSeconds': 1},
            },
        ),
    )['StackId']
    send(engine, handle_of(arn))
    assert db_api.resource_get(stored_stack(arn).id, 'Wait').action == 'INIT'
    assert (
        wait_until_settled(engine, 'early')['StackStatus'] == 'CREATE_COMPLETE'
    )


def test_handle_of_another_stack_is_refused_at_create(engine):
    arn = create(engine, 'first', wait_template())['StackId']
    url = handle_of(arn)
    create(
        engine,
        'second',
        json.dumps(
            {
                'Resources': {
                    'Wait': {
                        'Type': 'AWS::CloudFormation::WaitCondition',
                        'Properties': {'Handle': url, 'Timeout': 5},
                    }
                }
            }
        ),
        DisableRollback=True,
    )
    shown = wait_until_settled(engine, 'second')
    assert shown['StackStatus'] == 'CREATE_FAILED'
    assert (
        'is not the URL of a WaitConditionHandle of this stack'
        in shown['StackStatusReason']
    )


@pytest.mark.parametrize(
    'properties, message',
    [
        ({'Timeout': 5}, 'Properties.Handle: Property Handle not assigned'),
        (
            {'Handle': {'Ref': 'Handle'}},
            'Properties.Timeout: Property Timeout not assigned',
        ),
        (
            {'Handle': {'Ref': 'Handle'}, 'Timeout': 43201},
            '43201 is more than 43200',
        ),
        (
            {'Handle': {'Ref': 'Handle'}, 'Timeout': 5, 'Count': 0},
            '0 is less than 1',
        ),
    ],
)
def test_wait_condition_properties_are_checked(heat_db, properties, message):
    stack = stack_mod.Stack.new(
        CTXT,
        'checked',
        template_mod.Template(
            {
                'Resources': {
                    'Handle': HANDLE,
                    'Wait': {
                        'Type': 'AWS::CloudFormation::WaitCondition',
                        'Properties': properties,
                    },
                }
            }
        ),
        {},
        {},
    )
    with pytest.raises(exception.ValidationError, match=message):
        stack.validate()


# -- CreationPolicy ResourceSignal ------------------------------------------


def test_creation_policy_waits_for_signal_resource(engine):
    arn = create(engine, 'policy', signalled_template(count=2))['StackId']
    wait_for_resource(stored_stack(arn).id, 'Server', 'CREATE_IN_PROGRESS')
    signal_resource(engine, 'policy', 'Server', unique_id='i-1')
    wait_for_reason(
        engine, 'policy', 'Server', 'Received SUCCESS signal with UniqueId i-1'
    )
    assert describe(engine, 'policy')['StackStatus'] == 'CREATE_IN_PROGRESS'
    signal_resource(engine, arn, 'Server', unique_id='i-2')
    assert (
        wait_until_settled(engine, 'policy')['StackStatus']
        == 'CREATE_COMPLETE'
    )
    said = reasons(engine, 'policy', 'Server')
    assert 'Received SUCCESS signal with UniqueId i-2' in said
    assert said[-1] == 'Received 2 SUCCESS signal(s) with UniqueId i-1, i-2'


def test_creation_policy_failure_and_timeout(engine):
    create(engine, 'refused', signalled_template(), DisableRollback=True)
    arn = create(
        engine,
        'slow',
        signalled_template(timeout='PT1S'),
        DisableRollback=True,
    )['StackId']
    wait_for_resource(stored_stack(arn).id, 'Server', 'CREATE_IN_PROGRESS')
    signal_resource(engine, 'refused', 'Server', status='FAILURE')
    refused = wait_until_settled(engine, 'refused')
    assert refused['StackStatusReason'] == (
        'Resource create failed: Server: Received FAILURE signal with '
        'UniqueId 1: (none)'
    )
    slow = wait_until_settled(engine, 'slow')
    assert slow['StackStatusReason'] == (
        'Resource create failed: Server: Timed out after 1s waiting for '
        'signals to Server: 0 of 1 SUCCESS signals received'
    )


def test_wait_condition_with_a_creation_policy_takes_signals_itself(engine):
    create(
        engine,
        'itself',
        json.dumps(
            {
                'Resources': {
                    'Wait': {
                        'Type': 'AWS::CloudFormation::WaitCondition',
                        'CreationPolicy': {
                            'ResourceSignal': {'Timeout': 'PT10S'}
                        },
                    }
                },
                'Outputs': {
                    'Data': {'Value': {'Fn::GetAtt': ['Wait', 'Data']}}
                },
            }
        ),
    )
    wait_for_resource(
        stored_stack(describe(engine, 'itself')['StackId']).id,
        'Wait',
        'CREATE_IN_PROGRESS',
    )
    signal_resource(engine, 'itself', 'Wait', unique_id='only')
    shown = wait_until_settled(engine, 'itself')
    assert shown['StackStatus'] == 'CREATE_COMPLETE'
    assert json.loads(outputs(shown)['Data']) == {'only': ''}


@pytest.mark.parametrize(
    'policy, message',
    [
        ({'ResourceSignal': {'Count': 0}}, 'Count: "0" is not a positive'),
        (
            {'ResourceSignal': {'Timeout': '15M'}},
            'is not an ISO 8601 duration',
        ),
        ({'ResourceSignal': {'Timeout': 'PT13H'}}, 'at most 43200 seconds'),
        ({'ResourceSignal': {'Wait': 1}}, 'unknown member Wait'),
        ({'ResourceSignal': 'PT5M'}, 'ResourceSignal must be a map'),
    ],
)
def test_creation_policy_is_checked(heat_db, policy, message):
    stack = stack_mod.Stack.new(
        CTXT,
        'checked',
        template_mod.Template(
            {
                'Resources': {
                    'Server': {
                        'Type': 'AWS::CloudFormation::WaitConditionHandle',
                        'CreationPolicy': policy,
                    }
                }
            }
        ),
        {},
        {},
    )
    with pytest.raises(
        exception.ValidationError,
        match='Resources.Server.CreationPolicy.*' + message,
    ):
        stack.validate()


# -- who may signal what -----------------------------------------------------


def test_handle_key_may_only_signal_its_handle(engine):
    arn = create(engine, 'scoped', wait_template(Other=HANDLE))['StackId']
    other_arn = create(engine, 'neighbour', wait_template())['StackId']
    url = handle_of(arn)
    handle_of(other_arn)
    ctxt = context_of(url, engine)
    calls = {
        'describe_stacks': {'StackName': arn},
        'list_stacks': {},
        'describe_stack_resource': {
            'StackName': arn,
            'LogicalResourceId': 'Handle',
        },
        'describe_stack_resources': {'StackName': arn},
        'list_stack_resources': {'StackName': arn},
        'get_template': {'StackName': arn},
        'delete_stack': {'StackName': arn},
        'update_stack': {'StackName': arn, 'TemplateBody': '{}'},
        'create_stack': {'StackName': 'mine', 'TemplateBody': '{}'},
    }
    for method, args in calls.items():
        with pytest.raises(exception.AccessDenied):
            getattr(engine.client, method)(ctxt, args=args)
    for stack, name in (
        (arn, 'Other'),
        (other_arn, 'Handle'),
        ('neighbour', 'Handle'),
    ):
        with pytest.raises(exception.AccessDenied):
            signal_resource(engine, stack, name, ctxt=ctxt)
    assert stored_signals(arn, 'Other') == []
    assert stored_signals(other_arn) == []
    send(engine, url, ctxt=ctxt)
    assert stored_signals(arn) == [('1', 'SUCCESS')]


def test_stack_keys_may_signal_any_resource_of_their_stack(engine):
    arn = create(engine, 'own', signalled_template())['StackId']
    stack_key = context.RequestContext(
        tenant=CTXT.tenant, scoped_stack_id=stored_stack(arn).id
    )
    # A signal sent before the create shows it started is a previous
    # create's, and goes: send it as a server would, once created.
    wait_for_resource(stored_stack(arn).id, 'Server', 'CREATE_IN_PROGRESS')
    signal_resource(engine, arn, 'Server', ctxt=stack_key)
    assert (
        wait_until_settled(engine, 'own')['StackStatus'] == 'CREATE_COMPLETE'
    )


@pytest.mark.parametrize(
    'name, args, error, message',
    [
        (
            'Nothing',
            {},
            exception.ResourceNotFound,
            'Resource Nothing does not exist for stack plain',
        ),
        (
            'Plain',
            {},
            exception.ValidationError,
            'Resource Plain of stack plain takes no signals',
        ),
        (
            'Handle',
            {'Status': 'MAYBE'},
            exception.ValidationError,
            "Status must be SUCCESS or FAILURE, not 'MAYBE'",
        ),
        (
            'Handle',
            {'UniqueId': 'x' * 256},
            exception.ValidationError,
            'UniqueId must be a string of 1 to 255 characters',
        ),
        (
            'Handle',
            {'Data': 'x' * 4097},
            exception.ValidationError,
            'Data must be a string of at most 4096 characters',
        ),
    ],
)
def test_bad_signals_are_refused(engine, name, args, error, message):
    arn = create(
        engine,
        'plain',
        json.dumps(
            {
                'Resources': {
                    'Handle': HANDLE,
                    'Plain': {'Type': 'Test::Resource::Simple'},
                }
            }
        ),
    )['StackId']
    wait_until_settled(engine, 'plain')
    with pytest.raises(error, match=message):
        engine.client.signal_resource(
            CTXT,
            args={
                'StackName': arn,
                'LogicalResourceId': name,
                'Status': 'SUCCESS',
                'UniqueId': '1',
                **args,
            },
        )
    assert stored_signals(arn, name) == []


def test_stack_being_deleted_takes_no_signals(engine):
    arn = create(
        engine,
        'stuck',
        json.dumps(
            {
                'Resources': {
                    'Handle': HANDLE,
                    'Sticky': {
                        'Type': 'Test::Resource::Controlled',
                        'Properties': {'FailDelete': True},
                    },
                }
            }
        ),
    )['StackId']
    wait_until_settled(engine, 'stuck')
    engine.client.delete_stack(CTXT, args={'StackName': arn})
    assert wait_until_deleted(engine, arn) == 'DELETE_FAILED'
    with pytest.raises(
        exception.ValidationError, match='Stack stuck is being deleted'
    ):
        signal_resource(engine, arn, 'Handle')
    assert stored_signals(arn) == []


# -- counting signals --------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def signal(unique_id, status='SUCCESS', reason='', data=''):
    return {
        'unique_id': unique_id,
        'status': status,
        'reason': reason,
        'data': data,
    }


def test_wait_counts_successes_and_reports_each_signal_once():
    wait = signals.Wait(signals.Policy('Handle', 2, 10), clock=Clock())
    first = signal('a', reason='one')
    assert wait.check([]) == (False, [])
    assert wait.check([first]) == (False, [first])
    assert wait.check([first]) == (False, [])
    assert wait.check([first, signal('b')]) == (True, [signal('b')])


def test_wait_fails_at_a_failure_and_after_its_timeout():
    clock = Clock()
    wait = signals.Wait(signals.Policy('Handle', 2, 10), clock=clock)
    with pytest.raises(signals.SignalFailure, match='UniqueId b: disk full'):
        wait.check([signal('a'), signal('b', 'FAILURE', 'disk full')])
    clock.now += 9.9
    assert wait.check([signal('a')])[0] is False
    clock.now += 0.1
    with pytest.raises(
        signals.SignalTimeout, match='after 10s .* 1 of 2 SUCCESS signals'
    ):
        wait.check([signal('a')])


def test_complete_reason_names_the_first_signals():
    many = [signal('i-%02d' % i) for i in range(12)]
    assert signals.completed(many) == (
        'Received 12 SUCCESS signal(s) with UniqueId i-00, i-01, i-02, '
        'i-03, i-04, i-05, i-06, i-07, i-08, i-09 and 2 more'
    )


@pytest.mark.parametrize(
    'text, seconds',
    [
        ('PT15M', 900),
        ('PT1H30M', 5400),
        ('PT0.5S', 0.5),
        ('P1D', 86400),
        ('PT12H', 43200),
    ],
)
def test_iso_8601_durations(text, seconds):
    assert signals.duration_seconds(text, 'T') == seconds


@pytest.mark.parametrize(
    'text', ['15M', 'PT', 'P', 'P1DT', 'PT1X', 900, 'pt5m']
)
def test_bad_durations(text):
    with pytest.raises(
        exception.ValidationError, match='not an ISO 8601 duration'
    ):
        signals.duration_seconds(text, 'T')


def test_creation_policy_defaults_and_values_not_known_yet():
    assert signals.creation_policy({}, 'R') is None
    assert (
        signals.creation_policy({'AutoScalingCreationPolicy': {}}, 'R') is None
    )
    assert signals.creation_policy(
        {'ResourceSignal': {}}, 'R'
    ) == signals.Policy('R', 1, 300)
    assert signals.creation_policy(
        {'ResourceSignal': {'Count': '3', 'Timeout': 'PT1M'}}, 'R'
    ) == signals.Policy('R', 3, 60)
    assert signals.creation_policy(
        {'ResourceSignal': {'Count': None, 'Timeout': None}},
        'R',
        validating=True,
    ) == signals.Policy('R', 1, 300)
