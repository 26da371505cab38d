"""Whether a SigV4 signature was made for this region and service.

A SigV4 credential scope, ``<key>/<date>/<region>/<service>/aws4_request``,
says where the signature is meant to be used.  AWS refuses one meant for
another region or service with SignatureDoesNotMatch, even when the
arithmetic holds, so that a request signed for one endpoint cannot be
replayed at another; so does Heat, before the signature goes to any
backend.  The region is ``[clients] region_name``; the services are those
this API answers for.

boto 2 cannot be told a scope through its configuration: it derives region
and service from the host name it connects to (``cloudformation.us-east-1.
amazonaws.com`` gives ``us-east-1`` and ``cloudformation``, but
``127.0.0.1`` gives ``0`` and ``127``).  heat-cfntools use boto 2 that
way, with the address of Heat the server's user data names, so the scope
boto 2 derives from the host the request was sent to (and signed for:
SigV4 always signs the Host header) is accepted too.
"""

from heat.common import config
from heat.common import ec2signature
from heat.common import exception

CONF = config.CONF

# The services whose requests this API answers; CloudWatch's 'monitoring'
# belongs here once its API is served.
SIGNING_SERVICES = ('cloudformation',)


def check(region, service, host):
    """Raise SignatureDoesNotMatch unless region and service are this
    API's, or what boto 2 derives from host (as the client sent it)."""
    if (region, service) == boto2_scope(host):
        return
    if region != CONF.clients.region_name:
        raise exception.SignatureDoesNotMatch(
            "Credential should be scoped to a valid region, not '%s'. "
            % region
        )
    if service not in SIGNING_SERVICES:
        raise exception.SignatureDoesNotMatch(
            'Credential should be scoped to correct service: %s. '
            % ', '.join("'%s'" % name for name in SIGNING_SERVICES)
        )


def boto2_scope(host):
    """(region, service) boto 2's HmacAuthV4Handler signs for host.

    boto 2 signs the host without its port: the service is the first
    label; the region the second, but for a name of three labels (AWS's
    global endpoints, us-east-1) or a GovCloud one, and the host itself
    when it has a single label.
    """
    labels = ec2signature.host_variants(host)[-1].split('.')
    if len(labels) == 1:
        return labels[0], labels[0]
    if labels[1] == 'us-gov':
        return 'us-gov-west-1', labels[0]
    if len(labels) == 3:
        return 'us-east-1', labels[0]
    return labels[1], labels[0]
