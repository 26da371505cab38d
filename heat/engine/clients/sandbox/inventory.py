"""Everything in the sandbox cloud as plain data (heat-manage sandbox show).

The ids are the ones resources report as PhysicalResourceId.
"""

import dataclasses

from heat.db import sandbox_api
from heat.engine.clients.sandbox import catalog


def describe(tenant=None) -> dict:
    """JSON-ready lists of every object (of tenant, or of all tenants)."""
    sandbox_api.settle_due()
    servers = sandbox_api.server_list(tenant)
    volumes = sandbox_api.volume_list(tenant)
    return {
        'servers': [_server(row) for row in servers],
        'volumes': [_volume(row) for row in volumes],
        'attachments': [
            {
                'server_id': row.server_id,
                'volume_id': row.id,
                'device': row.device,
                'status': 'attached',
            }
            for row in volumes
            if row.server_id is not None
        ],
        'snapshots': [
            _snapshot(row) for row in sandbox_api.snapshot_list(tenant)
        ],
        'floating_ips': [
            {
                'id': row.id,
                'tenant': row.tenant,
                'address': row.address,
                'server_id': row.server_id,
                'status': 'ACTIVE' if row.server_id else 'DOWN',
            }
            for row in sandbox_api.floating_ip_list(tenant)
        ],
        'security_groups': [
            _security_group(group, rules)
            for group, rules in sandbox_api.security_group_list(tenant)
        ],
        'images': [dataclasses.asdict(image) for image in catalog.IMAGES],
        'flavors': [dataclasses.asdict(flavor) for flavor in catalog.FLAVORS],
        'availability_zones': list(catalog.AVAILABILITY_ZONES),
    }


def _server(row):
    return {
        'id': row.id,
        'tenant': row.tenant,
        'name': row.name,
        'status': row.status,
        'fault': row.fault if row.status == 'ERROR' else None,
        'image_id': row.image_id,
        'flavor_id': row.flavor_id,
        'key_name': row.key_name,
        'availability_zone': row.availability_zone,
        'private_ip': row.private_ip,
        'security_groups': row.security_groups,
        'metadata': row.meta,
    }


def _volume(row):
    return {
        'id': row.id,
        'tenant': row.tenant,
        'name': row.name,
        'status': row.status,
        'size_gb': row.size_gb,
        'availability_zone': row.availability_zone,
        'snapshot_id': row.snapshot_id,
        'server_id': row.server_id,
        'device': row.device,
    }


def _snapshot(row):
    return {
        'id': row.id,
        'tenant': row.tenant,
        'name': row.name,
        'volume_id': row.volume_id,
        'size_gb': row.size_gb,
        'status': row.status,
    }


def _security_group(group, rules):
    return {
        'id': group.id,
        'tenant': group.tenant,
        'name': group.name,
        'description': group.description,
        'status': 'ACTIVE',
        'rules': [
            {
                'id': rule.id,
                'direction': rule.direction,
                'protocol': rule.protocol,
                'port_min': rule.port_min,
                'port_max': rule.port_max,
                'cidr': rule.cidr,
                'remote_group_id': rule.remote_group_id,
            }
            for rule in rules
        ],
    }
