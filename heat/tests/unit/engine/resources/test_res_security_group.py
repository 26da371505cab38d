"""AWS::EC2::SecurityGroup on the sandbox cloud, in real stacks on a
SQLite file."""

import pytest

from heat.common import context
from heat.common import exception
from heat.common import identifier
from heat.engine import operations
from heat.engine import resource
from heat.engine import stack as stack_mod
from heat.engine import template as template_mod
from heat.engine.clients import model
from heat.engine.clients import sandbox
from heat.engine.clients.sandbox import inventory
from heat.engine.resources import security_group
from heat.tests.unit.engine.resources.resource_stacks import event_reasons
from heat.tests.unit.engine.resources.resource_stacks import run
from heat.tests.unit.engine.resources.resource_stacks import status

TENANT = 't1'
CTXT = context.RequestContext(tenant=TENANT, user='u1')

WEB_RULES = [
    {
        'IpProtocol': 'icmp',
        'FromPort': '-1',
        'ToPort': '-1',
        'CidrIp': '0.0.0.0/0',
    },
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
        'CidrIp': '10.0.0.0/8',
    },
]


@pytest.fixture
def cloud(heat_db):
    return sandbox.make_clients(CTXT)


def group(ingress=None, egress=None, **more):
    props = {'GroupDescription': 'Web servers'}
    if ingress is not None:
        props['SecurityGroupIngress'] = ingress
    if egress is not None:
        props['SecurityGroupEgress'] = egress
    props.update(more)
    return {'Type': 'AWS::EC2::SecurityGroup', 'Properties': props}


def new_stack(resources, name='fw'):
    template = template_mod.Template({'Resources': resources})
    stack = stack_mod.Stack.new(CTXT, name, template, {}, {})
    stack.validate()
    stack.store()
    return stack


def groups():
    return {
        g['name']: g for g in inventory.describe(TENANT)['security_groups']
    }


def rules(shown):
    """The group's rules, in no particular order (the cloud keeps none)."""
    return {
        (
            r['direction'],
            r['protocol'],
            r['port_min'],
            r['port_max'],
            r['cidr'],
            r['remote_group_id'],
        )
        for r in shown['rules']
    }


def test_group_and_rules_are_created_then_deleted(cloud):
    stack = new_stack(
        {
            'Web': group(
                WEB_RULES,
                egress=[
                    {'IpProtocol': '-1', 'CidrIp': '0.0.0.0/0'},
                    {
                        'IpProtocol': 'udp',
                        'FromPort': 53,
                        'ToPort': 53,
                        'CidrIp': '192.0.2.0/24',
                    },
                ],
            )
        }
    )
    run(operations.create, stack)
    assert status(stack) == 'CREATE_COMPLETE'
    [(name, shown)] = groups().items()
    assert name.startswith('fw-Web-')
    assert shown['description'] == 'Web servers'
    assert stack.reference('Web') == name
    assert stack.attribute('Web', 'GroupId') == shown['id']
    assert rules(shown) == {
        ('ingress', 'icmp', None, None, '0.0.0.0/0', None),
        ('ingress', 'tcp', 80, 80, '0.0.0.0/0', None),
        ('ingress', 'tcp', 22, 22, '10.0.0.0/8', None),
        ('egress', None, None, None, '0.0.0.0/0', None),
        ('egress', 'udp', 53, 53, '192.0.2.0/24', None),
    }
    run(operations.delete, stack)
    assert status(stack) == 'DELETE_COMPLETE'
    assert groups() == {}


def test_each_group_has_a_name_of_its_own(cloud):
    # A stack of the same name after a deleted one whose group stayed.
    retained = dict(group(), DeletionPolicy='Retain')
    first = new_stack({'Web': retained})
    run(operations.create, first)
    run(operations.delete, first)
    second = new_stack({'Web': retained})
    run(operations.create, second)
    assert first.reference('Web') != second.reference('Web')
    assert set(groups()) == {first.reference('Web'), second.reference('Web')}


def test_a_group_in_a_vpc_is_referred_to_by_id(cloud):
    stack = new_stack({'Web': group(VpcId='vpc-1')})
    run(operations.create, stack)
    [shown] = groups().values()
    assert stack.reference('Web') == shown['id']
    assert stack.attribute('Web', 'GroupId') == shown['id']


def test_rules_may_name_a_source_group_by_name_or_id(cloud):
    stack = new_stack(
        {
            'Db': group(),
            'App': group(
                [
                    {
                        'IpProtocol': 'tcp',
                        'FromPort': 3306,
                        'ToPort': 3306,
                        'SourceSecurityGroupName': {'Ref': 'Db'},
                    },
                    {
                        'IpProtocol': 'tcp',
                        'FromPort': 5432,
                        'ToPort': 5432,
                        'SourceSecurityGroupId': {
                            'Fn::GetAtt': ['Db', 'GroupId']
                        },
                    },
                ],
                egress=[
                    {
                        'IpProtocol': 'tcp',
                        'FromPort': 443,
                        'ToPort': 443,
                        'DestinationSecurityGroupId': {'Ref': 'Db'},
                    }
                ],
            ),
        }
    )
    run(operations.create, stack)
    assert status(stack) == 'CREATE_COMPLETE'
    shown = groups()
    db_id = shown[stack.reference('Db')]['id']
    assert rules(shown[stack.reference('App')]) == {
        ('ingress', 'tcp', 3306, 3306, None, db_id),
        ('ingress', 'tcp', 5432, 5432, None, db_id),
        ('egress', 'tcp', 443, 443, None, db_id),
    }
    run(operations.delete, stack)
    assert groups() == {}


def test_protocols_by_number_and_all_ports(cloud):
    stack = new_stack(
        {
            'Web': group(
                [
                    {
                        'IpProtocol': '6',
                        'FromPort': -1,
                        'ToPort': -1,
                        'CidrIp': '10.0.0.0/8',
                    },
                    {
                        'IpProtocol': '17',
                        'FromPort': 1000,
                        'ToPort': 2000,
                        'CidrIpv6': '2001:db8::/32',
                    },
                    {
                        'IpProtocol': '1',
                        'FromPort': 8,
                        'ToPort': -1,
                        'CidrIp': '10.0.0.0/8',
                    },
                    {
                        'IpProtocol': '-1',
                        'FromPort': 5,
                        'ToPort': 6,
                        'CidrIp': '10.1.0.0/16',
                    },
                ]
            )
        }
    )
    run(operations.create, stack)
    [shown] = groups().values()
    assert rules(shown) == {
        ('ingress', 'tcp', None, None, '10.0.0.0/8', None),
        ('ingress', 'udp', 1000, 2000, '2001:db8::/32', None),
        ('ingress', 'icmp', 8, None, '10.0.0.0/8', None),
        ('ingress', None, None, None, '10.1.0.0/16', None),
    }


def test_a_rule_the_cloud_refuses_fails_the_group(cloud):
    stack = new_stack({'Web': group([WEB_RULES[1], WEB_RULES[1]])})
    run(operations.create, stack)
    assert status(stack) == 'ROLLBACK_COMPLETE'
    [reason] = event_reasons(stack, 'Web', 'CREATE_FAILED')
    assert reason.startswith(
        'Resources.Web.Properties.SecurityGroupIngress[1] refused: '
        'Security group rule already exists.'
    )
    assert groups() == {}


def test_an_unknown_source_group_fails_the_group(cloud):
    stack = new_stack(
        {
            'Web': group(
                [
                    {
                        'IpProtocol': 'tcp',
                        'FromPort': 22,
                        'ToPort': 22,
                        'SourceSecurityGroupName': 'nowhere',
                    }
                ]
            )
        }
    )
    run(operations.create, stack)
    assert status(stack) == 'ROLLBACK_COMPLETE'
    assert event_reasons(stack, 'Web', 'CREATE_FAILED') == [
        'Resources.Web.Properties.SecurityGroupIngress[0] refused: '
        'Security group nowhere does not exist.'
    ]


def test_a_group_deleted_behind_heats_back_is_already_gone(cloud):
    stack = new_stack({'Web': group(WEB_RULES)})
    run(operations.create, stack)
    cloud.network.delete_security_group(stack.attribute('Web', 'GroupId'))
    run(operations.delete, stack)
    assert status(stack) == 'DELETE_COMPLETE'
    assert event_reasons(stack, 'Web', 'DELETE_COMPLETE') == [
        'Already gone from the cloud'
    ]


@pytest.mark.parametrize(
    'rule, message',
    [
        (
            {'IpProtocol': 'tcp', 'FromPort': 80, 'ToPort': 80},
            'needs exactly one of CidrIp, CidrIpv6, SourceSecurityGroupName, '
            'SourceSecurityGroupId',
        ),
        (
            {
                'IpProtocol': 'tcp',
                'FromPort': 80,
                'ToPort': 80,
                'CidrIp': '10.0.0.0/8',
                'SourceSecurityGroupId': 'sg-1',
            },
            'needs exactly one of',
        ),
        (
            {'IpProtocol': 'tcp', 'FromPort': 80, 'CidrIp': '10.0.0.0/8'},
            'FromPort and ToPort are required for tcp',
        ),
        (
            {'IpProtocol': 'icmp', 'CidrIp': '10.0.0.0/8'},
            'FromPort and ToPort are required for icmp',
        ),
        (
            {
                'IpProtocol': 'udp',
                'FromPort': 90,
                'ToPort': 80,
                'CidrIp': '10.0.0.0/8',
            },
            'port range 90-80 is not valid',
        ),
        (
            {
                'IpProtocol': 'tcp',
                'FromPort': -1,
                'ToPort': 80,
                'CidrIp': '10.0.0.0/8',
            },
            'port range -1-80 is not valid',
        ),
        (
            {
                'IpProtocol': 'tcp',
                'FromPort': 1,
                'ToPort': 70000,
                'CidrIp': '10.0.0.0/8',
            },
            'port range 1-70000 is not valid',
        ),
        (
            {
                'IpProtocol': 'icmp',
                'FromPort': -1,
                'ToPort': 0,
                'CidrIp': '10.0.0.0/8',
            },
            'ICMP type -1 and code 0 are not valid',
        ),
        (
            {
                'IpProtocol': 'icmp',
                'FromPort': 300,
                'ToPort': -1,
                'CidrIp': '10.0.0.0/8',
            },
            'ICMP type 300 and code -1 are not valid',
        ),
    ],
)
def test_ingress_rules_are_validated(cloud, rule, message):
    with pytest.raises(exception.ValidationError) as caught:
        new_stack({'Web': group([WEB_RULES[0], rule])})
    assert str(caught.value).startswith(
        'Resources.Web.Properties.SecurityGroupIngress[1]: '
    )
    assert message in str(caught.value)


@pytest.mark.parametrize(
    'rule, message',
    [
        (
            {'IpProtocol': 'gre', 'CidrIp': '10.0.0.0/8'},
            'IpProtocol: "gre" is not an allowed value',
        ),
        (
            {'IpProtocol': '-1'},
            'needs exactly one of CidrIp, CidrIpv6, '
            'DestinationSecurityGroupId',
        ),
        (
            {'IpProtocol': '-1', 'SourceSecurityGroupId': 'sg-1'},
            'Unknown Property SourceSecurityGroupId',
        ),
        (
            {'IpProtocol': '-1', 'CidrIp': '10.0.0.0/8', 'Port': 1},
            'Unknown Property Port',
        ),
    ],
)
def test_egress_rules_are_validated(cloud, rule, message):
    with pytest.raises(exception.ValidationError) as caught:
        new_stack({'Web': group(egress=[rule])})
    assert 'Resources.Web.Properties.SecurityGroupEgress[0]' in str(
        caught.value
    )
    assert message in str(caught.value)


def test_rule_values_not_known_yet_pass_validation(cloud):
    stack = new_stack(
        {
            'Db': group(),
            'Web': group(
                [
                    {
                        'IpProtocol': 'tcp',
                        'FromPort': 22,
                        'ToPort': 22,
                        'SourceSecurityGroupId': {
                            'Fn::GetAtt': ['Db', 'GroupId']
                        },
                    }
                ]
            ),
        }
    )
    run(operations.create, stack)
    assert status(stack) == 'CREATE_COMPLETE'


def test_a_group_description_is_required(cloud):
    with pytest.raises(
        exception.ValidationError,
        match='Resources.Web.Properties.GroupDescription: '
        'Property GroupDescription not assigned',
    ):
        new_stack(
            {'Web': {'Type': 'AWS::EC2::SecurityGroup', 'Properties': {}}}
        )


class _CloudWithDefaultEgress:
    """The sandbox's network, with neutron's default rule on new groups."""

    def __init__(self, network):
        self.network = network
        self.added = []

    def create_security_group(self, name, description):
        made = self.network.create_security_group(name, description)
        default = model.SecurityGroupRule(
            id='r-0',
            direction='egress',
            protocol=None,
            port_min=None,
            port_max=None,
        )
        return model.SecurityGroup(
            id=made.id,
            name=made.name,
            description=made.description,
            rules=(default,),
        )

    def add_security_group_rule(self, *args, **kwargs):
        self.added.append(args + tuple(sorted(kwargs.items())))
        return self.network.add_security_group_rule(*args, **kwargs)


class _StackView:
    """What a resource sees of a stack that is not stored."""

    def __init__(self, network):
        self.clients = type('Clients', (), {'network': network})()
        self.identifier = identifier.StackIdentifier(TENANT, 'fw', '1')

    def resolve(self, snippet):
        return snippet

    def data_changed(self, rsrc):
        pass


def test_rules_a_new_group_has_already_are_not_added_again(cloud):
    network = _CloudWithDefaultEgress(cloud.network)
    definition = resource.ResourceDefinition(
        'AWS::EC2::SecurityGroup',
        group(
            egress=[
                {'IpProtocol': '-1', 'CidrIp': '0.0.0.0/0'},
                {'IpProtocol': '-1', 'CidrIp': '10.0.0.0/8'},
            ]
        )['Properties'],
    )
    rsrc = security_group.SecurityGroup('Web', definition, _StackView(network))
    rsrc.handle_create()
    [(group_id, *rest)] = network.added
    assert rest == [
        'egress',
        None,
        None,
        None,
        ('cidr', '10.0.0.0/8'),
        ('remote_group_id', None),
    ]
