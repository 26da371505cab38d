"""Heat's published 2012 templates run on the sandbox cloud, end to end.

A heat-all of its own, driven by boto3 over HTTP: the sandbox builds in
BUILD_SECONDS, and servers of ERROR_IMAGE go to ERROR.  Every stack has a
tenant of its own, so ``heat-manage sandbox show --tenant`` lists exactly
what that stack made, and must list nothing once it is deleted.
"""

import time

import pytest

from heat.tests.functional import clients
from heat.tests.functional import corpus
from heat.tests.functional import server as server_mod
from heat.tests.waiting import wait_until

pytestmark = pytest.mark.skipif(
    corpus.release_dir() is None, reason='the template corpus is not there'
)

BUILD_SECONDS = 0.2
ERROR_IMAGE = 'cirros'

WORDPRESS = (
    'WordPress_Single_Instance',
    'WordPress_2_Instances',
    'WordPress_2_Instances_With_EBS',
    'WordPress_2_Instances_With_EBS_EIP',
    'WordPress_Single_Instance_With_EIP',
    'WordPress_Single_Instance_With_EBS_EIP',
)
MYSQL = 'MySQL_Single_Instance'
# The template the rollback tests break: two servers, a volume and its
# attachment, two addresses and a security group.  The broken server waits
# for everything but its own address, so that all of it exists when the
# server fails.
BROKEN_BASE = 'WordPress_2_Instances_With_EBS_EIP'
BROKEN_SERVER = 'WebServer'
BROKEN_AFTER = ['WikiDatabase', 'MountPoint', 'DatabaseIPAssoc']


@pytest.fixture(scope='module')
def heat():
    running = server_mod.HeatServer(
        extra_config=(
            '[sandbox]\nbuild_seconds = %s\nerror_images = %s\n'
            % (BUILD_SECONDS, ERROR_IMAGE)
        )
    ).start()
    yield running
    running.stop()


def create_request(template, **kwargs):
    """CreateStack's arguments for a template: the published file's own
    text when given its name, else the template as JSON."""
    if isinstance(template, str):
        body, template = corpus.template_text(template), corpus.load(template)
    else:
        body = clients.body(template)
    return dict(
        TemplateBody=body, Parameters=corpus.parameters(template), **kwargs
    )


def stack_name(template_name):
    # Stack names take no underscores.
    return clients.unique_name(template_name.replace('_', '-'))


def outputs_of(stack):
    return {o['OutputKey']: o['OutputValue'] for o in stack['Outputs']}


def events_of(cfn, name):
    """The stack's events, oldest first."""
    paginator = cfn.get_paginator('describe_stack_events')
    events = [
        event
        for page in paginator.paginate(StackName=name)
        for event in page['StackEvents']
    ]
    return events[::-1]


def reasons(events, logical_id, status):
    return [
        e.get('ResourceStatusReason', '')
        for e in events
        if e['LogicalResourceId'] == logical_id
        and e['ResourceStatus'] == status
    ]


def delete_and_check_cleanup(heat, created):
    created.cfn.delete_stack(StackName=created.id)
    final = clients.wait_for_status(created.cfn, created.id, action='DELETE')
    assert final['StackStatus'] == 'DELETE_COMPLETE', final.get(
        'StackStatusReason'
    )
    assert corpus.leftovers(corpus.sandbox(heat, created.tenant)) == {}


# -- the WordPress templates -------------------------------------------------


@pytest.fixture(scope='module')
def wordpress(heat):
    """Every WordPress template's stack, created side by side, and the
    sandbox once they all stand: {template name: (Created, inventory)}."""
    created = corpus.create_all(
        heat,
        {name: (stack_name(name), create_request(name)) for name in WORDPRESS},
    )
    inventory = corpus.sandbox(heat)
    return dict.fromkeys(WORDPRESS, (created, inventory))


@pytest.fixture(scope='module')
def wordpress_deleted(heat, wordpress):
    """The WordPress stacks deleted side by side, and the sandbox after:
    {template name: (final description, the sandbox)}."""
    created = next(iter(wordpress.values()))[0]
    deleted = corpus.delete_all(created)
    inventory = corpus.sandbox(heat)
    return dict.fromkeys(WORDPRESS, (deleted, inventory))


def created_wordpress(wordpress, name):
    """(Created, the tenant's inventory) of the template's stack."""
    created, inventory = wordpress[name]
    stack = created[name]
    assert stack.stack['StackStatus'] == 'CREATE_COMPLETE', stack.stack.get(
        'StackStatusReason'
    )
    return stack, corpus.of_tenant(inventory, stack.tenant)


def check_cloud_matches_template(template, ids, inventory):
    """Each instance, volume, attachment, address and group of the
    template is the sandbox object its physical id names, and there is
    nothing else."""
    resources = template['Resources']

    def named(kind):
        return sorted(
            name for name, rsrc in resources.items() if rsrc['Type'] == kind
        )

    servers = corpus.by_id(inventory['servers'])
    assert sorted(servers) == sorted(
        ids[n] for n in corpus.instances(template)
    )
    for name in corpus.instances(template):
        assert servers[ids[name]]['status'] == 'ACTIVE', name
    groups = inventory['security_groups']
    assert sorted(g['name'] for g in groups) == sorted(
        ids[n] for n in named('AWS::EC2::SecurityGroup')
    )
    for name in corpus.instances(template):
        wanted = [
            ids[ref['Ref']]
            for ref in resources[name]['Properties'].get('SecurityGroups', [])
        ]
        assert servers[ids[name]]['security_groups'] == wanted, name
    assert sorted(v['id'] for v in inventory['volumes']) == sorted(
        ids[n] for n in named('AWS::EC2::Volume')
    )
    assert sorted(
        (a['server_id'], a['volume_id'], a['device'])
        for a in inventory['attachments']
    ) == sorted(
        (
            ids[props['InstanceId']['Ref']],
            ids[props['VolumeId']['Ref']],
            props['Device'],
        )
        for props in (
            resources[n]['Properties']
            for n in named('AWS::EC2::VolumeAttachment')
        )
    )
    associated = {}
    for name in named('AWS::EC2::EIPAssociation'):
        props = resources[name]['Properties']
        associated[ids[props['EIP']['Ref']]] = ids[props['InstanceId']['Ref']]
    assert {
        f['address']: f['server_id'] for f in inventory['floating_ips']
    } == {ids[n]: associated.get(ids[n]) for n in named('AWS::EC2::EIP')}


@pytest.mark.parametrize('name', WORDPRESS)
def test_wordpress_template_makes_its_cloud(wordpress, name):
    created, inventory = created_wordpress(wordpress, name)
    check_cloud_matches_template(corpus.load(name), created.ids, inventory)


@pytest.mark.parametrize('name', WORDPRESS)
def test_wordpress_url_is_the_web_servers(wordpress, name):
    created, inventory = created_wordpress(wordpress, name)
    template, ids = corpus.load(name), created.ids
    web = corpus.website_server(template)
    eip = corpus.associated_eip(template, web)
    if eip is not None:
        expected = ids[eip]
        assert [
            f['address']
            for f in inventory['floating_ips']
            if f['server_id'] == ids[web]
        ] == [expected]
    else:
        expected = corpus.by_id(inventory['servers'])[ids[web]]['private_ip']
    outputs = outputs_of(created.stack)
    assert outputs['WebsiteURL'] == 'http://%s/wordpress' % expected
    if 'InstanceIPAddress' in outputs:
        assert outputs['InstanceIPAddress'] == expected
    for other in set(corpus.instances(template)) - {web}:
        assert expected not in corpus.addresses(inventory, ids[other])


def test_wordpress_stacks_do_not_share_addresses(wordpress):
    hosts = [
        corpus.url_host(outputs_of(stack.stack)['WebsiteURL'])
        for stack in next(iter(wordpress.values()))[0].values()
    ]
    assert len(set(hosts)) == len(WORDPRESS), hosts


@pytest.mark.parametrize('name', WORDPRESS)
def test_wordpress_delete_leaves_nothing(wordpress, wordpress_deleted, name):
    created, _ = created_wordpress(wordpress, name)
    deleted, inventory = wordpress_deleted[name]
    final = deleted[name]
    assert final['StackStatus'] == 'DELETE_COMPLETE', final.get(
        'StackStatusReason'
    )
    assert corpus.leftovers(corpus.of_tenant(inventory, created.tenant)) == {}


# -- a wait condition signalled by the real cfn-signal -----------------------


def resource_of(cfn, name, logical_id):
    return cfn.describe_stack_resource(
        StackName=name, LogicalResourceId=logical_id
    )['StackResourceDetail']


def wait_for_resource(
    cfn, name, logical_id, status, seconds=clients.WAIT_SECONDS
):
    def reached():
        detail = resource_of(cfn, name, logical_id)
        return detail if detail['ResourceStatus'] == status else None

    return wait_until(
        reached,
        timeout=seconds,
        interval=0.05,
        what=lambda: (
            '%s of %s to be %s: still %s'
            % (
                logical_id,
                name,
                status,
                resource_of(cfn, name, logical_id)['ResourceStatus'],
            )
        ),
    )


def start_mysql(heat):
    """A MySQL stack whose server is up and whose wait condition waits:
    (Created, the wait condition's description then, handle URL, server
    id)."""
    name = stack_name(MYSQL)
    tenant = 'tenant-%s' % name
    cfn = clients.boto3_client(heat, *heat.new_credentials(tenant))
    cfn.create_stack(StackName=name, **create_request(MYSQL))
    wait_for_resource(cfn, name, 'MySqlDatabaseServer', 'CREATE_COMPLETE')
    # Long enough for a server to build several times over: only a
    # signal may complete the wait condition.
    time.sleep(5 * BUILD_SECONDS)
    stack = cfn.describe_stacks(StackName=name)['Stacks'][0]
    waiting = resource_of(cfn, name, 'MySqlWaitCondition')
    ids = corpus.physical_ids(cfn, name)
    return (
        corpus.Created(tenant, cfn, stack, ids),
        waiting,
        ids['MySqlWaitHandle'],
        ids['MySqlDatabaseServer'],
    )


@pytest.fixture(scope='module')
def mysql(heat):
    """Two MySQL stacks waiting for their signal, started side by side."""
    return corpus.run_all(
        start_mysql, {'success': (heat,), 'failure': (heat,)}
    )


@pytest.mark.parametrize('key', ['success', 'failure'])
def test_mysql_waits_for_a_signal(heat, mysql, key):
    created, waiting, url, _ = mysql[key]
    assert created.stack['StackStatus'] == 'CREATE_IN_PROGRESS'
    assert waiting['ResourceStatus'] == 'CREATE_IN_PROGRESS'
    # The handle's Ref: a URL of this API that cfn-signal can PUT to.
    assert url.startswith(heat.endpoint + 'waitcondition/'), url


def test_mysql_completes_when_cfn_signal_reports_success(heat, mysql):
    created, _, url, server_id = mysql['success']

    signal = corpus.cfn_signal(url, 0, 'done', server_id)
    assert signal.returncode == 0, signal.stderr

    stack = clients.wait_for_status(created.cfn, created.id)
    assert stack['StackStatus'] == 'CREATE_COMPLETE', stack.get(
        'StackStatusReason'
    )
    inventory = corpus.sandbox(heat, created.tenant)
    assert (
        outputs_of(stack)['PublicIp']
        == corpus.by_id(inventory['servers'])[server_id]['private_ip']
    )
    delete_and_check_cleanup(heat, created)


def test_mysql_fails_with_the_reason_cfn_signal_reports(heat, mysql):
    created, _, url, server_id = mysql['failure']

    signal = corpus.cfn_signal(url, 1, 'it broke', server_id)
    assert signal.returncode == 0, signal.stderr

    stack = clients.wait_for_status(created.cfn, created.id)
    assert stack['StackStatus'] == 'ROLLBACK_COMPLETE'
    assert 'MySqlWaitCondition' in stack['StackStatusReason']
    events = events_of(created.cfn, created.id)
    failed = reasons(events, 'MySqlWaitCondition', 'CREATE_FAILED')
    assert len(failed) == 1 and 'it broke' in failed[0], failed
    (rollback,) = reasons(events, stack['StackName'], 'ROLLBACK_IN_PROGRESS')
    assert 'it broke' in rollback
    assert corpus.leftovers(corpus.sandbox(heat, created.tenant)) == {}


# -- a server that goes to ERROR ---------------------------------------------


@pytest.fixture(scope='module')
def broken(heat):
    """A WordPress stack whose web server's image fails to build, with
    and without rollback, created side by side; and the sandbox once both
    have settled: ({'rollback' or 'kept': Created}, inventory)."""
    template = corpus.load(BROKEN_BASE)
    broken_server = template['Resources'][BROKEN_SERVER]
    broken_server['Properties']['ImageId'] = ERROR_IMAGE
    broken_server['DependsOn'] = BROKEN_AFTER
    created = corpus.create_all(
        heat,
        {
            'rollback': (stack_name('broken'), create_request(template)),
            'kept': (
                stack_name('kept'),
                create_request(template, DisableRollback=True),
            ),
        },
    )
    return created, corpus.sandbox(heat)


# Part of the sandbox nova's fault for a server of an error image.
FAULT = 'aborted: image %s' % ERROR_IMAGE


def check_names_fault(reason):
    assert BROKEN_SERVER in reason and FAULT in reason, reason


def test_server_in_error_rolls_the_stack_back(broken):
    created, inventory = broken
    rolled_back = created['rollback']
    stack = rolled_back.stack
    assert stack['StackStatus'] == 'ROLLBACK_COMPLETE'
    assert BROKEN_SERVER in stack['StackStatusReason']
    events = events_of(rolled_back.cfn, rolled_back.id)
    failed = reasons(events, BROKEN_SERVER, 'CREATE_FAILED')
    assert len(failed) == 1 and FAULT in failed[0], failed
    (rollback,) = reasons(events, stack['StackName'], 'ROLLBACK_IN_PROGRESS')
    check_names_fault(rollback)
    # What was made before the failure was made, then rolled back.
    for logical_id in BROKEN_AFTER + [
        'DataVolume',
        'DatabaseIPAddress',
        'WikiDatabaseSecurityGroup',
    ]:
        assert reasons(events, logical_id, 'CREATE_COMPLETE'), logical_id
        assert reasons(events, logical_id, 'DELETE_COMPLETE'), logical_id
    assert (
        corpus.leftovers(corpus.of_tenant(inventory, rolled_back.tenant)) == {}
    )


def test_server_in_error_without_rollback_keeps_then_deletes(heat, broken):
    created, inventory = broken
    kept = created['kept']
    assert kept.stack['StackStatus'] == 'CREATE_FAILED'
    check_names_fault(kept.stack['StackStatusReason'])
    ids = kept.ids
    inventory = corpus.of_tenant(inventory, kept.tenant)
    servers = corpus.by_id(inventory['servers'])
    assert servers[ids[BROKEN_SERVER]]['status'] == 'ERROR'
    assert FAULT in servers[ids[BROKEN_SERVER]]['fault']
    assert servers[ids['WikiDatabase']]['status'] == 'ACTIVE'
    assert [
        (a['server_id'], a['volume_id']) for a in inventory['attachments']
    ] == [(ids['WikiDatabase'], ids['DataVolume'])]
    assert sorted(
        (f['address'], f['server_id']) for f in inventory['floating_ips']
    ) == sorted(
        [
            (ids['DatabaseIPAddress'], ids['WikiDatabase']),
            (ids['WebServerIPAddress'], None),
        ]
    )
    assert [g['name'] for g in inventory['security_groups']] == [
        ids['WikiDatabaseSecurityGroup']
    ]

    delete_and_check_cleanup(heat, kept)
