"""The sandbox's keystone: stack users, with EC2 keys in Heat's own store.

The keys are the ones heat-api checks signatures against in local auth
mode, so cfn-tools in a server can use them.
"""

from heat.common import exception
from heat.db import api as db_api
from heat.db import sandbox_api


class Identity:
    def __init__(self, tenant: str):
        self.tenant = tenant

    def create_stack_user(self, stack_id: str, name: str) -> str:
        return sandbox_api.user_create(self.tenant, stack_id, name).id

    def delete_stack_user(self, user_id: str) -> None:
        sandbox_api.user_delete(self.tenant, user_id)

    def create_ec2_credentials(
        self, user_id: str, stack_id: str
    ) -> tuple[str, str]:
        sandbox_api.user_get(self.tenant, user_id)
        return db_api.ec2_credential_create(
            self.tenant, user=user_id, stack_id=stack_id
        )

    def delete_ec2_credentials(self, user_id: str, access: str) -> None:
        keypair = db_api.ec2_credential_get(access)
        if (
            keypair is None
            or keypair.tenant != self.tenant
            or keypair.user != user_id
        ):
            raise exception.CloudNotFound(
                reason='Could not find credential: %s.' % access
            )
        db_api.ec2_credential_delete(access)
