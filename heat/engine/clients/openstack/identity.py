"""Stack users and their EC2 keys: keystone's v3 API, via keystoneclient.

A stack user is a keystone user in the domain of the caller's project,
with only the stack user role on that project: cfn-tools and wait
condition handles sign requests with its EC2 keys, and Heat limits what
those may do to the user's own stack.  Keystone lets only admins make
users and grant roles, so with keystone these calls are made by Heat's
service user (see session.make_service_session), not by the caller.
"""

from keystoneclient.v3 import client as keystone_client

from heat.common import exception
from heat.engine.clients.openstack import errors

# Without a role on the project, keystone would not accept the user's keys.
STACK_USER_ROLE = 'heat_stack_user'


class Identity:
    """The contract's ``identity`` operations on keystone."""

    def __init__(self, cloud, project_id: str):
        self._project_id = project_id
        self._keystone = keystone_client.Client(
            session=cloud.session,
            region_name=cloud.region_name,
            interface=cloud.interface,
            endpoint_override=cloud.endpoint_override('identity'),
        )

    def create_stack_user(self, stack_id: str, name: str) -> str:
        role = self._stack_user_role()
        # Named explicitly: keystone would put the user in its default
        # domain, whatever the project's.
        domain = errors.call(
            self._keystone.projects.get, self._project_id
        ).domain_id
        user = errors.call(
            self._keystone.users.create,
            name=name,
            domain=domain,
            default_project=self._project_id,
            description='User of stack %s' % stack_id,
        )
        try:
            errors.call(
                self._keystone.roles.grant,
                role,
                user=user.id,
                project=self._project_id,
            )
        except exception.CloudError:
            errors.call(self._keystone.users.delete, user.id)
            raise
        return user.id

    def _stack_user_role(self):
        roles = errors.call(self._keystone.roles.list, name=STACK_USER_ROLE)
        if not roles:
            raise exception.CloudError(
                reason='Keystone has no role %s for stack users'
                % STACK_USER_ROLE
            )
        return roles[0].id

    def delete_stack_user(self, user_id: str) -> None:
        errors.call(self._keystone.users.delete, user_id)

    def create_ec2_credentials(
        self, user_id: str, stack_id: str
    ) -> tuple[str, str]:
        # The keys belong to the stack's own user, which scopes them to
        # that stack; keystone has no field for the stack itself.
        credential = errors.call(
            self._keystone.ec2.create, user_id, self._project_id
        )
        return credential.access, credential.secret

    def delete_ec2_credentials(self, user_id: str, access: str) -> None:
        errors.call(self._keystone.ec2.delete, user_id, access)
