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

pytestmark = pytest.mark.skipif(corpus.release_dir() is None,
                                reason='the template corpus is not there')

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
    running = server_mod.HeatServer(extra_config=(
        '[sandbox]\nbuild_seconds = %s\nerror_images = %s\n'
        % (BUILD_SECONDS, ERROR_IMAGE))).start()
    yield running
    running.stop()


def create_request(template, **kwargs):
    return dict(TemplateBody=clients.body(template),
                Parameters=corpus.parameters(template), **kwargs)


def stack_name(template_name):
    # Stack names take no underscores.
    return clients.unique_name(template_name.replace('_', '-'))


def outputs_of(stack):
    return {o['OutputKey']: o['OutputValue'] for o in stack['Outputs']}


def events_of(cfn, name):
    """The stack's events, oldest first."""
    paginator = cfn.get_paginator('describe_stack_events')
    events = [event for page in paginator.paginate(StackName=name)
              for event in page['StackEvents']]
    return events[::-1]


def reasons(events, logical_id, status):
    return [e.get('ResourceStatusReason', '') for e in events
            if e['LogicalResourceId'] == logical_id
            and e['ResourceStatus'] == status]


def delete_and_check_cleanup(heat, tenant, cfn, stack_id):
    cfn.delete_stack(StackName=stack_id)
    final = clients.wait_for_status(cfn, stack_id, action='DELETE')
    assert final['StackStatus'] == 'DELETE_COMPLETE', \
        final.get('StackStatusReason')
    assert corpus.leftovers(corpus.sandbox(heat, tenant)) == {}


# -- the WordPress templates -------------------------------------------------

@pytest.fixture(scope='module')
def wordpress(heat):
    """Every WordPress template's stack, created side by side."""
    return corpus.create_all(heat, {
        name: (stack_name(name), create_request(corpus.load(name)))
        for name in WORDPRESS})


def check_cloud_matches_template(template, ids, inventory):
    """Each instance, volume, attachment, address and group of the
    template is the sandbox object its physical id names, and there is
    nothing else."""
    resources = template['Resources']

    def named(kind):
        return sorted(name for name, rsrc in resources.items()
                      if rsrc['Type'] == kind)

    servers = corpus.by_id(inventory['servers'])
    assert sorted(servers) == sorted(ids[n] for n in corpus.instances(
        template))
    for name in corpus.instances(template):
        assert servers[ids[name]]['status'] == 'ACTIVE', name
    groups = inventory['security_groups']
    assert sorted(g['name'] for g in groups) == sorted(
        ids[n] for n in named('AWS::EC2::SecurityGroup'))
    for name in corpus.instances(template):
        wanted = [ids[ref['Ref']] for ref in
                  resources[name]['Properties'].get('SecurityGroups', [])]
        assert servers[ids[name]]['security_groups'] == wanted, name
    assert sorted(v['id'] for v in inventory['volumes']) == sorted(
        ids[n] for n in named('AWS::EC2::Volume'))
    assert sorted((a['server_id'], a['volume_id'], a['device'])
                  for a in inventory['attachments']) == sorted(
        (ids[props['InstanceId']['Ref']], ids[props['VolumeId']['Ref']],
         props['Device'])
        for props in (resources[n]['Properties']
                      for n in named('AWS::EC2::VolumeAttachment')))
    associated = {}
    for name in named('AWS::EC2::EIPAssociation'):
        props = resources[name]['Properties']
        associated[ids[props['EIP']['Ref']]] = ids[props['InstanceId']['Ref']]
    assert {f['address']: f['server_id']
            for f in inventory['floating_ips']} == {
        ids[n]: associated.get(ids[n]) for n in named('AWS::EC2::EIP')}


@pytest.mark.parametrize('name', WORDPRESS)
def test_wordpress_template_runs_and_cleans_up(heat, wordpress, name):
    tenant, cfn, stack = wordpress[name]
    assert stack['StackStatus'] == 'CREATE_COMPLETE', \
        stack.get('StackStatusReason')
    template = corpus.load(name)
    ids = corpus.physical_ids(cfn, stack['StackId'])
    inventory = corpus.sandbox(heat, tenant)
    check_cloud_matches_template(template, ids, inventory)

    web = corpus.website_server(template)
    web_id = ids[web]
    eip = corpus.associated_eip(template, web)
    if eip is not None:
        expected = ids[eip]
        assert [f['address'] for f in inventory['floating_ips']
                if f['server_id'] == web_id] == [expected]
    else:
        expected = corpus.by_id(inventory['servers'])[web_id]['private_ip']
    outputs = outputs_of(stack)
    assert outputs['WebsiteURL'] == 'http://%s/wordpress' % expected
    if 'InstanceIPAddress' in outputs:
        assert outputs['InstanceIPAddress'] == expected
    for other in set(corpus.instances(template)) - {web}:
        assert expected not in corpus.addresses(inventory, ids[other])

    delete_and_check_cleanup(heat, tenant, cfn, stack['StackId'])


def test_wordpress_stacks_do_not_share_cloud_objects(heat, wordpress):
    """Each stack's WebsiteURL is its own server's, not another stack's."""
    hosts = [corpus.url_host(outputs_of(stack)['WebsiteURL'])
             for _, _, stack in wordpress.values()
             if stack['StackStatus'] == 'CREATE_COMPLETE']
    assert len(hosts) == len(WORDPRESS)
    assert len(set(hosts)) == len(hosts), hosts


# -- a wait condition signalled by the real cfn-signal -----------------------

def resource_of(cfn, name, logical_id):
    return cfn.describe_stack_resource(
        StackName=name, LogicalResourceId=logical_id)['StackResourceDetail']


def wait_for_resource(cfn, name, logical_id, status,
                      seconds=clients.WAIT_SECONDS):
    deadline = time.monotonic() + seconds
    while True:
        detail = resource_of(cfn, name, logical_id)
        if detail['ResourceStatus'] == status:
            return detail
        assert time.monotonic() < deadline, \
            '%s of %s still %s' % (logical_id, name, detail['ResourceStatus'])
        time.sleep(0.05)


def start_mysql(heat):
    """A MySQL stack whose wait condition is waiting.

    Returns (tenant, client, stack name, handle URL, server id).
    """
    name = stack_name(MYSQL)
    tenant = 'tenant-%s' % name
    cfn = clients.boto3_client(heat, *heat.new_credentials(tenant))
    cfn.create_stack(StackName=name, **create_request(corpus.load(MYSQL)))
    wait_for_resource(cfn, name, 'MySqlWaitCondition', 'CREATE_IN_PROGRESS')
    # Long enough for a server to build several times over: only a
    # signal may complete the wait condition.
    time.sleep(5 * BUILD_SECONDS)
    stack = cfn.describe_stacks(StackName=name)['Stacks'][0]
    assert stack['StackStatus'] == 'CREATE_IN_PROGRESS'
    url = resource_of(cfn, name, 'MySqlWaitHandle')['PhysicalResourceId']
    server_id = resource_of(cfn, name,
                            'MySqlDatabaseServer')['PhysicalResourceId']
    return tenant, cfn, name, url, server_id


def test_mysql_completes_when_cfn_signal_reports_success(heat):
    tenant, cfn, name, url, server_id = start_mysql(heat)
    assert url.startswith(heat.endpoint + 'waitcondition/'), url

    signal = corpus.cfn_signal(url, 0, 'done', server_id)
    assert signal.returncode == 0, signal.stderr

    stack = clients.wait_for_status(cfn, name)
    assert stack['StackStatus'] == 'CREATE_COMPLETE', \
        stack.get('StackStatusReason')
    inventory = corpus.sandbox(heat, tenant)
    assert outputs_of(stack)['PublicIp'] == \
        corpus.by_id(inventory['servers'])[server_id]['private_ip']
    delete_and_check_cleanup(heat, tenant, cfn, stack['StackId'])


def test_mysql_fails_with_the_reason_cfn_signal_reports(heat):
    tenant, cfn, name, url, server_id = start_mysql(heat)

    signal = corpus.cfn_signal(url, 1, 'it broke', server_id)
    assert signal.returncode == 0, signal.stderr

    stack = clients.wait_for_status(cfn, name)
    assert stack['StackStatus'] == 'ROLLBACK_COMPLETE'
    assert 'MySqlWaitCondition' in stack['StackStatusReason']
    events = events_of(cfn, name)
    failed = reasons(events, 'MySqlWaitCondition', 'CREATE_FAILED')
    assert len(failed) == 1 and 'it broke' in failed[0], failed
    assert any('it broke' in reason
               for reason in reasons(events, name, 'ROLLBACK_IN_PROGRESS'))
    assert corpus.leftovers(corpus.sandbox(heat, tenant)) == {}


# -- a server that goes to ERROR ---------------------------------------------

@pytest.fixture(scope='module')
def broken(heat):
    """A WordPress stack whose web server's image fails to build, with
    and without rollback, created side by side."""
    template = corpus.load(BROKEN_BASE)
    broken_server = template['Resources'][BROKEN_SERVER]
    broken_server['Properties']['ImageId'] = ERROR_IMAGE
    broken_server['DependsOn'] = BROKEN_AFTER
    return corpus.create_all(heat, {
        'rollback': (stack_name('broken'), create_request(template)),
        'kept': (stack_name('kept'),
                 create_request(template, DisableRollback=True)),
    })


def check_names_fault(reason):
    assert BROKEN_SERVER in reason, reason
    # The sandbox nova's fault for a server of an error image.
    assert 'aborted: image %s' % ERROR_IMAGE in reason, reason


def test_server_in_error_rolls_the_stack_back(heat, broken):
    tenant, cfn, stack = broken['rollback']
    assert stack['StackStatus'] == 'ROLLBACK_COMPLETE'
    assert BROKEN_SERVER in stack['StackStatusReason']
    events = events_of(cfn, stack['StackId'])
    failed = reasons(events, BROKEN_SERVER, 'CREATE_FAILED')
    assert len(failed) == 1, failed
    check_names_fault(failed[0])
    rollback, = reasons(events, stack['StackName'], 'ROLLBACK_IN_PROGRESS')
    check_names_fault(rollback)
    # What was made before the failure was made, then rolled back.
    for logical_id in BROKEN_AFTER + ['DataVolume', 'DatabaseIPAddress',
                                      'WikiDatabaseSecurityGroup']:
        assert reasons(events, logical_id, 'CREATE_COMPLETE'), logical_id
        assert reasons(events, logical_id, 'DELETE_COMPLETE'), logical_id
    assert corpus.leftovers(corpus.sandbox(heat, tenant)) == {}


def test_server_in_error_without_rollback_keeps_then_deletes(heat, broken):
    tenant, cfn, stack = broken['kept']
    assert stack['StackStatus'] == 'CREATE_FAILED'
    check_names_fault(stack['StackStatusReason'])
    ids = corpus.physical_ids(cfn, stack['StackId'])
    inventory = corpus.sandbox(heat, tenant)
    servers = corpus.by_id(inventory['servers'])
    assert servers[ids[BROKEN_SERVER]]['status'] == 'ERROR'
    assert 'aborted' in servers[ids[BROKEN_SERVER]]['fault']
    assert servers[ids['WikiDatabase']]['status'] == 'ACTIVE'
    assert [(a['server_id'], a['volume_id']) for a in
            inventory['attachments']] == [(ids['WikiDatabase'],
                                           ids['DataVolume'])]
    assert sorted((f['address'], f['server_id'])
                  for f in inventory['floating_ips']) == sorted([
        (ids['DatabaseIPAddress'], ids['WikiDatabase']),
        (ids['WebServerIPAddress'], None)])
    assert len(inventory['security_groups']) == 1

    delete_and_check_cleanup(heat, tenant, cfn, stack['StackId'])
