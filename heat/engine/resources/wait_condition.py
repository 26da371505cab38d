"""AWS::CloudFormation::WaitConditionHandle and WaitCondition.

A handle is a pre-signed URL that a server signals (cfn-signal PUTs
``{Status, Reason, UniqueId, Data}`` to it); the wait condition holds the
stack's create until enough SUCCESS signals came through its handle, a
FAILURE came, or its Timeout passed.
"""

import json

from heat.common import exception
from heat.common import handle_url
from heat.engine import attributes
from heat.engine import properties
from heat.engine import resource
from heat.engine import signals

Schema = properties.Schema

HANDLE_TYPE = 'AWS::CloudFormation::WaitConditionHandle'


class WaitConditionHandle(resource.Resource):
    """A URL for cfn-signal, signed by a key that may only signal it.

    The key lives in Heat's credential store (its secret nowhere else); the
    URL is the physical id, as in CloudFormation.  Creating and deleting
    one is a row of Heat's own database, no cloud, so the hooks run in the
    stack's thread.
    """

    cloud_calls = False

    def handle_create(self):
        # As in CloudFormation, the URL is the physical id.  It and its key
        # are written with the state change that follows, in one batch.
        self.resource_id = self.stack.handle_url(self.name)

    def handle_delete(self):
        self.stack.revoke_handle_url(self.resource_id)

    def expects_signals(self):
        return True


class WaitCondition(resource.Resource):
    """Waits for Count SUCCESS signals to its Handle, for Timeout seconds.

    The wait is the create's signal wait, as for a CreationPolicy (see
    Resource.signal_wait): its timeout runs from the start of the create,
    signals the handle took before count.  With a CreationPolicy
    ResourceSignal instead, it waits for signals sent to itself
    (SignalResource), and its properties are not used.
    """

    properties_schema = {
        'Handle': Schema(
            Schema.STRING,
            description='The Ref of a WaitConditionHandle of this stack.',
        ),
        'Timeout': Schema(
            Schema.INTEGER,
            constraints=[properties.Range(1, signals.MAX_TIMEOUT_SECONDS)],
            description='Seconds to wait for the signals, from the start of '
            'the create.',
        ),
        'Count': Schema(
            Schema.INTEGER,
            default=1,
            constraints=[properties.Range(1)],
            description='The SUCCESS signals needed.',
        ),
    }
    attributes_schema = {
        'Data': attributes.Attribute(
            'The signals as a JSON object: {UniqueId: Data}.'
        ),
    }

    def validate(self):
        super().validate()
        if self._creation_policy(validating=True) is not None:
            return
        props = self._properties(self.definition, validating=True)
        # The Handle's URL is only known once the handle is created: it is
        # checked then.
        for name in ('Handle', 'Timeout'):
            if props[name] is None and name not in props.data:
                raise exception.ValidationError(
                    '%s.%s: Property %s not assigned'
                    % (props.path, name, name)
                )

    def signal_wait(self):
        if self.expects_signals():
            return super().signal_wait()
        return signals.Policy(
            self._handle_name(self.properties['Handle']),
            self.properties['Count'],
            self.properties['Timeout'],
        )

    def resolve_attribute(self, name):
        if self.action is resource.Action.INIT:
            return None
        return json.dumps(
            {
                signal['unique_id']: signal['data']
                for signal in self.stack.signals(
                    self.signal_wait().resource_name
                )
            }
        )

    def _handle_name(self, url):
        """The handle's logical name, from a URL of this stack's."""
        name = handle_url.resource_name(url)
        if (
            name is None
            or handle_url.stack_arn(url) != self.stack.identifier.arn()
        ):
            raise exception.ValidationError(
                'Resources.%s.Properties.Handle: "%s" is not the URL of a '
                'WaitConditionHandle of this stack' % (self.name, url)
            )
        return name


def resource_mapping():
    return {
        HANDLE_TYPE: WaitConditionHandle,
        'AWS::CloudFormation::WaitCondition': WaitCondition,
    }
