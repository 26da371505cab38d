"""AWS::EC2::EIP and AWS::EC2::EIPAssociation: floating IPs.

An EIP is a floating IP; as in EC2 its Ref, and physical id, is the
address, and Fn::GetAtt AllocationId gives the floating IP's id.  The id
is kept in the resource's data: every call after allocation names the
floating IP by it.
"""

from heat.common import exception
from heat.engine import attributes
from heat.engine import properties
from heat.engine import resource

Schema = properties.Schema


def _disassociate(network, fip_id, server_id=None):
    """Disassociate the floating IP, if it is associated (with server_id,
    when one is given)."""
    fip = network.get_floating_ip(fip_id)
    if fip.server_id is not None and server_id in (None, fip.server_id):
        network.disassociate_floating_ip(fip_id)


class ElasticIp(resource.Resource):
    """A floating IP, associated with InstanceId when one is given."""

    properties_schema = {
        'InstanceId': Schema(
            Schema.STRING,
            update_allowed=True,
            description='The server to associate the address with.',
        ),
        'Domain': Schema(
            Schema.STRING,
            allowed_values=('vpc', 'standard'),
            description='Accepted for compatibility: every '
            'address comes from the external '
            'network.',
        ),
    }
    attributes_schema = {
        'AllocationId': attributes.Attribute('The id of the floating IP.'),
    }

    def handle_create(self):
        network = self.stack.clients.network
        fip = network.allocate_floating_ip()
        self.update_data({'allocation_id': fip.id})
        self.set_resource_id(fip.address)
        server_id = self.properties['InstanceId']
        if server_id:
            network.associate_floating_ip(fip.id, server_id)

    def handle_update(self, new_properties, changed_names):
        network = self.stack.clients.network
        server_id = new_properties['InstanceId']
        if server_id:
            network.associate_floating_ip(
                self.data['allocation_id'], server_id
            )
        else:
            network.disassociate_floating_ip(self.data['allocation_id'])

    def handle_delete(self):
        # CloudNotFound: the address was released already.
        network = self.stack.clients.network
        _disassociate(network, self.data['allocation_id'])
        network.release_floating_ip(self.data['allocation_id'])

    def resolve_attribute(self, name):
        return self.data.get('allocation_id')


class ElasticIpAssociation(resource.Resource):
    """A floating IP, named by its address (EIP) or id (AllocationId),
    associated with a server.

    The physical id is '<address>:<server id>': what is associated with
    what, unique while the association stands.  Deleting it disassociates
    the address only if it is still associated with that server.
    """

    properties_schema = {
        'InstanceId': Schema(
            Schema.STRING,
            required=True,
            description='The server to associate with.',
        ),
        'EIP': Schema(
            Schema.STRING, description="The address (an EIP's Ref)."
        ),
        'AllocationId': Schema(
            Schema.STRING,
            description="The floating IP's id (an EIP's AllocationId).",
        ),
    }

    def validate(self):
        super().validate()
        given = [
            name
            for name in ('EIP', 'AllocationId')
            if self.definition.properties.get(name) is not None
        ]
        self._check_one_of(given)

    def _check_one_of(self, given):
        if not given:
            raise exception.ValidationError(
                'Resources.%s.Properties: %s needs EIP or AllocationId'
                % (self.name, self.definition.type)
            )
        if len(given) > 1:
            raise exception.ValidationError(
                'Resources.%s.Properties: EIP and AllocationId are mutually '
                'exclusive' % self.name
            )

    def handle_create(self):
        network = self.stack.clients.network
        address = self.properties['EIP']
        allocation_id = self.properties['AllocationId']
        self._check_one_of(
            [value for value in (address, allocation_id) if value is not None]
        )
        if address is not None:
            fip = network.find_floating_ip(address)
        else:
            fip = network.get_floating_ip(allocation_id)
        server_id = self.properties['InstanceId']
        network.associate_floating_ip(fip.id, server_id)
        self.update_data({'allocation_id': fip.id, 'server_id': server_id})
        self.set_resource_id('%s:%s' % (fip.address, server_id))

    def handle_delete(self):
        # CloudNotFound: the floating IP was released already.
        _disassociate(
            self.stack.clients.network,
            self.data['allocation_id'],
            self.data['server_id'],
        )


def resource_mapping():
    return {
        'AWS::EC2::EIP': ElasticIp,
        'AWS::EC2::EIPAssociation': ElasticIpAssociation,
    }
