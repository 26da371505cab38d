"""AWS::EC2::SecurityGroup: a neutron security group and its rules.

EC2's rules become neutron's: IpProtocol -1 is any protocol, FromPort and
ToPort are a TCP/UDP port range or an ICMP type and code, where -1 means
all.  As in EC2-Classic the group's Ref, and physical id, is its name; with
a VpcId it is the group's id, as in a VPC.  Fn::GetAtt GroupId is the id.
"""

import secrets

from heat.common import exception
from heat.engine import attributes
from heat.engine import properties
from heat.engine import resource

Schema = properties.Schema

# IpProtocol, by name or number, as the cloud's protocol (None: any).
PROTOCOLS = {
    'tcp': 'tcp',
    '6': 'tcp',
    'udp': 'udp',
    '17': 'udp',
    'icmp': 'icmp',
    '1': 'icmp',
    '-1': None,
}

PORT_MAX = 65535
ICMP_MAX = 255

# Where a rule's traffic comes from (ingress) or goes to (egress): a rule
# names exactly one.
INGRESS_PEERS = (
    'CidrIp',
    'CidrIpv6',
    'SourceSecurityGroupName',
    'SourceSecurityGroupId',
)
EGRESS_PEERS = ('CidrIp', 'CidrIpv6', 'DestinationSecurityGroupId')
# Peers that name a group rather than addresses.  Each is looked up by
# name or id, so a group's Ref serves in either.
GROUP_PEERS = (
    'SourceSecurityGroupName',
    'SourceSecurityGroupId',
    'DestinationSecurityGroupId',
)

# neutron treats a rule for every address as one without an address.
ANY_ADDRESS = ('0.0.0.0/0', '::/0')


def _rule_schema(peers, extra=()):
    schema = {
        'IpProtocol': Schema(
            Schema.STRING, required=True, allowed_values=tuple(PROTOCOLS)
        ),
        'FromPort': Schema(Schema.INTEGER),
        'ToPort': Schema(Schema.INTEGER),
    }
    schema.update((name, Schema(Schema.STRING)) for name in peers + extra)
    return schema


# SourceSecurityGroupOwnerId is accepted and ignored: groups are always
# the stack's tenant's.
INGRESS_RULE = _rule_schema(INGRESS_PEERS, ('SourceSecurityGroupOwnerId',))
EGRESS_RULE = _rule_schema(EGRESS_PEERS)

# Rule list property: (direction, rule schema, peers).
RULE_LISTS = {
    'SecurityGroupIngress': ('ingress', INGRESS_RULE, INGRESS_PEERS),
    'SecurityGroupEgress': ('egress', EGRESS_RULE, EGRESS_PEERS),
}


def _ports(rule, given, protocol, path):
    """(port_min, port_max) for the cloud; raise if EC2 would refuse them.

    Values not known yet (None while validating) pass.
    """
    if protocol is None:
        # EC2 ignores the ports of an any-protocol rule.
        return None, None
    if not {'FromPort', 'ToPort'} <= given:
        raise exception.ValidationError(
            '%s: FromPort and ToPort are required for %s'
            % (path, rule['IpProtocol'])
        )
    low, high = rule.get('FromPort'), rule.get('ToPort')
    if None in (low, high):
        return None, None
    if protocol == 'icmp':
        # ICMP type and code; -1 is every one.
        if not (-1 <= low <= ICMP_MAX and -1 <= high <= ICMP_MAX) or (
            low == -1 and high != -1
        ):
            raise exception.ValidationError(
                '%s: ICMP type %d and code %d are not valid (each -1 to '
                '%d; a code needs a type)' % (path, low, high, ICMP_MAX)
            )
    elif (low, high) != (-1, -1) and not 0 <= low <= high <= PORT_MAX:
        raise exception.ValidationError(
            '%s: port range %d-%d is not valid (0 to %d, or -1 for all)'
            % (path, low, high, PORT_MAX)
        )
    return (None if low == -1 else low), (None if high == -1 else high)


def _peer(rule, given, peers, path):
    """The one peer property the rule names; raise unless exactly one."""
    named = [name for name in peers if name in given]
    if len(named) != 1:
        raise exception.ValidationError(
            '%s: a rule needs exactly one of %s' % (path, ', '.join(peers))
        )
    return named[0]


def check_rule(rule, given, peers, path):
    """(protocol, port_min, port_max, peer property) of an EC2 rule.

    ``rule`` holds the rule's values, None for those not known yet;
    ``given`` names the properties the template gives.  Raises
    ValidationError naming ``path`` for a rule EC2 would refuse.
    """
    protocol = PROTOCOLS.get(rule.get('IpProtocol'))
    port_min, port_max = _ports(rule, given, protocol, path)
    return protocol, port_min, port_max, _peer(rule, given, peers, path)


class SecurityGroup(resource.Resource):
    """A security group named '<stack>-<logical name>-<random>', unique so
    that its name can stand for it, and its rules."""

    properties_schema = {
        'GroupDescription': Schema(
            Schema.STRING, required=True, description='What the group is for.'
        ),
        'SecurityGroupIngress': Schema(
            Schema.LIST,
            schema=Schema(Schema.MAP, schema=INGRESS_RULE),
            description='Inbound rules.',
        ),
        'SecurityGroupEgress': Schema(
            Schema.LIST,
            schema=Schema(Schema.MAP, schema=EGRESS_RULE),
            description='Outbound rules.',
        ),
        'VpcId': Schema(
            Schema.STRING,
            description="Accepted; makes the Ref the group's id, as in a VPC.",
        ),
    }
    attributes_schema = {
        'GroupId': attributes.Attribute('The id of the security group.'),
    }

    def validate(self):
        super().validate()
        for list_name, (_, schema, peers) in RULE_LISTS.items():
            # Resolved but not coerced: a member whose value is not known
            # yet is still there, as None.
            rules = self.stack.resolve(
                self.definition.properties.get(list_name)
            )
            for index, rule in enumerate(rules or ()):
                if rule is None:
                    continue
                path = self._rule_path(list_name, index)
                values = properties.Properties(
                    schema, rule, path, validating=True
                )
                check_rule(
                    {name: values[name] for name in schema},
                    set(rule),
                    peers,
                    path,
                )

    def _rule_path(self, list_name, index):
        return 'Resources.%s.Properties.%s[%d]' % (self.name, list_name, index)

    def handle_create(self):
        network = self.stack.clients.network
        group = network.create_security_group(
            '%s-%s-%s'
            % (
                self.stack.identifier.stack_name,
                self.name,
                secrets.token_hex(6),
            ),
            self.properties['GroupDescription'],
        )
        self.update_data({'group_id': group.id})
        self.set_resource_id(
            group.id if self.properties['VpcId'] else group.name
        )
        # Rules the cloud gives a new group (neutron's allow-all egress)
        # are there already: adding them again would be refused.  Only
        # these are skipped: a rule the template repeats is refused, as
        # EC2 refuses it.
        existing = {
            _rule_key(
                rule.direction,
                rule.protocol,
                rule.port_min,
                rule.port_max,
                rule.cidr,
                rule.remote_group_id,
            )
            for rule in group.rules
        }
        for list_name, (direction, _, peers) in RULE_LISTS.items():
            for index, rule in enumerate(self.properties[list_name] or ()):
                path = self._rule_path(list_name, index)
                self._add_rule(
                    group.id, direction, rule, peers, path, existing
                )

    def _add_rule(self, group_id, direction, rule, peers, path, existing):
        network = self.stack.clients.network
        protocol, port_min, port_max, peer = check_rule(
            rule, set(rule), peers, path
        )
        try:
            cidr, remote_group_id = None, None
            if peer in GROUP_PEERS:
                remote_group_id = network.find_security_group(rule[peer]).id
            else:
                cidr = rule[peer]
            key = _rule_key(
                direction, protocol, port_min, port_max, cidr, remote_group_id
            )
            if key not in existing:
                network.add_security_group_rule(
                    group_id,
                    direction,
                    protocol,
                    port_min,
                    port_max,
                    cidr=cidr,
                    remote_group_id=remote_group_id,
                )
        except exception.CloudError as exc:
            raise exception.CloudError(
                reason='%s refused: %s' % (path, exc)
            ) from exc

    def handle_delete(self):
        # CloudNotFound: the group was deleted already.
        self.stack.clients.network.delete_security_group(self.data['group_id'])

    def resolve_attribute(self, name):
        return self.data.get('group_id')


def _rule_key(direction, protocol, port_min, port_max, cidr, remote_group_id):
    """What makes two rules the same to the cloud."""
    if cidr in ANY_ADDRESS:
        cidr = None
    return direction, protocol, port_min, port_max, cidr, remote_group_id


def resource_mapping():
    return {'AWS::EC2::SecurityGroup': SecurityGroup}
