"""AWS::CloudFormation::WaitConditionHandle: the URL a server signals."""

from heat.engine import resource


class WaitConditionHandle(resource.Resource):
    """A URL for cfn-signal; creating one needs no cloud.

    Stacks hold hundreds of these, so the hooks run in the stack's thread
    and complete at once.
    """

    cloud_calls = False

    def handle_create(self):
        # As in CloudFormation, the URL is the physical id.  Nothing exists
        # in a cloud to lose track of, so the state change that follows
        # persists it with the rest of its batch.
        self.resource_id = self.handle_url()

    def get_reference_id(self):
        return self.handle_url()

    def handle_url(self):
        # The pre-signed credentials are added to this URL by the wait
        # condition work.
        return '%s/waitcondition/%s/resources/%s' % (
            self.stack.public_endpoint, self.stack.identifier.arn(),
            self.name)


def resource_mapping():
    return {'AWS::CloudFormation::WaitConditionHandle': WaitConditionHandle}
