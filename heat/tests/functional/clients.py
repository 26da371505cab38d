"""Clients of a running heat-all, small templates, and waiting for stacks.

The Query API is driven the way users drive it: boto3, the aws CLI,
boto 2, and hand-signed HTTP requests for what no client would send.
"""

import base64
import concurrent.futures
import datetime
import hashlib
import hmac
import itertools
import json
import os
import pathlib
import subprocess
import tempfile
import urllib.parse
import uuid
import xml.etree.ElementTree as ET

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.config
import botocore.credentials
import requests

import heat
from heat.tests import waiting
from heat.tests.functional import server as server_mod

REGION = 'RegionOne'
API_VERSION = '2010-05-15'
AWS_NS = '{http://cloudformation.amazonaws.com/doc/%s/}' % API_VERSION
WAIT_SECONDS = 30
COMMAND_TIMEOUT_SECONDS = 60
SOURCE_ROOT = pathlib.Path(heat.__file__).resolve().parent.parent
TEST_TYPES_DIR = SOURCE_ROOT / 'heat' / 'tests' / 'resources'

HANDLE_TYPE = 'AWS::CloudFormation::WaitConditionHandle'
HANDLE = {'Type': HANDLE_TYPE}


def unique_name(prefix):
    return '%s-%s' % (prefix, uuid.uuid4().hex[:8])


# -- templates --------------------------------------------------------------


def handles_template(count=2, description='Wait condition handles'):
    """count handles in a chain, a parameter echoed by an output."""
    names = ['Handle%d' % i for i in range(count)]
    resources = {name: dict(HANDLE) for name in names}
    for before, after in itertools.pairwise(names):
        resources[after]['DependsOn'] = before
    return {
        'AWSTemplateFormatVersion': '2010-09-09',
        'Description': description,
        'Parameters': {
            'Label': {
                'Type': 'String',
                'Default': 'plain',
                'Description': 'echoed by an output',
            },
            'Secret': {
                'Type': 'String',
                'Default': 'hidden',
                'NoEcho': 'true',
            },
        },
        'Resources': resources,
        'Outputs': {
            'Label': {'Value': {'Ref': 'Label'}, 'Description': 'the label'}
        },
    }


def body(template):
    return json.dumps(template)


def corpus_dir():
    """The published template corpus, or None when it is not there."""
    path = pathlib.Path(
        os.environ.get(
            'HEAT_TEMPLATE_CORPUS', SOURCE_ROOT.parent / 'shared' / 'templates'
        )
    )
    return path if path.is_dir() else None


# -- servers ----------------------------------------------------------------


def server_with_test_types(extra_config=''):
    """A started heat-all that also serves the test resource types.

    The extra text follows the [heat_api] section, so [DEFAULT] is named
    again for plugin_dirs.
    """
    return server_mod.HeatServer(
        extra_config='%s[DEFAULT]\nplugin_dirs = %s\n'
        % (extra_config, TEST_TYPES_DIR)
    ).start()


# -- clients ----------------------------------------------------------------


def boto3_client(server, access=None, secret=None):
    return boto3.client(
        'cloudformation',
        endpoint_url=server.endpoint,
        region_name=REGION,
        aws_access_key_id=access or server.access,
        aws_secret_access_key=secret or server.secret,
        config=botocore.config.Config(retries={'max_attempts': 1}),
    )


def boto2_connection(server, access=None, secret=None):
    """boto 2 signing for Heat's region and service, as a user sets it:
    left alone, boto 2 takes both from the host name (see
    heat.api.middleware.credential_scope)."""
    import boto.cloudformation.connection
    import boto.regioninfo

    connection = boto.cloudformation.connection.CloudFormationConnection(
        access or server.access,
        secret or server.secret,
        region=boto.regioninfo.RegionInfo(name=REGION, endpoint='127.0.0.1'),
        port=server.port,
        is_secure=False,
        path='/v1',
    )
    connection.auth_region_name = REGION
    connection.auth_service_name = 'cloudformation'
    return connection


class AwsCli:
    """The aws CLI as a program, with nothing of this machine's config."""

    def __init__(self, server, access=None, secret=None):
        self.program = os.path.join(server.bin_dir, 'aws')
        self.endpoint = server.endpoint
        self._config_dir = tempfile.mkdtemp(prefix='aws-cli-')
        empty = os.path.join(self._config_dir, 'empty')
        open(empty, 'w').close()
        self.env = {
            'PATH': os.environ.get('PATH', '/usr/bin:/bin'),
            'HOME': self._config_dir,
            'AWS_ACCESS_KEY_ID': access or server.access,
            'AWS_SECRET_ACCESS_KEY': secret or server.secret,
            'AWS_CONFIG_FILE': empty,
            'AWS_SHARED_CREDENTIALS_FILE': empty,
            'AWS_EC2_METADATA_DISABLED': 'true',
            'AWS_PAGER': '',
            'NO_PROXY': '127.0.0.1',
            'no_proxy': '127.0.0.1',
        }

    def run(self, *args):
        return subprocess.run(
            [self.program, 'cloudformation']
            + list(args)
            + [
                '--endpoint-url',
                self.endpoint,
                '--region',
                REGION,
                '--output',
                'json',
            ],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_SECONDS,
        )

    def json(self, *args):
        """The command's JSON output; fails the test on an error exit."""
        return self.output(self.run(*args))

    @staticmethod
    def output(result):
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout) if result.stdout.strip() else {}

    def run_all(self, commands):
        """{key: CompletedProcess} of {key: args}, run side by side.

        Each run starts a Python program (over a second), so independent
        commands share the wait.
        """
        with concurrent.futures.ThreadPoolExecutor(len(commands)) as pool:
            futures = {
                key: pool.submit(self.run, *args)
                for key, args in commands.items()
            }
            return {key: future.result() for key, future in futures.items()}


# -- hand-made requests -----------------------------------------------------


def sigv4_headers(
    server, form, access=None, secret=None, when=None, charset='utf-8'
):
    """Headers of a SigV4-signed form POST, signed at time ``when``."""
    credentials = botocore.credentials.Credentials(
        access or server.access, secret or server.secret
    )
    request = botocore.awsrequest.AWSRequest(
        method='POST',
        url=server.endpoint,
        data=form,
        headers={
            'Content-Type': 'application/x-www-form-urlencoded; '
            'charset=' + charset
        },
    )
    signer = botocore.auth.SigV4Auth(credentials, 'cloudformation', REGION)
    if when is None:
        signer.add_auth(request)
    else:
        with _clock_at(when):
            signer.add_auth(request)
    return dict(request.headers)


class _clock_at:
    """botocore's signing clock set to a fixed time."""

    def __init__(self, when):
        self._when = when.replace(tzinfo=None)

    def __enter__(self):
        self._saved = botocore.auth.get_current_datetime
        botocore.auth.get_current_datetime = lambda: self._when

    def __exit__(self, *exc):
        botocore.auth.get_current_datetime = self._saved


def post_signed(
    server, params, access=None, secret=None, when=None, charset='utf-8'
):
    """POST the Query parameters (a dict or bytes) signed with SigV4, the
    form declared in charset."""
    form = (
        params
        if isinstance(params, bytes)
        else urllib.parse.urlencode(params).encode()
    )
    headers = sigv4_headers(server, form, access, secret, when, charset)
    return requests.post(
        server.endpoint,
        data=form,
        headers=headers,
        timeout=COMMAND_TIMEOUT_SECONDS,
    )


def sigv2_url(server, params, access=None, secret=None, **time_params):
    """A SigV2 query-signed GET URL (as curl or a pre-signed URL sends it).

    time_params is Timestamp=... or Expires=... (ISO 8601).
    """
    params = dict(
        params,
        AWSAccessKeyId=access or server.access,
        SignatureVersion='2',
        SignatureMethod='HmacSHA256',
        **time_params,
    )
    query = '&'.join(
        '%s=%s' % (_quote(k), _quote(params[k])) for k in sorted(params)
    )
    host = urllib.parse.urlsplit(server.endpoint).netloc
    path = urllib.parse.urlsplit(server.endpoint).path
    to_sign = '\n'.join(['GET', host, path, query])
    digest = hmac.new(
        (secret or server.secret).encode(), to_sign.encode(), hashlib.sha256
    ).digest()
    signature = base64.b64encode(digest).decode()
    return '%s?%s&Signature=%s' % (server.endpoint, query, _quote(signature))


def _quote(value):
    return urllib.parse.quote(str(value), safe='-_.~')


def iso_time(delta_seconds):
    """Now plus delta_seconds, as an ISO 8601 UTC time."""
    when = datetime.datetime.now(datetime.UTC) + datetime.timedelta(
        seconds=delta_seconds
    )
    return when.strftime('%Y-%m-%dT%H:%M:%SZ')


def parse_error(response):
    """(Code, Message, RequestId) of an AWS ErrorResponse body."""
    root = ET.fromstring(response.content)
    assert root.tag == AWS_NS + 'ErrorResponse', response.text
    error = root.find(AWS_NS + 'Error')
    return (
        error.findtext(AWS_NS + 'Code'),
        error.findtext(AWS_NS + 'Message'),
        root.findtext(AWS_NS + 'RequestId'),
    )


# -- waiting ----------------------------------------------------------------


def wait_for_status(client, stack_name, action=None, seconds=WAIT_SECONDS):
    """The boto3 stack description once its status is not IN_PROGRESS.

    With action ('DELETE', 'UPDATE' ...), also until that action has
    started: the engine starts a delete after DeleteStack answers.
    """

    def settled():
        stack = client.describe_stacks(StackName=stack_name)['Stacks'][0]
        status = stack['StackStatus']
        if not status.endswith('_IN_PROGRESS') and (
            action is None or status.startswith(action + '_')
        ):
            return stack
        return None

    return waiting.wait_until(
        settled,
        timeout=seconds,
        interval=0.05,
        what=lambda: (
            'stack %s to settle: still %s'
            % (
                stack_name,
                client.describe_stacks(StackName=stack_name)['Stacks'][0][
                    'StackStatus'
                ],
            )
        ),
    )


def stack_names(client):
    """Names of every stack the client's tenant has, deleted ones too."""
    paginator = client.get_paginator('list_stacks')
    return [
        summary['StackName']
        for page in paginator.paginate()
        for summary in page['StackSummaries']
    ]
