"""The caller's identity, carried from the API to the engine over RPC."""

import dataclasses
import uuid


def new_request_id():
    return str(uuid.uuid4())


@dataclasses.dataclass
class RequestContext:
    tenant: str
    user: str | None = None
    roles: list = dataclasses.field(default_factory=list)
    auth_token: str | None = None
    auth_url: str | None = None
    request_id: str = dataclasses.field(default_factory=new_request_id)
    # Credentials that may only read or signal one stack (cfn-tools, wait
    # condition handles): the stack's id, else None.
    scoped_stack_id: str | None = None
    # Keys that may only signal one resource of that stack (wait condition
    # handles): the resource's logical name, else None.
    scoped_resource: str | None = None

    def to_dict(self):
        # Not dataclasses.asdict: its recursive deep copy costs more than
        # the rest of an in-process RPC call.  Every field holds a str or
        # None but roles, the one to copy.
        values = {name: getattr(self, name) for name in _FIELD_NAMES}
        values['roles'] = list(self.roles)
        return values

    @classmethod
    def from_dict(cls, values):
        return cls(**{k: v for k, v in values.items() if k in _FIELD_NAMES})

    @property
    def is_admin(self):
        return 'admin' in self.roles


_FIELD_NAMES = tuple(f.name for f in dataclasses.fields(RequestContext))
