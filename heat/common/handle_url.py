"""Wait condition handle URLs: their form, and how Heat pre-signs them.

A handle's URL is ``<public endpoint>/waitcondition/<stack ARN>/resources/
<handle name>``, signed with SigV2 (HmacSHA256) for PUT, the method
cfn-signal sends, by a key that may signal that handle and nothing else.
It carries no Timestamp or Expires: it has to work for as long as the
wait condition waits, and stops working when the handle, and so its key,
is deleted.

A POST to the same URL is accepted too, checked as the PUT it was signed
for: on this path both methods do the one thing the key allows, store a
signal, so the method grants nothing the signature did not.
"""

import urllib.parse

from heat.common import ec2signature

SIGNED_VERB = 'PUT'
SIGNAL_VERBS = ('PUT', 'POST')
SIGNATURE_METHOD = 'HmacSHA256'
# The API serves the route with and without its version prefix, like the
# Query API.
PATH_PREFIXES = ('/v1/waitcondition/', '/waitcondition/')
RESOURCES_SEGMENT = '/resources/'


def is_signal_path(path):
    """Whether a request path is a handle's signal route."""
    return path.startswith(PATH_PREFIXES)


def path(arn, resource_name):
    """The route's path below the API endpoint.

    ARNs and logical names are plain ASCII as Heat makes them, so quoting
    leaves them as they are; anything else is quoted, and the request is
    verified against the path as the client sent it.
    """
    return '/waitcondition/%s%s%s' % (
        urllib.parse.quote(arn, safe=':/'),
        RESOURCES_SEGMENT,
        urllib.parse.quote(resource_name, safe=''),
    )


def presign(endpoint, arn, resource_name, access, secret):
    """The handle's URL, signed with the key (access, secret).

    The host is signed without its port: the check tries the host as the
    client sent it and without the port, so either form matches.
    """
    url = endpoint + path(arn, resource_name)
    split = urllib.parse.urlsplit(url)
    params = {
        'AWSAccessKeyId': access,
        'SignatureVersion': '2',
        'SignatureMethod': SIGNATURE_METHOD,
    }
    host = ec2signature.host_variants(split.netloc)[-1]
    params['Signature'] = ec2signature.sign_v2(
        secret, SIGNED_VERB, host, split.path, params
    )
    return '%s?%s' % (url, urllib.parse.urlencode(sorted(params.items())))


def access_key(url):
    """The AWSAccessKeyId a handle URL was signed with, or None."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    return query.get('AWSAccessKeyId', [None])[0]


def resource_name(url):
    """The handle name a handle URL ends with, or None if it is not one."""
    url_path = urllib.parse.urlsplit(url).path
    _, segment, name = url_path.rpartition(RESOURCES_SEGMENT)
    if (
        not segment
        or '/waitcondition/' not in url_path
        or not name
        or '/' in name
    ):
        return None
    return urllib.parse.unquote(name)


def stack_arn(url):
    """The stack ARN in a handle URL, or None if it is not one."""
    url_path = urllib.parse.urlsplit(url).path
    _, marker, rest = url_path.partition('/waitcondition/')
    arn, segment, _ = rest.rpartition(RESOURCES_SEGMENT)
    if not marker or not segment:
        return None
    return urllib.parse.unquote(arn)
