"""The identity of a stack, and its ARN as the API shows it."""

import dataclasses

ARN_PREFIX = 'arn:openstack:heat::'


@dataclasses.dataclass(frozen=True)
class StackIdentifier:
    tenant: str
    stack_name: str
    stack_id: str

    def arn(self):
        return '%s%s:stacks/%s/%s' % (
            ARN_PREFIX,
            self.tenant,
            self.stack_name,
            self.stack_id,
        )

    def __str__(self):
        return self.arn()

    @classmethod
    def from_arn(cls, arn):
        """Parse ``arn:openstack:heat::<tenant>:stacks/<name>/<uuid>``.

        Raises ValueError for anything else.
        """
        if not arn.startswith(ARN_PREFIX):
            raise ValueError('not a stack ARN: %s' % arn)
        tenant, sep, path = arn[len(ARN_PREFIX) :].partition(':')
        parts = path.split('/')
        if (
            not sep
            or len(parts) != 3
            or parts[0] != 'stacks'
            or not all(parts)
        ):
            raise ValueError('not a stack ARN: %s' % arn)
        return cls(tenant, parts[1], parts[2])

    @staticmethod
    def is_arn(text):
        return text.startswith(ARN_PREFIX)
