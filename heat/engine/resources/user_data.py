"""The user data Heat gives a server: a multipart MIME message for
cloud-init, carrying what heat-cfntools in the server need.

cloud-init reads the parts in order:

``cloud-config`` (text/cloud-config)
    keeps cloud-init's output in /var/log/cloud-init-output.log.
``part-handler.py`` (text/part-handler)
    a handler for the text/x-cfninitdata parts after it: it writes each to
    /var/lib/heat-cfntools/<part name>, where heat-cfntools look for them,
    and the credentials also to /etc/cfn/cfn-credentials, the file
    cfn-tools read keys from by default.
``cfn-init-data`` (x-cfninitdata)
    the resource's Metadata as JSON: what cfn-init applies on first boot.
``cfn-metadata-server`` (x-cfninitdata)
    the API's ``scheme://host:port/``.  cfn-tools read only the port from
    it (the digits after its last colon) and always ask for the path /v1.
``cfn-boto-cfg`` (x-cfninitdata)
    the boto configuration cfn-tools load: the API's host, and whether to
    use https.
``cfn-credentials`` (x-cfninitdata, when the stack has keys)
    ``AWSAccessKeyId=`` and ``AWSSecretKey=`` lines, which cfn-tools sign
    their requests with.
``cfn-userdata`` (text/x-shellscript)
    the template's UserData, which cloud-init runs once, as a script.
"""

from email.mime import multipart
from email.mime import text
import json
import urllib.parse

from heat.common import config

CLOUD_CONFIG = """\
#cloud-config
output: {all: '| tee -a /var/log/cloud-init-output.log'}
"""

# Runs inside the server, under whichever Python its cloud-init uses, so
# it keeps to what Python 2.6 and 3 share.
PART_HANDLER = """\
import errno
import os

DATA_DIR = '/var/lib/heat-cfntools'
CREDENTIALS_FILE = '/etc/cfn/cfn-credentials'


def list_types():
    return ['text/x-cfninitdata']


def _write(path, payload, dir_mode):
    try:
        os.makedirs(os.path.dirname(path), dir_mode)
    except OSError as exc:
        if exc.errno != errno.EEXIST:
            raise
    # Readable by root only: the credentials are secret.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w') as f:
        f.write(payload)


def handle_part(data, ctype, filename, payload):
    if ctype in ('__begin__', '__end__'):
        return
    name = os.path.basename(filename)
    _write(os.path.join(DATA_DIR, name), payload, 0o700)
    if name == 'cfn-credentials':
        _write(CREDENTIALS_FILE, payload, 0o755)
"""

CFN_TYPE = 'x-cfninitdata'
DEFAULT_PORTS = {'http': 80, 'https': 443}


def build(script, metadata, endpoint, credentials=None):
    """The MIME text of a server's user data.

    ``script`` is the template's UserData (None for none), ``metadata``
    the resource's resolved Metadata, ``endpoint`` the API's URL as
    servers reach it, ``credentials`` the stack's (access, secret) or None.
    """
    message = multipart.MIMEMultipart()
    for part in _parts(script, metadata, endpoint, credentials):
        message.attach(part)
    return message.as_string()


def _parts(script, metadata, endpoint, credentials):
    yield _part(CLOUD_CONFIG, 'cloud-config', 'cloud-config')
    yield _part(PART_HANDLER, 'part-handler', 'part-handler.py')
    yield _part(json.dumps(metadata), CFN_TYPE, 'cfn-init-data')
    yield _part(metadata_server_url(endpoint), CFN_TYPE, 'cfn-metadata-server')
    yield _part(boto_config(endpoint), CFN_TYPE, 'cfn-boto-cfg')
    if credentials is not None:
        access, secret = credentials
        yield _part(
            'AWSAccessKeyId=%s\nAWSSecretKey=%s\n' % (access, secret),
            CFN_TYPE,
            'cfn-credentials',
        )
    if script is not None:
        yield _part(script, 'x-shellscript', 'cfn-userdata')


def _part(payload, subtype, filename):
    # us-ascii (7bit) when the text allows, else utf-8 (base64).
    part = text.MIMEText(payload, subtype)
    part.add_header('Content-Disposition', 'attachment', filename=filename)
    return part


def _host_and_port(endpoint):
    url = urllib.parse.urlsplit(endpoint)
    host = url.hostname
    if ':' in host:
        host = '[%s]' % host
    return url.scheme, host, url.port or DEFAULT_PORTS[url.scheme]


def metadata_server_url(endpoint):
    """``scheme://host:port/``: the port always given, as cfn-tools parse
    it from the end of the URL."""
    scheme, host, port = _host_and_port(endpoint)
    return '%s://%s:%d/' % (scheme, host, port)


def boto_config(endpoint):
    """The boto configuration that points cfn-tools at the API."""
    scheme, host, _port = _host_and_port(endpoint)
    return '\n'.join(
        [
            '[Boto]',
            'debug = 0',
            'is_secure = %s' % (scheme == 'https'),
            # The name boto 2 gives the connection's region.  Its SigV4 scope
            # it derives from the host instead, whatever this says; the API
            # accepts that scope (heat.api.middleware.credential_scope).
            'cfn_region_name = %s' % config.CONF.clients.region_name,
            'cfn_region_endpoint = %s' % host.strip('[]'),
            '',
        ]
    )
