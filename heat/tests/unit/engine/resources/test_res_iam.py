"""AWS::IAM::User and AWS::IAM::AccessKey on the sandbox cloud, and what
their keys may do: real stacks on a SQLite file, driven through the
engine's endpoint as heat-api drives it."""

import json

import pytest

from heat.common import context
from heat.common import exception
from heat.db import api as db_api
from heat.db import sandbox_api
from heat.engine import stack as stack_mod
from heat.engine import template as template_mod
from heat.tests.unit.engine.test_update import CTXT
from heat.tests.unit.engine.test_update import create
from heat.tests.unit.engine.test_update import describe
from heat.tests.unit.engine.test_update import outputs
from heat.tests.unit.engine.test_update import params
from heat.tests.unit.engine.test_update import stack_row
from heat.tests.unit.engine.test_update import update_and_wait
from heat.tests.waiting import wait_until

HANDLE = 'AWS::CloudFormation::WaitConditionHandle'
INIT = 'AWS::CloudFormation::Init'


def template(user_properties=None, key_properties=None, greeting='hello'):
    """A stack user, its keys, and a handle whose metadata cfn-init reads."""
    return json.dumps(
        {
            'Parameters': {
                'Greeting': {'Type': 'String', 'Default': greeting}
            },
            'Resources': {
                'CfnUser': {
                    'Type': 'AWS::IAM::User',
                    'Properties': user_properties or {},
                },
                'Keys': {
                    'Type': 'AWS::IAM::AccessKey',
                    'Properties': key_properties
                    or {'UserName': {'Ref': 'CfnUser'}},
                },
                'Config': {
                    'Type': HANDLE,
                    'Metadata': {
                        INIT: {
                            'config': {
                                'files': {
                                    '/tmp/greeting': {
                                        'content': {'Ref': 'Greeting'}
                                    }
                                }
                            }
                        },
                        'KeyId': {'Ref': 'Keys'},
                    },
                },
            },
            'Outputs': {
                'User': {'Value': {'Ref': 'CfnUser'}},
                'Access': {'Value': {'Ref': 'Keys'}},
                'Secret': {
                    'Value': {'Fn::GetAtt': ['Keys', 'SecretAccessKey']}
                },
                'KeyUser': {'Value': {'Fn::GetAtt': ['Keys', 'UserName']}},
            },
        }
    )


@pytest.fixture
def stack(rpc):  # noqa: F811 (the imported fixture)
    """(outputs, stored stack row) of a created stack named 'web'."""
    shown = create(rpc, 'web', template())
    return outputs(shown), stack_row(rpc, 'web')


def resource_row(stack_id, name):
    return db_api.resource_get(stack_id, name)


def loaded(row):
    return stack_mod.Stack.load(CTXT, db_api.stack_get(row.id))


def delete_and_wait(rpc, name):  # noqa: F811 (rpc is the fixture)
    arn = describe(rpc, name)['StackId']
    rpc.delete_stack(CTXT, args={'StackName': name})
    wait_until(
        lambda: describe(rpc, arn)['StackStatus'] == 'DELETE_COMPLETE',
        what=lambda: 'stack %s to be deleted: %s' % (name, describe(rpc, arn)),
    )


# -- the resources ----------------------------------------------------------


def test_user_is_a_stack_user_named_as_cloudformation_names_it(stack):
    shown, row = stack
    user_row = resource_row(row.id, 'CfnUser')
    user = sandbox_api.user_get('t1', user_row.physical_resource_id)
    assert (user.name, user.stack_id) == (shown['User'], row.id)
    prefix, suffix = shown['User'].rsplit('-', 1)
    assert prefix == 'web-CfnUser'
    assert len(suffix) == 12 and suffix.isalnum() and suffix.isupper()


def test_keys_are_the_users_and_scoped_to_the_stack(stack):
    shown, row = stack
    keypair = db_api.ec2_credential_get(shown['Access'])
    user_id = resource_row(row.id, 'CfnUser').physical_resource_id
    assert (keypair.tenant, keypair.user, keypair.stack_id) == (
        't1',
        user_id,
        row.id,
    )
    assert keypair.secret == shown['Secret']
    assert resource_row(row.id, 'Keys').physical_resource_id == shown['Access']
    assert shown['KeyUser'] == shown['User']


def test_secret_is_stored_encrypted_and_in_no_event(stack):
    shown, row = stack
    assert shown['Secret'] not in json.dumps(resource_row(row.id, 'Keys').data)
    events = json.dumps(
        [
            [e.resource_status_reason, e.physical_resource_id]
            for e in db_api.event_list(row.id)
        ]
    )
    assert shown['Access'] in events
    assert shown['Secret'] not in events


def test_stack_credentials_are_the_keys_once_created(rpc, stack):
    shown, row = stack
    assert loaded(row).stack_credentials() == (
        shown['Access'],
        shown['Secret'],
    )
    fresh = stack_mod.Stack.new(
        CTXT, 'unsaved', template_mod.Template(json.loads(template())), {}, {}
    )
    assert fresh.stack_credentials() is None


def test_delete_removes_the_keys_and_the_user(rpc, stack):
    shown, row = stack
    user_id = resource_row(row.id, 'CfnUser').physical_resource_id
    delete_and_wait(rpc, 'web')
    assert db_api.ec2_credential_get(shown['Access']) is None
    with pytest.raises(exception.CloudNotFound):
        sandbox_api.user_get('t1', user_id)


def test_delete_of_a_user_already_gone_completes(rpc, stack):
    shown, row = stack
    sandbox_api.user_delete(
        't1', resource_row(row.id, 'CfnUser').physical_resource_id
    )
    delete_and_wait(rpc, 'web')
    assert {
        r.name: (r.action, r.status, r.status_reason)
        for r in db_api.resource_get_all(row.id)
    } == {
        'CfnUser': ('DELETE', 'COMPLETE', 'Already gone from the cloud'),
        'Keys': ('DELETE', 'COMPLETE', 'Already gone from the cloud'),
        'Config': ('DELETE', 'COMPLETE', ''),
    }


def test_new_serial_replaces_the_keys(rpc, stack):
    shown, row = stack
    updated = outputs(
        update_and_wait(
            rpc,
            'web',
            template(
                key_properties={'UserName': {'Ref': 'CfnUser'}, 'Serial': 2}
            ),
        )
    )
    assert updated['User'] == shown['User']
    assert updated['Access'] != shown['Access']
    assert db_api.ec2_credential_get(shown['Access']) is None
    assert (
        db_api.ec2_credential_get(updated['Access']).secret
        == updated['Secret']
    )


def test_user_properties_change_in_place(rpc, stack):
    shown, row = stack
    update_and_wait(
        rpc,
        'web',
        template(user_properties={'Path': '/cfn/', 'Groups': ['readers']}),
    )
    assert outputs(describe(rpc, 'web')) == shown


CORPUS_USER = {  # as heat's 2012 puppet template declares its user
    'Policies': [
        {
            'PolicyName': 'AccessForCFNInit',
            'PolicyDocument': {
                'Statement': [
                    {
                        'Effect': 'Allow',
                        'Action': 'cloudformation:DescribeStackResource',
                        'Resource': '*',
                    }
                ]
            },
        }
    ],
    'LoginProfile': {'Password': 'not-used'},
    'Path': '/',
}


def test_inline_policies_and_login_profile_are_accepted(rpc):
    create(rpc, 'web', template(user_properties=CORPUS_USER))


@pytest.mark.parametrize(
    'user, keys, message',
    [
        (
            {},
            {'UserName': 'someone'},
            'Keys.Properties.UserName: "someone" is not the Ref of an '
            'AWS::IAM::User of stack web',
        ),
        ({}, {'UserName': {'Ref': 'Config'}}, 'is not the Ref of an'),
        ({}, {}, 'Keys.Properties.UserName: Property UserName not assigned'),
        (
            {},
            {'UserName': {'Ref': 'CfnUser'}, 'Status': 'Inactive'},
            'Keys.Properties.Status: Inactive keys are not supported',
        ),
        (
            {'Policies': [{'PolicyDocument': {}}]},
            None,
            'CfnUser.Properties.Policies[0]: Property PolicyName not assigned',
        ),
        ({'Policies': [7]}, None, 'a policy is a map or a reference'),
        ({'LoginProfile': {'Passwd': 'x'}}, None, 'Unknown Property Passwd'),
    ],
)
def test_invalid_definitions_are_refused_before_anything_is_made(
    rpc, user, keys, message
):
    body = template(user_properties=user)
    if keys is not None:
        body = json.loads(body)
        body['Resources']['Keys']['Properties'] = keys
        body = json.dumps(body)
    with pytest.raises(
        exception.ValidationError,
        match=message.replace('[', r'\[').replace(']', r'\]'),
    ):
        rpc.create_stack(CTXT, args={'StackName': 'web', 'TemplateBody': body})
    assert db_api.stack_get_by_name('t1', 'web') is None


# -- what the keys may do ---------------------------------------------------


def local_keys_context(access):
    """The context heat-api makes for a request signed with Heat's own
    keys (local auth): what authenticate_ec2 answers, as the context
    filter uses it."""
    keypair = db_api.ec2_credential_get(access)
    return context.RequestContext(
        tenant=keypair.tenant,
        user=keypair.user,
        scoped_stack_id=keypair.stack_id,
    )


def keystone_context(row, roles=('heat_stack_user',)):
    """The context of a request keystone authenticated as the stack's
    user (keystone auth): no stack in it, only the user and its roles."""
    user_id = resource_row(row.id, 'CfnUser').physical_resource_id
    return context.RequestContext(
        tenant='t1', user=user_id, roles=list(roles), auth_token='token'
    )


CALLERS = {
    'local keys': lambda shown, row: local_keys_context(shown['Access']),
    'keystone stack user': lambda shown, row: keystone_context(row),
}


def metadata(rpc, ctxt, stack_name='web', resource='Config'):  # noqa: F811
    detail = rpc.describe_stack_resource(
        ctxt, args={'StackName': stack_name, 'LogicalResourceId': resource}
    )['StackResourceDetail']
    return json.loads(detail['Metadata'])


@pytest.mark.parametrize('caller', CALLERS)
def test_stack_user_reads_its_own_stacks_resources(rpc, stack, caller):
    shown, row = stack
    ctxt = CALLERS[caller](shown, row)
    assert metadata(rpc, ctxt) == {
        INIT: {'config': {'files': {'/tmp/greeting': {'content': 'hello'}}}},
        'KeyId': shown['Access'],
    }
    described = rpc.describe_stack_resources(ctxt, args={'StackName': 'web'})[
        'StackResources'
    ]
    assert sorted(r['LogicalResourceId'] for r in described) == [
        'CfnUser',
        'Config',
        'Keys',
    ]
    by_physical_id = rpc.describe_stack_resources(
        ctxt, args={'PhysicalResourceId': shown['Access']}
    )['StackResources']
    assert {r['StackName'] for r in by_physical_id} == {'web'}


@pytest.mark.parametrize('caller', CALLERS)
def test_stack_user_may_do_nothing_else(rpc, stack, caller):
    shown, row = stack
    other = outputs(create(rpc, 'other', template()))
    ctxt = CALLERS[caller](shown, row)
    refused = [
        lambda: rpc.describe_stacks(ctxt, args={}),
        lambda: rpc.describe_stacks(ctxt, args={'StackName': 'web'}),
        lambda: rpc.list_stacks(ctxt, args={}),
        lambda: rpc.list_stack_resources(ctxt, args={'StackName': 'web'}),
        lambda: rpc.describe_stack_events(ctxt, args={'StackName': 'web'}),
        lambda: rpc.get_template(ctxt, args={'StackName': 'web'}),
        lambda: rpc.create_stack(
            ctxt, args={'StackName': 'mine', 'TemplateBody': template()}
        ),
        lambda: rpc.update_stack(
            ctxt, args={'StackName': 'web', 'TemplateBody': template()}
        ),
        lambda: rpc.delete_stack(ctxt, args={'StackName': 'web'}),
        lambda: metadata(rpc, ctxt, stack_name='other'),
        lambda: rpc.describe_stack_resources(
            ctxt, args={'PhysicalResourceId': other['Access']}
        ),
    ]
    for call in refused:
        with pytest.raises(exception.AccessDenied):
            call()
    assert describe(rpc, 'web')['StackStatus'] == 'CREATE_COMPLETE'


def test_keystone_user_with_other_roles_too_is_still_scoped(rpc, stack):
    shown, row = stack
    ctxt = keystone_context(row, roles=('member', 'heat_stack_user'))
    with pytest.raises(exception.AccessDenied):
        rpc.describe_stacks(ctxt, args={})
    assert metadata(rpc, ctxt)['KeyId'] == shown['Access']


def test_keystone_caller_without_the_role_is_the_tenant(rpc, stack):
    shown, row = stack
    ctxt = keystone_context(row, roles=('member',))
    assert [
        s['StackName'] for s in rpc.describe_stacks(ctxt, args={})['Stacks']
    ] == ['web']


def test_stack_user_of_a_deleted_stack_may_do_nothing(rpc, stack):
    shown, row = stack
    ctxt = keystone_context(row)
    arn = describe(rpc, 'web')['StackId']
    delete_and_wait(rpc, 'web')
    for call in (
        lambda: rpc.describe_stacks(ctxt, args={}),
        lambda: metadata(rpc, ctxt, stack_name=arn),
    ):
        with pytest.raises(exception.AccessDenied):
            call()


def test_keystone_stack_user_role_is_the_one_users_are_given():
    from heat.engine import authorization
    from heat.engine.clients.openstack import identity

    assert authorization.STACK_USER_ROLE == identity.STACK_USER_ROLE


def test_metadata_follows_the_stack_as_updated(rpc, stack):
    shown, row = stack
    ctxt = local_keys_context(shown['Access'])
    update_and_wait(
        rpc,
        'web',
        Parameters=params(Greeting='bonjour'),
        UsePreviousTemplate=True,
    )
    assert metadata(rpc, ctxt)[INIT]['config']['files'] == {
        '/tmp/greeting': {'content': 'bonjour'}
    }
    update_and_wait(rpc, 'web', template(greeting='hallo'))
    assert metadata(rpc, ctxt)[INIT]['config']['files'] == {
        '/tmp/greeting': {'content': 'hallo'}
    }
