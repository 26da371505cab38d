"""A server with a security group, a data volume and an elastic IP, as the
heat-2012 WordPress templates build it, on the sandbox cloud."""

import pytest

from heat.common import config
from heat.common import context
from heat.db import api as db_api
from heat.engine import operations
from heat.engine import stack as stack_mod
from heat.engine import template as template_mod
from heat.engine.clients import sandbox
from heat.engine.clients.sandbox import inventory
from heat.tests.unit.engine.resources.resource_stacks import run
from heat.tests.unit.engine.resources.resource_stacks import status

CONF = config.CONF
TENANT = 't1'
CTXT = context.RequestContext(tenant=TENANT, user='u1')

TEMPLATE = {
    'Resources': {
        'WebSecurityGroup': {
            'Type': 'AWS::EC2::SecurityGroup',
            'Properties': {
                'GroupDescription': 'HTTP and SSH',
                'SecurityGroupIngress': [
                    {
                        'IpProtocol': 'tcp',
                        'FromPort': '80',
                        'ToPort': '80',
                        'CidrIp': '0.0.0.0/0',
                    },
                    {
                        'IpProtocol': 'tcp',
                        'FromPort': '22',
                        'ToPort': '22',
                        'CidrIp': '0.0.0.0/0',
                    },
                ],
            },
        },
        'WebServer': {
            'Type': 'AWS::EC2::Instance',
            'Properties': {
                'ImageId': 'F17-x86_64-cfntools',
                'InstanceType': 'm1.small',
                'SecurityGroups': [{'Ref': 'WebSecurityGroup'}],
            },
        },
        'IPAddress': {'Type': 'AWS::EC2::EIP'},
        'IPAssoc': {
            'Type': 'AWS::EC2::EIPAssociation',
            'Properties': {
                'InstanceId': {'Ref': 'WebServer'},
                'EIP': {'Ref': 'IPAddress'},
            },
        },
        'DataVolume': {
            'Type': 'AWS::EC2::Volume',
            'Properties': {
                'Size': '1',
                'AvailabilityZone': {
                    'Fn::GetAtt': ['WebServer', 'AvailabilityZone']
                },
            },
        },
        'MountPoint': {
            'Type': 'AWS::EC2::VolumeAttachment',
            'Properties': {
                'InstanceId': {'Ref': 'WebServer'},
                'VolumeId': {'Ref': 'DataVolume'},
                'Device': '/dev/vdc',
            },
        },
    },
    'Outputs': {
        'InstanceIPAddress': {'Value': {'Ref': 'IPAddress'}},
        'PublicIp': {'Value': {'Fn::GetAtt': ['WebServer', 'PublicIp']}},
    },
}


@pytest.fixture
def cloud(heat_db):
    CONF.set_override('build_seconds', 0.05, group='sandbox')
    yield sandbox.make_clients(CTXT)
    CONF.clear_override('build_seconds', group='sandbox')


def test_server_with_group_volume_and_address(cloud):
    stack = stack_mod.Stack.new(
        CTXT, 'wiki', template_mod.Template(TEMPLATE), {}, {}
    )
    stack.validate()
    stack.store()
    run(operations.create, stack)
    assert status(stack) == 'CREATE_COMPLETE'
    shown = inventory.describe(TENANT)
    [server] = shown['servers']
    [group] = shown['security_groups']
    [address] = shown['floating_ips']
    [volume] = shown['volumes']
    assert server['security_groups'] == [group['name']]
    assert (address['address'], address['server_id']) == (
        stack.reference('IPAddress'),
        server['id'],
    )
    assert (volume['server_id'], volume['device'], volume['status']) == (
        server['id'],
        '/dev/vdc',
        'in-use',
    )
    loaded = stack_mod.Stack.load(CTXT, db_api.stack_get(stack.row.id))
    assert {o['OutputKey']: o['OutputValue'] for o in loaded.outputs()} == {
        'InstanceIPAddress': address['address'],
        'PublicIp': address['address'],
    }
    run(operations.delete, stack)
    assert status(stack) == 'DELETE_COMPLETE'
    shown = inventory.describe(TENANT)
    assert {
        kind: shown[kind]
        for kind in (
            'servers',
            'volumes',
            'attachments',
            'snapshots',
            'floating_ips',
            'security_groups',
        )
    } == {
        'servers': [],
        'volumes': [],
        'attachments': [],
        'snapshots': [],
        'floating_ips': [],
        'security_groups': [],
    }
