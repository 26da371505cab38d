"""heat-cfn's command line: options, sub-commands and error reporting."""

import argparse
import os
import signal
import sys

from botocore import exceptions
import botocore.config
import botocore.session

from heat.cfnclient import commands
from heat.cfnclient import output

DEFAULT_ENDPOINT = 'http://127.0.0.1:8000/v1/'
DEFAULT_REGION = 'RegionOne'

# A person is waiting at the terminal: fail fast rather than retry long.
_CLIENT_CONFIG = botocore.config.Config(
    retries={'total_max_attempts': 2, 'mode': 'standard'},
    connect_timeout=10,
    read_timeout=120,
)


def parse_parameters(text):
    """'K1=V1;K2=V2' as {'K1': 'V1', 'K2': 'V2'}; values may contain '='."""
    parameters = {}
    for item in text.split(';'):
        if not item.strip():
            continue
        key, equals, value = item.partition('=')
        if not equals or not key.strip():
            raise argparse.ArgumentTypeError('%r is not KEY=VALUE' % item)
        parameters[key.strip()] = value
    return parameters


def read_template_file(path):
    try:
        with open(path, encoding='utf-8') as template_file:
            return template_file.read()
    except OSError as error:
        raise argparse.ArgumentTypeError(
            'cannot read %s: %s' % (path, error.strerror)
        ) from error


def positive_int(text):
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number <= 0:
        raise argparse.ArgumentTypeError(
            '%r is not a positive whole number' % text
        )
    return number


def build_parser():
    parser = argparse.ArgumentParser(
        prog='heat-cfn',
        description="Heat's client for its CloudFormation Query API.",
    )
    parser.add_argument(
        '--endpoint-url',
        default=(
            os.environ.get('HEAT_URL')
            or os.environ.get('AWS_ENDPOINT_URL')
            or DEFAULT_ENDPOINT
        ),
        help='the Query API URL (env HEAT_URL or AWS_ENDPOINT_URL; '
        'default %(default)s)',
    )
    parser.add_argument(
        '--access-key',
        default=os.environ.get('AWS_ACCESS_KEY_ID'),
        help='(env AWS_ACCESS_KEY_ID)',
    )
    parser.add_argument(
        '--secret-key',
        default=os.environ.get('AWS_SECRET_ACCESS_KEY'),
        help='(env AWS_SECRET_ACCESS_KEY)',
    )
    parser.add_argument(
        '--region',
        default=(os.environ.get('AWS_DEFAULT_REGION') or DEFAULT_REGION),
        help='(env AWS_DEFAULT_REGION; default RegionOne)',
    )
    parser.add_argument(
        '-f', '--format', choices=('table', 'json'), default='table'
    )
    sub = parser.add_subparsers(
        dest='command', required=True, metavar='COMMAND'
    )
    _add_create(sub)
    _add_update(sub)
    _add_delete(sub)
    sub.add_parser('list', help='list stacks').set_defaults(
        handler=commands.list_stacks
    )
    _add_stack_command(
        sub,
        'describe',
        commands.describe,
        'show stacks: status, parameters, outputs',
        optional=True,
    )
    _add_stack_command(
        sub,
        'event-list',
        commands.event_list,
        "a stack's events, oldest first",
    )
    resource = _add_stack_command(
        sub,
        'resource',
        commands.resource,
        'one resource of a stack, with metadata',
    )
    resource.add_argument('logical_id', metavar='LOGICAL_ID')
    _add_stack_command(
        sub, 'resource-list', commands.resource_list, "a stack's resources"
    )
    _add_stack_command(
        sub, 'template', commands.template, "print a stack's template"
    )
    validate = sub.add_parser('validate', help='check a template')
    _add_template_source(validate)
    validate.set_defaults(handler=commands.validate)
    return parser


def _add_stack_command(sub, name, handler, help_text, optional=False):
    command = sub.add_parser(name, help=help_text)
    command.add_argument(
        'name', metavar='NAME', nargs='?' if optional else None
    )
    command.set_defaults(handler=handler)
    return command


def _add_template_source(command, previous=False):
    source = command.add_mutually_exclusive_group(required=True)
    source.add_argument(
        '--template-file', type=read_template_file, metavar='FILE'
    )
    source.add_argument('--template-url', metavar='URL')
    if previous:
        source.add_argument('--use-previous-template', action='store_true')


def _add_wait(command):
    command.add_argument(
        '--wait',
        action='store_true',
        help='follow the events until the stack settles',
    )
    command.add_argument(
        '--wait-timeout',
        type=positive_int,
        metavar='MINUTES',
        help='give up waiting after this long (default: '
        "the stack's timeout, else %d)" % commands.DEFAULT_WAIT_MINUTES,
    )


def _add_create(sub):
    create = _add_stack_command(
        sub, 'create', commands.create, 'create a stack'
    )
    _add_template_source(create)
    create.add_argument(
        '--parameters', type=parse_parameters, metavar='"K1=V1;K2=V2"'
    )
    create.add_argument('--timeout', type=positive_int, metavar='MINUTES')
    failure = create.add_mutually_exclusive_group()
    failure.add_argument('--disable-rollback', action='store_true')
    failure.add_argument(
        '--on-failure', choices=('ROLLBACK', 'DELETE', 'DO_NOTHING')
    )
    _add_wait(create)


def _add_update(sub):
    update = _add_stack_command(
        sub, 'update', commands.update, 'update a stack'
    )
    _add_template_source(update, previous=True)
    update.add_argument(
        '--parameters', type=parse_parameters, metavar='"K1=V1;K2=V2"'
    )
    _add_wait(update)


def _add_delete(sub):
    delete = _add_stack_command(
        sub, 'delete', commands.delete, 'delete a stack'
    )
    _add_wait(delete)


def make_client(endpoint_url, region, access_key, secret_key):
    """A botocore CloudFormation client for Heat's Query API."""
    return botocore.session.get_session().create_client(
        'cloudformation',
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=_CLIENT_CONFIG,
    )


def main(argv=None, client=None):
    """Run one heat-cfn command; returns the exit status.

    `client` replaces the one built from the options (tests pass a stubbed
    client).
    """
    try:
        return _run(argv, client)
    except BrokenPipeError:
        return _reader_gone()


def _reader_gone():
    """The status of a command whose reader closed the pipe (``| head``).

    Nothing more can be said to the reader, so nothing is: stdout is
    pointed at the null device so that the interpreter's last flush at
    exit does not fail again, and the status is the one a shell reports
    for a writer that SIGPIPE ended (128 + 13), as for any Unix filter.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass  # stdout is not a file (a test's buffer): nothing to flush
    return 128 + signal.SIGPIPE


def _run(argv, client):
    args = build_parser().parse_args(argv)
    printer = output.Printer(args.format, sys.stdout)
    try:
        if client is None:
            client = make_client(
                args.endpoint_url,
                args.region,
                args.access_key,
                args.secret_key,
            )
        return args.handler(client, args, printer)
    except exceptions.ClientError as error:
        detail = error.response.get('Error', {})
        return _fail('%s: %s' % (detail.get('Code'), detail.get('Message')))
    except exceptions.EndpointConnectionError:
        return _fail(
            'cannot connect to %s: is heat-api running there?'
            % args.endpoint_url
        )
    except exceptions.NoCredentialsError:
        return _fail(
            'no credentials: give --access-key and --secret-key, '
            'or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'
        )
    except (exceptions.BotoCoreError, commands.CommandFailed) as error:
        return _fail(str(error))
    except KeyboardInterrupt:
        return 130


def _fail(message):
    print('ERROR: %s' % message, file=sys.stderr, flush=True)
    return 1
