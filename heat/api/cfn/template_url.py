"""The template a request names, by TemplateBody or by TemplateURL, within
[DEFAULT] max_template_size and a time limit.

The size is checked here, before the template crosses RPC to an engine: a
body by its UTF-8 length, a URL's download by stopping one byte past the
limit, so an endless answer costs no more than a template may.
"""

import urllib.parse

import requests

from heat.common import config
from heat.common import exception

CONF = config.CONF

FETCH_TIMEOUT_SECONDS = 10


def resolve_template_body(args):
    """Check args['TemplateBody'], or replace args['TemplateURL'] by the
    TemplateBody it names.

    Exactly one of the two must be given, as CloudFormation requires.
    """
    url = args.pop('TemplateURL', None)
    if url is None:
        if args.get('TemplateBody') is not None:
            check_body_size(args['TemplateBody'])
        return
    if args.get('TemplateBody') is not None:
        raise exception.ValidationError(
            'Specify exactly one of TemplateBody and TemplateURL.'
        )
    args['TemplateBody'] = fetch(url)


def check_body_size(body):
    """Refuse a TemplateBody longer than the limit in UTF-8 bytes, in the
    words CloudFormation refuses one longer than its own (51,200)."""
    limit = CONF.max_template_size
    if len(body.encode('utf-8')) > limit:
        raise exception.ValidationError(
            "1 validation error detected: Value at 'templateBody' failed to "
            'satisfy constraint: Member must have length less than or equal '
            'to %d bytes' % limit
        )


def fetch(url):
    scheme = urllib.parse.urlparse(url).scheme
    if scheme not in ('http', 'https'):
        raise exception.ValidationError(
            'TemplateURL must be an http or https URL: %s' % url
        )
    limit = CONF.max_template_size
    try:
        with requests.get(
            url,
            stream=True,
            timeout=FETCH_TIMEOUT_SECONDS,
            allow_redirects=False,
        ) as response:
            response.raise_for_status()
            # Leaving the block closes the connection: the rest of a body
            # past the limit is never read.
            body = response.raw.read(limit + 1, decode_content=True)
    except requests.RequestException as err:
        raise exception.ValidationError(
            'Could not retrieve template from %s: %s' % (url, err)
        ) from err
    if len(body) > limit:
        # CloudFormation's words for a template from S3 past its limit.
        raise exception.ValidationError(
            'Template may not exceed %d bytes in size.' % limit
        )
    try:
        return body.decode('utf-8')
    except UnicodeDecodeError:
        raise exception.ValidationError(
            'Template from %s is not UTF-8 text.' % url
        ) from None
