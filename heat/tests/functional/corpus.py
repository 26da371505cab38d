"""Heat's own published templates of December 2012, run on the sandbox.

What the corpus tests and tools/bench share: where the templates are, the
parameters they need, what a template says about its servers, and what the
sandbox holds for a tenant (``heat-manage sandbox show``).
"""

import concurrent.futures
import dataclasses
import json
import os
import subprocess
import urllib.parse

from heat.tests.functional import clients

RELEASE = 'heat-2012/2012-12-28_d43c331'

# A key pair name: the sandbox has every key pair and holds no keys.
KEY_NAME = 'heat_key'
# Values for the parameters the templates declare without a default.
REQUIRED_VALUES = {
    'KeyName': KEY_NAME,
    'InstanceType': 'm1.large',
    'DBName': 'wordpress',
    'DBUsername': 'admin',
    'DBPassword': 'secret0',
    'DBRootPassword': 'secret1',
}
# What a stack may leave in the cloud; all of it must go with the stack.
CLOUD_OBJECTS = (
    'servers',
    'volumes',
    'attachments',
    'floating_ips',
    'security_groups',
)


def release_dir():
    """The 2012 templates' directory, or None when the corpus is absent."""
    root = clients.corpus_dir()
    if root is None or not (root / RELEASE).is_dir():
        return None
    return root / RELEASE


def template_text(name):
    return (release_dir() / (name + '.template')).read_text()


def load(name):
    return json.loads(template_text(name))


def parameters(template, **values):
    """boto3 Parameters: the given values, and one for every parameter
    the template declares without a default."""
    chosen = {
        key: REQUIRED_VALUES[key]
        for key, declared in template['Parameters'].items()
        if 'Default' not in declared
    }
    chosen.update(values)
    return [
        {'ParameterKey': key, 'ParameterValue': str(value)}
        for key, value in chosen.items()
    ]


# -- what a template says about its servers ----------------------------------


def instances(template):
    return sorted(
        name
        for name, rsrc in template['Resources'].items()
        if rsrc['Type'] == 'AWS::EC2::Instance'
    )


def website_server(template):
    """The instance whose PublicIp the WebsiteURL output joins in."""
    parts = template['Outputs']['WebsiteURL']['Value']['Fn::Join'][1]
    for part in parts:
        if isinstance(part, dict) and 'Fn::GetAtt' in part:
            name, attribute = part['Fn::GetAtt']
            assert attribute == 'PublicIp', part
            return name
    raise AssertionError('WebsiteURL names no instance: %r' % parts)


def associated_eip(template, instance):
    """The EIP resource an EIPAssociation gives the instance, or None."""
    for rsrc in template['Resources'].values():
        props = rsrc.get('Properties', {})
        if rsrc['Type'] == 'AWS::EC2::EIPAssociation' and props.get(
            'InstanceId'
        ) == {'Ref': instance}:
            return props['EIP']['Ref']
    return None


def url_host(url):
    return urllib.parse.urlsplit(url).hostname


# -- the sandbox and the stack's resources -----------------------------------


def sandbox(server, tenant=None):
    """What ``heat-manage sandbox show`` lists (for the tenant)."""
    tenant_args = ('--tenant', tenant) if tenant else ()
    return json.loads(server.manage('sandbox', 'show', *tenant_args))


def of_tenant(inventory, tenant):
    """The tenant's part of an inventory of every tenant's objects
    (one ``sandbox show`` serves many stacks)."""
    mine = {
        kind: [obj for obj in inventory[kind] if obj['tenant'] == tenant]
        for kind in CLOUD_OBJECTS
        if kind != 'attachments'
    }
    volume_ids = {volume['id'] for volume in mine['volumes']}
    mine['attachments'] = [
        a for a in inventory['attachments'] if a['volume_id'] in volume_ids
    ]
    return mine


def leftovers(inventory):
    """The kinds of cloud object the inventory still holds, with them."""
    return {kind: inventory[kind] for kind in CLOUD_OBJECTS if inventory[kind]}


def by_id(objects):
    return {obj['id']: obj for obj in objects}


def physical_ids(cfn, stack_name):
    """{logical name: physical id} of the stack's resources."""
    return {
        r['LogicalResourceId']: r.get('PhysicalResourceId')
        for r in cfn.describe_stack_resources(StackName=stack_name)[
            'StackResources'
        ]
    }


def addresses(inventory, server_id):
    """Every address of a sandbox server: private first, then floating."""
    server = by_id(inventory['servers'])[server_id]
    return [server['private_ip']] + [
        fip['address']
        for fip in inventory['floating_ips']
        if fip['server_id'] == server_id
    ]


# -- running stacks side by side ---------------------------------------------


def create_all(server, requests, seconds=clients.WAIT_SECONDS):
    """Create stacks at once, each in a tenant of its own; wait for them.

    requests maps a key to (stack name, CreateStack keyword arguments).
    Returns {key: Created}; a request that failed raises its error where
    its result is read, so it fails only the tests that use it.
    """

    def create(name, kwargs):
        tenant = 'tenant-%s' % name
        cfn = clients.boto3_client(server, *server.new_credentials(tenant))
        cfn.create_stack(StackName=name, **kwargs)
        stack = clients.wait_for_status(cfn, name, seconds=seconds)
        return Created(tenant, cfn, stack, physical_ids(cfn, name))

    return run_all(create, requests)


def delete_all(created, seconds=clients.WAIT_SECONDS):
    """Delete the stacks at once; {key: final description} once done."""

    def delete(key):
        stack = created[key]
        stack.cfn.delete_stack(StackName=stack.id)
        return clients.wait_for_status(
            stack.cfn, stack.id, action='DELETE', seconds=seconds
        )

    return run_all(delete, {key: (key,) for key in created.keys()})


@dataclasses.dataclass
class Created:
    """A stack as its create left it, and its tenant's client."""

    tenant: str
    cfn: object
    stack: dict
    ids: dict

    @property
    def id(self):
        return self.stack['StackId']


def run_all(function, arguments):
    """function(*args) for every {key: args} at once, as Results."""
    with concurrent.futures.ThreadPoolExecutor(len(arguments)) as pool:
        futures = {
            key: pool.submit(function, *args)
            for key, args in arguments.items()
        }
        concurrent.futures.wait(futures.values())
    return Results(futures)


class Results:
    """Finished futures by key; reading one returns or raises its result."""

    def __init__(self, futures):
        self._futures = futures

    def __getitem__(self, key):
        return self._futures[key].result()

    def keys(self):
        return list(self._futures)

    def values(self):
        return [self[key] for key in self._futures]


def cfn_signal(url, status_code, reason, unique_id):
    """Run the real cfn-signal as a server's boot script would.

    ``-i`` is given because without it cfn-signal asks nova's metadata
    service for the server's id.
    """
    program = os.path.join(clients.server_mod.BIN_DIR, 'cfn-signal')
    return subprocess.run(
        [program, '-e', str(status_code), '-r', reason, '-i', unique_id, url],
        capture_output=True,
        text=True,
        timeout=clients.COMMAND_TIMEOUT_SECONDS,
    )
