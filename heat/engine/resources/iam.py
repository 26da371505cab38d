"""AWS::IAM::User and AWS::IAM::AccessKey: the identity of a stack's servers.

A User is a stack user in the cloud's identity service; an AccessKey is an
EC2 key pair of that user, which cfn-tools inside the stack's servers sign
their requests with.  Heat scopes such keys to their stack: they may read
that stack's resources (DescribeStackResource gives cfn-init its metadata)
and nothing else, whatever the User's Policies say.

As in CloudFormation, a User's Ref is its user name and an AccessKey's Ref
its access key id.  A User's physical id is the cloud's id of the user: the
engine finds a keystone-authenticated stack user's stack by it.
"""

import secrets
import string

from heat.common import crypto
from heat.common import exception
from heat.engine import attributes
from heat.engine import properties
from heat.engine import resource

Schema = properties.Schema

USER_TYPE = 'AWS::IAM::User'
# IAM's limit on user names.
MAX_USER_NAME = 64
SUFFIX_LENGTH = 12


def _user_name(stack_name, logical_name):
    """A name unique in the cloud, shaped like CloudFormation's:
    ``<stack>-<logical id>-<random suffix>``, at most 64 characters."""
    suffix = ''.join(
        secrets.choice(string.ascii_uppercase + string.digits)
        for _ in range(SUFFIX_LENGTH)
    )
    prefix = '%s-%s' % (stack_name, logical_name)
    return '%s-%s' % (prefix[: MAX_USER_NAME - SUFFIX_LENGTH - 1], suffix)


class User(resource.Resource):
    """A stack user.

    Path, Groups, LoginProfile and Policies are accepted and checked but
    not applied: a stack user can only sign requests with its keys, and
    Heat limits those to the user's own stack.  They may therefore change
    in place.
    """

    properties_schema = {
        'Path': Schema(
            Schema.STRING,
            update_allowed=True,
            description='Accepted; not applied.',
        ),
        'Groups': Schema(
            Schema.LIST,
            schema=Schema(Schema.STRING),
            update_allowed=True,
            description='Accepted; not applied.',
        ),
        'LoginProfile': Schema(
            Schema.MAP,
            schema={'Password': Schema(Schema.STRING)},
            update_allowed=True,
            description='Accepted; the user never logs in with a password.',
        ),
        'Policies': Schema(
            Schema.LIST,
            update_allowed=True,
            description='Inline policies ({PolicyName, '
            'PolicyDocument}) or references to '
            'policies; accepted, not applied.',
        ),
    }

    def validate(self):
        super().validate()
        policies = self._properties(self.definition, validating=True)[
            'Policies'
        ]
        for index, policy in enumerate(policies or []):
            self._check_policy(index, policy)

    def _check_policy(self, index, policy):
        if policy is None or isinstance(policy, str):
            return
        path = 'Resources.%s.Properties.Policies[%d]' % (self.name, index)
        if not isinstance(policy, dict):
            raise exception.ValidationError(
                '%s: a policy is a map or a reference to a policy' % path
            )
        for key in ('PolicyName', 'PolicyDocument'):
            if key not in policy:
                raise exception.ValidationError(
                    '%s: Property %s not assigned' % (path, key)
                )

    def handle_create(self):
        name = _user_name(self.stack.identifier.stack_name, self.name)
        user_id = self.stack.clients.identity.create_stack_user(
            self.stack.identifier.stack_id, name
        )
        # One write records both: the name is what Ref gives.
        self.data['user_name'] = name
        self.set_resource_id(user_id)

    def handle_delete(self):
        # Deleting the user deletes any keys it still has.
        self.stack.clients.identity.delete_stack_user(self.resource_id)

    def get_reference_id(self):
        return self.data.get('user_name', self.name)


class AccessKey(resource.Resource):
    """EC2 keys of a User of the same stack.

    The secret is kept encrypted in the resource's data; only
    Fn::GetAtt SecretAccessKey (and the stack's servers, through
    StackView.stack_credentials) ever see it in clear.  Changing UserName
    or Serial makes new keys, as rotating them does in IAM.
    """

    properties_schema = {
        'UserName': Schema(
            Schema.STRING,
            required=True,
            description='Ref of an AWS::IAM::User of this stack.',
        ),
        'Serial': Schema(
            Schema.INTEGER, description='Change it to replace the keys.'
        ),
        'Status': Schema(
            Schema.STRING,
            default='Active',
            allowed_values=('Active', 'Inactive'),
        ),
    }
    attributes_schema = {
        'UserName': attributes.Attribute("The name of the keys' user."),
        'SecretAccessKey': attributes.Attribute('The secret key.'),
    }

    def validate(self):
        super().validate()
        props = self._properties(self.definition, validating=True)
        if props['Status'] == 'Inactive':
            raise exception.ValidationError(
                'Resources.%s.Properties.Status: Inactive keys are not '
                'supported; keys exist as long as the resource does'
                % self.name
            )
        if props['UserName'] is not None:
            self._user(props['UserName'])

    def _user(self, user_name):
        """The User of this stack whose Ref is user_name."""
        user = self.stack.resource_by_reference(user_name)
        if not isinstance(user, User):
            raise exception.ValidationError(
                'Resources.%s.Properties.UserName: "%s" is not the Ref of '
                'an %s of stack %s'
                % (
                    self.name,
                    user_name,
                    USER_TYPE,
                    self.stack.identifier.stack_name,
                )
            )
        return user

    def handle_create(self):
        user = self._user(self.properties['UserName'])
        if user.resource_id is None:
            raise exception.ValidationError(
                'Resources.%s.Properties.UserName: user %s is not created '
                'yet' % (self.name, user.name)
            )
        access, secret = self.stack.clients.identity.create_ec2_credentials(
            user.resource_id, self.stack.identifier.stack_id
        )
        self.data.update(
            user_id=user.resource_id, secret=crypto.encrypt(secret)
        )
        self.set_resource_id(access)

    def handle_delete(self):
        self.stack.clients.identity.delete_ec2_credentials(
            self.data['user_id'], self.resource_id
        )

    def resolve_attribute(self, name):
        if name == 'UserName':
            return self.properties['UserName']
        return self._secret()

    def _secret(self):
        token = self.data.get('secret')
        return None if token is None else crypto.decrypt(token)

    def credentials(self):
        """(access, secret) while the keys exist, else None."""
        if self.resource_id is None or self.action is resource.Action.DELETE:
            return None
        return self.resource_id, self._secret()


def resource_mapping():
    return {
        USER_TYPE: User,
        'AWS::IAM::AccessKey': AccessKey,
    }
