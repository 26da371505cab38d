"""Checking AWS signatures against Heat's own credential store.

The secrets live in the engine's database, so the engine does the check
(with heat.common.ec2signature.verify) and answers with the Identity's
fields.
"""

from heat.common import context
from heat.common import ec2signature
from heat.common import request_scope


class LocalEc2Authenticator:
    def __init__(self, rpc_client):
        self._rpc = rpc_client

    def authenticate(self, credentials):
        """Return the Identity that signed credentials, or raise.

        The engine raises InvalidClientTokenId or SignatureDoesNotMatch;
        RPC carries them back unchanged.
        """
        # The caller is not known yet: an empty tenant says so.  The
        # request's id goes along, for the engine's log lines.
        anonymous = context.RequestContext(
            tenant='',
            request_id=request_scope.current() or context.new_request_id(),
        )
        fields = self._rpc.authenticate_ec2(anonymous, credentials=credentials)
        return ec2signature.Identity(**fields)
