"""Every configuration option of Heat, registered on oslo.config's CONF.

One ``heat.conf`` serves all processes.  With no file at all the defaults
give the embedded service: state (the SQLite database) under a per-user data
directory, the in-process RPC transport, local signature auth and the
sandbox cloud.  ``etc/heat/heat.conf.sample`` is generated from these
definitions (``heat-manage config-sample``); a test fails when it is stale.
"""

import os
import shlex

from oslo_config import cfg
import platformdirs

CONF = cfg.CONF

# The in-process transport (heat.rpc.memory_transport): kombu's memory
# broker, about a millisecond a call; oslo.messaging's fake:// costs ~50 ms.
EMBEDDED_TRANSPORT_URL = 'kombu+heatmemory:////'

default_opts = [
    cfg.StrOpt(
        'state_path',
        default=platformdirs.user_data_dir('heat'),
        sample_default='<per-user data directory>/heat',
        help='Directory where Heat keeps its state (the default '
        'SQLite database).',
    ),
    cfg.StrOpt(
        'host',
        default=os.uname().nodename,
        sample_default='<hostname>',
        help='Name of this host, used to name engine workers.',
    ),
    cfg.StrOpt(
        'auth_encryption_key',
        secret=True,
        help='Key that encrypts stored secrets (user credentials, '
        'EC2 secret keys).  Any string; when unset a random key '
        'is generated once and kept in state_path.',
    ),
    cfg.IntOpt(
        'max_template_size',
        default=524288,
        min=1,
        help='Largest template accepted, in bytes of UTF-8: a '
        'TemplateBody, or what a TemplateURL answers (the '
        'download stops past it).',
    ),
    cfg.IntOpt(
        'max_resources_per_stack',
        default=500,
        min=1,
        help='Most resources a template may declare (500, as in '
        'CloudFormation, by default).',
    ),
    cfg.ListOpt(
        'plugin_dirs',
        default=[],
        help='Directories whose Python modules add resource types '
        '(each module defines resource_mapping()).',
    ),
]

database_opts = [
    cfg.StrOpt(
        'connection',
        secret=True,
        help='SQLAlchemy URL of the database, e.g. '
        'mysql+pymysql://heat:pw@db/heat or '
        'postgresql+psycopg://heat:pw@db/heat.  Default: SQLite '
        'file heat.sqlite in state_path.',
    ),
    cfg.IntOpt(
        'pool_size',
        default=10,
        min=1,
        help='Connections kept open to a server database.',
    ),
    cfg.BoolOpt(
        'echo', default=False, help='Log every SQL statement (debugging only).'
    ),
]

heat_api_opts = [
    cfg.HostAddressOpt(
        'bind_host',
        default='127.0.0.1',
        help='Address the CloudFormation API listens on.',
    ),
    cfg.PortOpt(
        'bind_port',
        default=8000,
        help='Port the CloudFormation API listens on.',
    ),
    cfg.IntOpt(
        'workers', default=16, min=1, help='Threads serving API requests.'
    ),
    cfg.FloatOpt(
        'rpc_unavailable_timeout',
        default=10.0,
        min=0.0,
        help='Seconds a call to the engines keeps trying to hand itself '
        'to an unreachable message broker before the API answers 503 '
        'ServiceUnavailable, which clients retry.',
    ),
    cfg.IntOpt(
        'max_body_size',
        default=1048576,
        min=1,
        help='Largest request body accepted, in bytes; larger ones '
        'get HTTP 413.',
    ),
    cfg.StrOpt(
        'paste_config',
        default='api-paste.ini',
        help='paste.deploy file that assembles the API pipeline; a '
        'relative path is looked up beside the config files, '
        'then in the packaged etc/heat.',
    ),
    cfg.URIOpt(
        'public_endpoint',
        help='URL by which servers reach this API (wait condition '
        'handles, cfn-tools).  Default: http://<bind>/v1/.',
    ),
]

auth_opts = [
    cfg.StrOpt(
        'backend',
        default='local',
        choices=['local', 'keystone'],
        help='Where AWS signatures are checked: "local" against '
        "Heat's own credential store (heat-manage credentials), "
        '"keystone" against keystone\'s /v3/ec2tokens.',
    ),
    cfg.IntOpt(
        'sigv4_window_seconds',
        default=900,
        min=1,
        help='How far a SigV4 request time may be from now.',
    ),
    cfg.IntOpt(
        'key_cache_seconds',
        default=60,
        min=0,
        help="How long an engine keeps a tenant's EC2 key (one "
        'made by heat-manage) after reading it, so that a '
        "client's requests do not each read it again.  A key "
        'heat-manage deletes may work this long after; keys of '
        'stacks are read every time.  0 reads every key every '
        'time.',
    ),
    cfg.URIOpt(
        'keystone_url',
        help='Keystone v3 endpoint, e.g. http://keystone:5000/v3.',
    ),
    cfg.StrOpt(
        'service_username',
        default='heat',
        help='Service user heat-api authenticates as to call '
        'ec2tokens (keystone answers only admin or service '
        'callers).',
    ),
    cfg.StrOpt(
        'service_password', secret=True, help='Password of the service user.'
    ),
    cfg.StrOpt(
        'service_project_name',
        default='service',
        help='Project of the service user.',
    ),
    cfg.StrOpt(
        'service_user_domain_name',
        default='Default',
        help='Domain of the service user.',
    ),
    cfg.StrOpt(
        'service_project_domain_name',
        default='Default',
        help='Domain of the service project.',
    ),
    cfg.IntOpt(
        'timeout', default=10, min=1, help='Seconds to wait for keystone.'
    ),
]

clients_opts = [
    cfg.StrOpt(
        'backend',
        default='sandbox',
        choices=['sandbox', 'openstack'],
        help='Cloud that resources are created in: "sandbox" '
        'emulates it in Heat\'s database, "openstack" uses '
        'nova, cinder and neutron.',
    ),
    cfg.StrOpt(
        'region_name',
        default='RegionOne',
        help='Region of the OpenStack services, AWS::Region, and '
        'the region SigV4 requests must be signed for.',
    ),
    cfg.StrOpt(
        'interface',
        default='public',
        help='Endpoint interface to use from the catalog.',
    ),
    cfg.IntOpt(
        'max_concurrent_calls',
        default=64,
        min=1,
        help='Blocking cloud calls an engine runs at once (they '
        'mostly wait on the network, so threads are cheap).',
    ),
]

sandbox_opts = [
    cfg.FloatOpt(
        'build_seconds',
        default=1.0,
        min=0,
        help='Seconds a sandbox server stays in BUILD.',
    ),
    cfg.StrOpt(
        'private_cidr',
        default='10.0.0.0/16',
        help='Range private addresses of sandbox servers come from.',
    ),
    cfg.StrOpt(
        'floating_cidr',
        default='172.24.4.0/24',
        help='Range sandbox floating IPs come from.',
    ),
    cfg.ListOpt(
        'error_images',
        default=[],
        help='Names of sandbox images whose servers go to ERROR, '
        'to exercise failure handling.',
    ),
]

engine_opts = [
    cfg.StrOpt('topic', default='engine', help='RPC topic the engines serve.'),
    cfg.IntOpt(
        'workers',
        default=64,
        min=1,
        help='Stack operations an engine runs at once.',
    ),
    cfg.IntOpt(
        'default_timeout_minutes',
        default=60,
        min=1,
        help='Timeout of a stack operation when the request gives none.',
    ),
    cfg.IntOpt(
        'lock_probe_timeout',
        default=5,
        min=1,
        help='Seconds to wait for the engine holding a stack lock '
        'to answer before its lock is taken over.',
    ),
]

GROUPS = [
    (None, default_opts),
    ('database', database_opts),
    ('heat_api', heat_api_opts),
    ('auth', auth_opts),
    ('clients', clients_opts),
    ('sandbox', sandbox_opts),
    ('engine', engine_opts),
]


def _messaging_opts():
    """The few oslo.messaging options every deployment sets.

    Listed in the sample so that one file documents a whole deployment;
    the rest of oslo.messaging's options keep their defaults.
    """
    import oslo_messaging
    import oslo_messaging.opts

    # list_opts() returns copies: give them Heat's defaults first, so they
    # equal the originals oslo.messaging registers when a transport is made.
    oslo_messaging.set_transport_defaults(control_exchange='heat')
    wanted = {'transport_url', 'rpc_response_timeout', 'control_exchange'}
    return [
        opt
        for group, opts in oslo_messaging.opts.list_opts()
        if group in (None, 'DEFAULT')
        for opt in opts
        if opt.name in wanted
    ]


def register_opts(conf=CONF):
    for group, opts in GROUPS:
        conf.register_opts(opts, group=group)


def list_opts():
    """The options as oslo-config-generator wants them."""
    yield 'DEFAULT', default_opts + _messaging_opts()
    yield from GROUPS[1:]


def parse_args(argv, prog=None, default_config_files=None):
    """Parse the command line and config files into CONF."""
    # Options equal to those oslo.messaging registers when a transport is
    # made, so that they can be read (and defaulted by heat-all) before.
    # Registered here, not on import: oslo.messaging is slow to import.
    CONF.register_opts(_messaging_opts())
    CONF(
        argv,
        project='heat',
        prog=prog,
        version='0.1.0',
        default_config_files=default_config_files,
    )
    os.makedirs(CONF.state_path, exist_ok=True)


def config_file_args(conf=CONF):
    """The --config-file options of this process, as a shell would take
    them back (empty, or ending in a space), for commands it suggests."""
    return ''.join(
        '--config-file %s ' % shlex.quote(path) for path in conf.config_file
    )


# Where a value comes from when the user, not the code, set it.
_USER_LOCATIONS = (
    cfg.Locations.user,
    cfg.Locations.command_line,
    cfg.Locations.environment,
)


def use_embedded_transport_by_default(conf=CONF):
    """Use the in-process transport unless the user names one."""
    location = conf.get_location('transport_url')
    if location is None or location.location not in _USER_LOCATIONS:
        conf.set_override('transport_url', EMBEDDED_TRANSPORT_URL)
        _without_heartbeats(conf)


def _without_heartbeats(conf):
    """Turn off AMQP heartbeats, which an in-process queue cannot have.

    Left on, oslo.messaging warns at start that the transport does not
    support them.  The option is registered here as oslo.messaging lists it
    (registering an equal option again is allowed), so that it can be set
    before the transport is made.
    """
    import oslo_messaging.opts

    group = 'oslo_messaging_rabbit'
    for listed_group, opts in oslo_messaging.opts.list_opts():
        if listed_group == group:
            conf.register_opts(
                [
                    opt
                    for opt in opts
                    if opt.name == 'heartbeat_timeout_threshold'
                ],
                group=group,
            )
    conf.set_override('heartbeat_timeout_threshold', 0, group=group)


register_opts()
