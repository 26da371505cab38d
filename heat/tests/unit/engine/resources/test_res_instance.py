"""AWS::EC2::Instance on the sandbox cloud, in real stacks on a SQLite file."""

import base64
import email
import json
import os
import pathlib
import re
import threading

import pytest

from heat.common import config
from heat.common import context
from heat.common import exception
from heat.db import api as db_api
from heat.db import sandbox_api
from heat.engine import functions
from heat.engine import operations
from heat.engine import parameters
from heat.engine import resource
from heat.engine import scheduler
from heat.engine import stack as stack_mod
from heat.engine import template as template_mod
from heat.engine import template_format
from heat.engine import update
from heat.engine.clients import sandbox
from heat.engine.clients.sandbox import catalog
from heat.engine.clients.sandbox import inventory
from heat.engine.resources import instance
from heat.tests.unit.engine import fakes
from heat.tests.waiting import wait_until

CONF = config.CONF
TENANT = 't1'
CTXT = context.RequestContext(tenant=TENANT, user='u1')
IMAGE = 'F17-x86_64-cfntools'
SCRIPT = '#!/bin/bash -v\n/opt/aws/bin/cfn-init -s wiki -r Web\n'

REPO = pathlib.Path(__file__).resolve().parents[5]
CORPUS = pathlib.Path(
    os.environ.get(
        'HEAT_TEMPLATE_CORPUS', REPO.parent / 'shared' / 'templates'
    )
)


@pytest.fixture
def cloud(heat_db, monkeypatch):
    CONF.set_override('build_seconds', 0.05, group='sandbox')
    # The stack's keys, as its AWS::IAM::AccessKey would give them; none
    # unless a test says so.
    monkeypatch.setattr(
        stack_mod.Stack, 'stack_credentials', lambda self: None, raising=False
    )
    yield sandbox.make_clients(CTXT)
    for name in ('build_seconds', 'error_images'):
        CONF.clear_override(name, group='sandbox')


def b64(text):
    return base64.b64encode(text.encode()).decode()


def server_definition(image=IMAGE, **more):
    props = {
        'ImageId': image,
        'InstanceType': 'm1.small',
        'KeyName': 'heat_key',
        'UserData': {'Fn::Base64': SCRIPT},
    }
    props.update(more)
    return {'Type': 'AWS::EC2::Instance', 'Properties': props}


def new_stack(resources, name='wiki', outputs=None, **options):
    body = {'Resources': resources}
    if outputs:
        body['Outputs'] = outputs
    stack = stack_mod.Stack.new(
        CTXT, name, template_mod.Template(body), {}, options
    )
    stack.validate()
    stack.store()
    return stack


def run(operation, stack, workers=8):
    with scheduler.CallPool(workers) as pool:
        operation(stack, operations.Operation(pool, threading.Event()))


def status(stack):
    row = db_api.stack_get(stack.row.id, show_deleted=True)
    return '%s_%s' % (row.action, row.status), row.status_reason


def servers():
    return inventory.describe(TENANT)['servers']


def stored_user_data(server_id):
    """The parts of the user data the server was booted with, by name."""
    row, _addresses = sandbox_api.server_get(TENANT, server_id)
    message = email.message_from_string(row.user_data)
    return {
        part.get_filename(): part.get_payload(decode=True).decode(
            part.get_content_charset()
        )
        for part in message.get_payload()
    }


# -- create ----------------------------------------------------------------


def test_server_becomes_active_with_its_properties(cloud):
    cloud.network.create_security_group('web', 'Web servers')
    stack = new_stack(
        {
            'Web': server_definition(
                InstanceType='t1.micro',
                AvailabilityZone='nova',
                SecurityGroups=['web'],
                SecurityGroupIds=['default'],
                Tags=[
                    {'Key': 'Role', 'Value': 'wiki'},
                    {'Key': 'Tier', 'Value': 'front'},
                ],
            )
        }
    )
    run(operations.create, stack)
    assert status(stack)[0] == 'CREATE_COMPLETE'

    web = stack.resources['Web']
    assert stack.reference('Web') == web.resource_id
    [shown] = servers()
    assert shown['id'] == web.resource_id
    assert re.fullmatch(r'wiki-Web-[0-9a-f]{12}', shown['name'])
    assert shown['status'] == 'ACTIVE'
    assert shown['image_id'] == catalog.find_image(IMAGE).id
    assert shown['flavor_id'] == catalog.find_flavor('t1.micro').id
    assert shown['key_name'] == 'heat_key'
    assert shown['availability_zone'] == 'nova'
    assert shown['security_groups'] == ['web', 'default']
    assert shown['metadata'] == {'Role': 'wiki', 'Tier': 'front'}


def test_attributes_come_from_the_server(cloud):
    stack = new_stack(
        {'Web': server_definition()},
        outputs={
            'Url': {
                'Value': {
                    'Fn::Join': [
                        '',
                        [
                            'http://',
                            {'Fn::GetAtt': ['Web', 'PublicIp']},
                            '/wiki',
                        ],
                    ]
                }
            },
            'Zone': {'Value': {'Fn::GetAtt': ['Web', 'AvailabilityZone']}},
        },
    )
    run(operations.create, stack)
    web = stack.resources['Web']
    address = servers()[0]['private_ip']
    assert {
        name: web.get_attribute(name)
        for name in (
            'AvailabilityZone',
            'PrivateIp',
            'PublicIp',
            'PrivateDnsName',
            'PublicDnsName',
        )
    } == {
        'AvailabilityZone': 'nova',
        'PrivateIp': address,
        'PublicIp': address,
        'PrivateDnsName': address,
        'PublicDnsName': address,
    }
    assert {o['OutputKey']: o['OutputValue'] for o in stack.outputs()} == {
        'Url': 'http://%s/wiki' % address,
        'Zone': 'nova',
    }

    # As in EC2, the public address is the floating IP once there is one.
    fip = cloud.network.allocate_floating_ip()
    cloud.network.associate_floating_ip(fip.id, web.resource_id)
    assert web.get_attribute('PublicIp') == fip.address
    assert web.get_attribute('PublicDnsName') == fip.address
    assert web.get_attribute('PrivateIp') == address
    with pytest.raises(exception.InvalidTemplate, match='PublicIP'):
        web.get_attribute('PublicIP')


def test_attributes_are_none_before_the_server_exists(cloud):
    stack = new_stack({'Web': server_definition()})
    assert stack.resources['Web'].get_attribute('PublicIp') is None
    assert stack.reference('Web') == 'Web'


def test_waiting_for_build_holds_no_thread(cloud):
    CONF.set_override('build_seconds', 1.0, group='sandbox')
    stack = new_stack({'Web%d' % i: server_definition() for i in range(6)})
    run(operations.create, stack, workers=1)
    assert status(stack)[0] == 'CREATE_COMPLETE'
    assert {s['status'] for s in servers()} == {'ACTIVE'}
    # Six builds on one call-pool thread overlap: the last server was
    # booted before the first had built.  Had waiting held the thread,
    # each would have been booted only once the one before it was built.
    rows = sandbox_api.server_list(TENANT)
    assert len(rows) == 6
    assert max(r.created_at for r in rows) < min(r.settles_at for r in rows)


def test_long_names_are_cut_to_novas_limit(cloud):
    stack = new_stack({'W' * 200: server_definition()}, name='s' * 200)
    run(operations.create, stack)
    name = servers()[0]['name']
    assert len(name) == instance.MAX_SERVER_NAME
    assert name.startswith('s' * 200 + '-' + 'W' * 41 + '-')


# -- failures --------------------------------------------------------------


def test_server_in_error_fails_with_novas_fault_and_is_deleted(cloud):
    CONF.set_override('error_images', ['F17-i386-cfntools'], group='sandbox')
    stack = new_stack({'Web': server_definition('F17-i386-cfntools')})
    run(operations.create, stack)
    state, reason = status(stack)
    assert state == 'ROLLBACK_COMPLETE'
    failed = [
        e.resource_status_reason
        for e in db_api.event_list(stack.row.id)
        if e.resource_name == 'Web' and e.resource_status == 'FAILED'
    ]
    assert len(failed) == 1
    assert re.fullmatch(
        r'Server wiki-Web-\w+ \([-\w]+\) went to status ERROR: Build of '
        r'instance [-\w]+ aborted: image F17-i386-cfntools is in the '
        r"sandbox's error_images",
        failed[0],
    )
    assert servers() == []


def test_failed_server_is_kept_without_rollback_then_deleted(cloud):
    CONF.set_override('error_images', [IMAGE], group='sandbox')
    stack = new_stack({'Web': server_definition()}, disable_rollback=True)
    run(operations.create, stack)
    state, reason = status(stack)
    assert state == 'CREATE_FAILED'
    assert 'went to status ERROR' in reason
    [shown] = servers()
    assert (shown['id'], shown['status']) == (
        stack.resources['Web'].resource_id,
        'ERROR',
    )
    run(operations.delete, stack)
    assert status(stack)[0] == 'DELETE_COMPLETE'
    assert servers() == []


@pytest.mark.parametrize(
    'props, cause',
    [
        ({'ImageId': 'F99-x86_64'}, 'Image F99-x86_64 not found'),
        ({'InstanceType': 'm9.huge'}, 'Flavor m9.huge could not be found'),
        ({'KeyName': ''}, "Keypair '' not found"),
        (
            {'AvailabilityZone': 'az9'},
            'The requested availability zone az9 is not available',
        ),
        (
            {'SecurityGroups': ['nosuch']},
            'Security group nosuch does not exist.',
        ),
    ],
)
def test_what_the_cloud_lacks_fails_the_create(cloud, props, cause):
    stack = new_stack({'Web': server_definition(**props)})
    run(operations.create, stack)
    state, reason = status(stack)
    assert state == 'ROLLBACK_COMPLETE'
    assert reason == (
        'Rollback completed after: The following resource(s) '
        'failed to create: [Web].'
    )
    requested = [
        e.resource_status_reason
        for e in db_api.event_list(stack.row.id)
        if e.resource_status == 'IN_PROGRESS'
        and e.resource_action == 'ROLLBACK'
    ]
    assert requested == [
        'Rollback requested: Resource create failed: Web: %s' % cause
    ]
    assert servers() == []


# -- user data -------------------------------------------------------------


def test_user_data_carries_script_metadata_and_the_api(cloud):
    metadata = {
        'AWS::CloudFormation::Init': {
            'config': {
                'files': {'/tmp/stack': {'content': {'Ref': 'AWS::StackName'}}}
            }
        }
    }
    definition = server_definition()
    definition['Metadata'] = metadata
    stack = new_stack({'Web': definition})
    run(operations.create, stack)
    parts = stored_user_data(stack.resources['Web'].resource_id)
    assert parts['cfn-userdata'] == SCRIPT
    assert json.loads(parts['cfn-init-data']) == {
        'AWS::CloudFormation::Init': {
            'config': {'files': {'/tmp/stack': {'content': 'wiki'}}}
        }
    }
    assert parts['cfn-metadata-server'] == 'http://127.0.0.1:8000/'
    assert 'cfn_region_endpoint = 127.0.0.1' in parts['cfn-boto-cfg']
    assert 'cfn-credentials' not in parts


def test_user_data_has_the_stacks_keys_once_there_are_some(cloud, monkeypatch):
    monkeypatch.setattr(
        stack_mod.Stack,
        'stack_credentials',
        lambda self: ('AKIAWIKI', 'wiki/secret'),
    )
    stack = new_stack({'Web': server_definition(UserData=None)})
    run(operations.create, stack)
    parts = stored_user_data(stack.resources['Web'].resource_id)
    assert parts['cfn-credentials'] == (
        'AWSAccessKeyId=AKIAWIKI\nAWSSecretKey=wiki/secret\n'
    )
    assert 'cfn-userdata' not in parts


def test_user_data_may_be_wrapped_base64(cloud):
    encoded = b64('#!/bin/sh\necho ' + 'x' * 100 + '\n')
    wrapped = '\n'.join(
        encoded[i : i + 60] for i in range(0, len(encoded), 60)
    )
    stack = new_stack({'Web': server_definition(UserData=wrapped)})
    run(operations.create, stack)
    parts = stored_user_data(stack.resources['Web'].resource_id)
    assert parts['cfn-userdata'] == '#!/bin/sh\necho ' + 'x' * 100 + '\n'


# -- volumes ---------------------------------------------------------------


def test_volumes_are_attached_once_active_and_detached_first(cloud):
    data = cloud.volume.create_volume(1)
    logs = cloud.volume.create_volume(2)
    stack = new_stack(
        {
            'Web': server_definition(
                Volumes=[
                    {'VolumeId': data.id, 'Device': '/dev/vdc'},
                    {'VolumeId': logs.id, 'Device': '/dev/vdd'},
                ]
            )
        }
    )
    run(operations.create, stack)
    assert status(stack)[0] == 'CREATE_COMPLETE'
    web = stack.resources['Web']
    attached = {
        (a['volume_id'], a['device'], a['server_id'])
        for a in inventory.describe(TENANT)['attachments']
    }
    assert attached == {
        (data.id, '/dev/vdc', web.resource_id),
        (logs.id, '/dev/vdd', web.resource_id),
    }

    # The delete's first step detaches, with the server still there.
    teardown = web.handle_delete()
    assert inventory.describe(TENANT)['attachments'] == []
    assert [s['id'] for s in servers()] == [web.resource_id]
    assert web.check_delete_complete(teardown) is True
    assert servers() == []
    assert {cloud.volume.get_volume(v.id).status for v in (data, logs)} == {
        'available'
    }


def test_a_volume_that_cannot_be_attached_fails_the_create(cloud):
    volume = cloud.volume.create_volume(1)
    other = cloud.compute.create_server('other', 'cirros', 'm1.tiny')
    wait_until(
        lambda: cloud.compute.get_server(other.id).status == 'ACTIVE',
        what='the other server to build',
    )
    cloud.compute.attach_volume(other.id, volume.id)
    stack = new_stack(
        {
            'Web': server_definition(
                Volumes=[{'VolumeId': volume.id, 'Device': '/dev/vdc'}]
            )
        }
    )
    run(operations.create, stack)
    assert status(stack)[0] == 'ROLLBACK_COMPLETE'
    assert [s['name'] for s in servers()] == ['other']
    attachments = inventory.describe(TENANT)['attachments']
    assert [a['server_id'] for a in attachments] == [other.id]


def test_deleting_a_server_that_is_gone_completes(cloud):
    volume = cloud.volume.create_volume(1)
    stack = new_stack(
        {
            'Web': server_definition(
                Volumes=[{'VolumeId': volume.id, 'Device': '/dev/vdc'}]
            )
        }
    )
    run(operations.create, stack)
    cloud.compute.delete_server(stack.resources['Web'].resource_id)
    run(operations.delete, stack)
    assert status(stack)[0] == 'DELETE_COMPLETE'
    deleted = [
        e.resource_status_reason
        for e in db_api.event_list(stack.row.id)
        if e.resource_name == 'Web'
        and e.resource_action == 'DELETE'
        and e.resource_status == 'COMPLETE'
    ]
    assert deleted == ['Already gone from the cloud']


# -- validation and update -------------------------------------------------


@pytest.mark.parametrize(
    'props, message',
    [
        (
            {'UserData': '#!/bin/sh\necho hi'},
            'Resources.Web.Properties.UserData: must be base64-encoded UTF-8 '
            'text',
        ),
        (
            {'SubnetId': 'subnet-1'},
            'Resources.Web.Properties.SubnetId: Unknown Property SubnetId',
        ),
        (
            {'ImageId': None},
            'Resources.Web.Properties.ImageId: Property ImageId not assigned',
        ),
        (
            {'Volumes': [{'VolumeId': 'v'}]},
            r'Resources.Web.Properties.Volumes\[0\].Device: Property Device '
            'not assigned',
        ),
        ({'Tags': [{'Key': 'k', 'Val': 'v'}]}, 'Unknown Property Val'),
    ],
)
def test_definitions_that_do_not_fit_are_refused(cloud, props, message):
    definition = server_definition(**props)
    definition['Properties'] = {
        k: v for k, v in definition['Properties'].items() if v is not None
    }
    with pytest.raises(exception.ValidationError, match=message):
        new_stack({'Web': definition})


def test_instance_type_defaults_to_m1_small_and_extras_are_accepted(cloud):
    definition = server_definition(Monitoring='true', EbsOptimized=False)
    del definition['Properties']['InstanceType']
    stack = new_stack({'Web': definition})
    run(operations.create, stack)
    assert servers()[0]['flavor_id'] == catalog.find_flavor('m1.small').id


def test_how_changes_would_be_made(cloud):
    stack = new_stack({'Web': server_definition()})
    web = stack.resources['Web']
    current = web.definition

    def plan(**changes):
        props = dict(current.properties, **changes.pop('props', {}))
        return web.update_plan(
            resource.ResourceDefinition(
                type=current.type,
                properties=props,
                metadata=changes.get('metadata', current.metadata),
            )
        )

    assert plan() is resource.UpdatePlan.NO_CHANGE
    assert plan(metadata={'k': 'v'}) is resource.UpdatePlan.IN_PLACE
    assert plan(props={'Monitoring': True}) is resource.UpdatePlan.IN_PLACE
    for changed in (
        {'UserData': b64('#!/bin/sh\n')},
        {'ImageId': 'cirros'},
        {'InstanceType': 'm1.tiny'},
        {'Tags': [{'Key': 'a', 'Value': 'b'}]},
    ):
        assert plan(props=changed) is resource.UpdatePlan.REPLACE


def test_update_replaces_the_server_for_new_user_data(cloud):
    stack = new_stack({'Web': server_definition()})
    run(operations.create, stack)
    old_id = stack.resources['Web'].resource_id
    body = {
        'Resources': {
            'Web': server_definition(
                UserData={'Fn::Base64': '#!/bin/sh\necho v2\n'}
            )
        }
    }
    row = db_api.stack_get(stack.row.id)
    target = update.prepare(CTXT, row, {'TemplateBody': json.dumps(body)})
    run(update.update, target)
    assert status(stack)[0] == 'UPDATE_COMPLETE'
    [shown] = servers()
    assert shown['id'] != old_id
    assert (
        stored_user_data(shown['id'])['cfn-userdata'] == '#!/bin/sh\necho v2\n'
    )


# -- the published templates ------------------------------------------------


def heat_2012_templates():
    root = CORPUS / 'heat-2012'
    if not root.is_dir():
        return [
            pytest.param(
                None,
                marks=pytest.mark.skip(
                    reason='template corpus not found at %s (set '
                    'HEAT_TEMPLATE_CORPUS)' % CORPUS
                ),
            )
        ]
    return [
        pytest.param(path, id=str(path.relative_to(root)))
        for path in sorted(root.rglob('*'))
        if path.suffix in ('.template', '.yaml')
        and 'AWS::EC2::Instance' in path.read_text()
    ]


def sample_value(schema):
    for candidate in list(schema.allowed_values or ()) + ['abc', '8']:
        try:
            schema.value_of(candidate)
            return candidate
        except exception.ValidationError:
            continue
    pytest.fail('no sample value for parameter %s' % schema.name)


class TemplateView:
    """What an Instance sees of a stack being validated."""

    resolve = staticmethod(functions.resolve)


@pytest.mark.parametrize('path', heat_2012_templates())
def test_heat_2012_instances_fit_and_boot_in_the_sandbox(path):
    data = template_format.parse(path.read_bytes())
    # Published with a typo (WordPress_Single_Instance_puppet.template).
    data.pop('TemplateFormatVersion', None)
    tmpl = template_mod.Template(data)
    # Some map AWS regions to AMIs: resolve them as in us-east-1.
    info = parameters.StackInfo(
        stack_name='wiki', stack_id='arn', account_id='t1', region='us-east-1'
    )
    values = {
        name: sample_value(schema)
        for name, schema in tmpl.parameter_schemas.items()
        if schema.default is None
    }
    ctx = tmpl.context(tmpl.parameters(values, info), fakes.FakeResolver(tmpl))
    found = 0
    for name, definition in tmpl.resource_definitions(ctx).items():
        if definition.type != 'AWS::EC2::Instance':
            continue
        found += 1
        server = instance.Instance(
            name,
            resource.ResourceDefinition(
                type=definition.type,
                properties=definition.properties,
                metadata=definition.metadata,
            ),
            TemplateView(),
        )
        server.validate()
        server.properties.validate()
        image = server.properties['ImageId']
        if not image.startswith('ami-'):
            assert catalog.find_image(image)
        assert catalog.find_flavor(server.properties['InstanceType'])
        assert instance.decode_user_data(server.properties['UserData'])
    assert found
