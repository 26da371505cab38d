"""heat-manage: administer Heat's database and its EC2 credentials.

    heat-manage [--config-file F] db_sync
    heat-manage [--config-file F] db_version
    heat-manage [--config-file F] credentials create --tenant T [--user U]
                                                     [--shell]
    heat-manage [--config-file F] credentials list [--tenant T]
    heat-manage [--config-file F] credentials delete ACCESS
    heat-manage [--config-file F] purge_deleted AGE [--granularity days]
    heat-manage [--config-file F] sandbox show [--tenant T]
    heat-manage config-sample [--output-file F]

Output meant for scripts goes to stdout (JSON lines for credentials, or
with --shell the export lines that give the AWS tools a new key pair);
errors are one line on stderr and exit status 1.

The commands that read or write data create or upgrade the embedded SQLite
schema first, as heat-all does, so they work on a fresh state directory.
A configured [database] connection is left alone: its schema changes only
through db_sync, run once for the whole deployment.
"""

import datetime
import functools
import json
import shlex
import sys

from oslo_config import cfg
from oslo_config import generator
import sqlalchemy as sa

from heat.common import config
from heat.common import exception
from heat.db import api as db_api
from heat.db import migration
from heat.engine.clients.sandbox import inventory

CONF = config.CONF

# Options oslo.config accepts only before the sub-command; moved there.
_GLOBAL_OPTIONS = ('--config-file', '--config-dir')


def _needs_schema(func):
    """Run func once the database has the current schema."""

    @functools.wraps(func)
    def with_schema():
        if CONF.database.connection is None:
            migration.upgrade()
        elif not migration.is_current():
            raise exception.HeatError(
                'The database schema is not current: run "heat-manage '
                '%sdb_sync" first.' % config.config_file_args()
            )
        func()

    return with_schema


def db_sync():
    migration.upgrade()


def db_version():
    print(migration.version() or 'base')


@_needs_schema
def credentials_create():
    access, secret = db_api.ec2_credential_create(
        CONF.command.tenant, user=CONF.command.user
    )
    if CONF.command.shell:
        print(shell_exports(access, secret))
        return
    print(
        json.dumps(
            {
                'access': access,
                'secret': secret,
                'tenant': CONF.command.tenant,
                'user': CONF.command.user,
            }
        )
    )


def shell_exports(access, secret):
    """POSIX shell lines that hand the key pair and the region to the aws
    CLI, boto3, heat-cfn and curl's --user "$AWS_ACCESS_KEY_ID:..."."""
    variables = {
        'AWS_ACCESS_KEY_ID': access,
        'AWS_SECRET_ACCESS_KEY': secret,
        'AWS_DEFAULT_REGION': CONF.clients.region_name,
    }
    return '\n'.join(
        'export %s=%s' % (name, shlex.quote(value))
        for name, value in variables.items()
    )


@_needs_schema
def credentials_list():
    for keypair in db_api.ec2_credential_list(tenant=CONF.command.tenant):
        print(
            json.dumps(
                {
                    'access': keypair.access,
                    'tenant': keypair.tenant,
                    'user': keypair.user,
                    'stack_id': keypair.stack_id,
                    'created_at': keypair.created_at.isoformat(),
                }
            )
        )


@_needs_schema
def credentials_delete():
    if not db_api.ec2_credential_delete(CONF.command.access):
        raise exception.HeatError(
            'No credential with access key %s.' % CONF.command.access
        )


@_needs_schema
def purge_deleted():
    age = datetime.timedelta(**{CONF.command.granularity: CONF.command.age})
    count = db_api.purge_deleted(age)
    print('Purged %d deleted stack(s).' % count, file=sys.stderr)


@_needs_schema
def sandbox_show():
    print(json.dumps(inventory.describe(CONF.command.tenant), indent=2))


def config_sample():
    conf = cfg.ConfigOpts()
    generator.register_cli_opts(conf)
    args = ['--namespace', 'heat']
    if CONF.command.output_file:
        args += ['--output-file', CONF.command.output_file]
    conf(args)
    generator.generate(conf)


def add_command_parsers(subparsers):
    subparsers.add_parser(
        'db_sync', help='Create or upgrade the schema (idempotent).'
    ).set_defaults(func=db_sync)
    subparsers.add_parser(
        'db_version', help='Print the schema revision.'
    ).set_defaults(func=db_version)
    _add_credentials_parsers(
        subparsers.add_parser(
            'credentials', help='EC2 key pairs for local signature auth.'
        )
    )

    parser = subparsers.add_parser(
        'purge_deleted', help='Remove stacks deleted longer ago than AGE.'
    )
    parser.add_argument('age', type=int, metavar='AGE')
    parser.add_argument(
        '--granularity',
        default='days',
        choices=['days', 'hours', 'minutes', 'seconds'],
    )
    parser.set_defaults(func=purge_deleted)

    sandbox = subparsers.add_parser(
        'sandbox', help='The sandbox cloud.'
    ).add_subparsers(dest='action', metavar='ACTION', required=True)
    show = sandbox.add_parser(
        'show',
        help='Print every sandbox object and the catalog as one JSON object.',
    )
    show.add_argument('--tenant', help="Only this tenant's objects.")
    show.set_defaults(func=sandbox_show)

    parser = subparsers.add_parser(
        'config-sample', help='Write a sample heat.conf.'
    )
    parser.add_argument('--output-file', help='Write here instead of stdout.')
    parser.set_defaults(func=config_sample)


def _add_credentials_parsers(parser):
    actions = parser.add_subparsers(dest='action', metavar='ACTION')
    actions.required = True

    create = actions.add_parser(
        'create', help='Make a new key pair and print it as one JSON line.'
    )
    create.add_argument('--tenant', required=True)
    create.add_argument('--user')
    create.add_argument(
        '--shell',
        action='store_true',
        help='Print "export AWS_...=" lines for a POSIX '
        'shell (eval "$(heat-manage credentials create '
        '--tenant T --shell)") instead of JSON.',
    )
    create.set_defaults(func=credentials_create)

    listing = actions.add_parser(
        'list', help='Print key pairs as JSON lines, without secrets.'
    )
    listing.add_argument('--tenant')
    listing.set_defaults(func=credentials_list)

    delete = actions.add_parser('delete', help='Delete a key pair.')
    delete.add_argument('access', metavar='ACCESS')
    delete.set_defaults(func=credentials_delete)


def global_options_first(argv):
    """argv with --config-file/--config-dir (and values) moved to the front.

    So that `heat-manage db_sync --config-file F` works as well.
    """
    front, rest = [], []
    args = iter(argv)
    for arg in args:
        if arg in _GLOBAL_OPTIONS:
            front += [arg, next(args, '')]
        elif arg.startswith(tuple(o + '=' for o in _GLOBAL_OPTIONS)):
            front.append(arg)
        else:
            rest.append(arg)
    return front + rest


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    CONF.register_cli_opt(
        cfg.SubCommandOpt(
            'command', title='Commands', handler=add_command_parsers
        )
    )
    try:
        config.parse_args(global_options_first(argv), prog='heat-manage')
        CONF.command.func()
    except exception.HeatError as exc:
        return _fail(str(exc))
    except sa.exc.SQLAlchemyError as exc:
        reason = str(getattr(exc, 'orig', None) or exc).splitlines()[0]
        return _fail('Database error: %s' % reason)
    except (cfg.Error, OSError) as exc:
        return _fail(str(exc))
    return 0


def _fail(message):
    print('heat-manage: error: %s' % message, file=sys.stderr)
    return 1


if __name__ == '__main__':
    sys.exit(main())
