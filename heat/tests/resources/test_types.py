"""Resource types for tests, loaded through ``[DEFAULT] plugin_dirs``.

Set ``plugin_dirs`` to this directory.  Their properties say how they
behave: complete at once, take time, fail or never finish.
"""

import time
import uuid

from heat.common import exception
from heat.engine import attributes
from heat.engine import properties
from heat.engine import resource

Schema = properties.Schema


class SimpleResource(resource.Resource):
    """Completes at once in the stack's thread; Output echoes Value."""

    properties_schema = {
        'Value': Schema(Schema.STRING, update_allowed=True),
        'ReplaceMe': Schema(Schema.STRING),
    }
    attributes_schema = {'Output': attributes.Attribute('The Value.')}
    cloud_calls = False

    def handle_create(self):
        self.set_resource_id('simple-%s' % uuid.uuid4())

    def resolve_attribute(self, name):
        return self.properties['Value']


class ControlledResource(resource.Resource):
    """Behaves as its properties say, with its hooks in the call pool."""

    properties_schema = {
        'Value': Schema(Schema.STRING, update_allowed=True),
        'CreateSeconds': Schema(Schema.NUMBER, default=0),
        'FailCreate': Schema(Schema.BOOLEAN, default=False),
        'FailUpdate': Schema(
            Schema.BOOLEAN, default=False, update_allowed=True
        ),
        'FailDelete': Schema(
            Schema.BOOLEAN, default=False, update_allowed=True
        ),
        'Stall': Schema(
            Schema.BOOLEAN,
            default=False,
            description='Creation never completes.',
        ),
    }
    attributes_schema = {'Output': attributes.Attribute('The Value.')}
    poll_interval = 0.2

    def handle_create(self):
        time.sleep(self.properties['CreateSeconds'])
        if self.properties['FailCreate']:
            raise exception.CloudError(reason='Creation failed on command')
        self.set_resource_id('controlled-%s' % uuid.uuid4())

    def check_create_complete(self, token):
        return not self.properties['Stall']

    def handle_update(self, new_properties, changed_names):
        if new_properties['FailUpdate']:
            raise exception.CloudError(reason='Update failed on command')

    def handle_delete(self):
        if self.properties['FailDelete']:
            raise exception.CloudError(reason='Deletion failed on command')

    def resolve_attribute(self, name):
        return self.properties['Value']


def resource_mapping():
    return {
        'Test::Resource::Simple': SimpleResource,
        'Test::Resource::Controlled': ControlledResource,
    }
