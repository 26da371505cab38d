"""Fetching a template named by TemplateURL, within size and time limits."""

import urllib.parse

import requests

from heat.common import config
from heat.common import exception

CONF = config.CONF

FETCH_TIMEOUT_SECONDS = 10


def resolve_template_body(args):
    """Replace args['TemplateURL'] by the TemplateBody it names.

    Exactly one of the two must be given, as CloudFormation requires.
    """
    url = args.pop('TemplateURL', None)
    if url is None:
        return
    if args.get('TemplateBody') is not None:
        raise exception.ValidationError(
            'Specify exactly one of TemplateBody and TemplateURL.')
    args['TemplateBody'] = fetch(url)


def fetch(url):
    scheme = urllib.parse.urlparse(url).scheme
    if scheme not in ('http', 'https'):
        raise exception.ValidationError(
            'TemplateURL must be an http or https URL: %s' % url)
    limit = CONF.max_template_size
    try:
        with requests.get(url, stream=True, timeout=FETCH_TIMEOUT_SECONDS,
                          allow_redirects=False) as response:
            response.raise_for_status()
            body = response.raw.read(limit + 1, decode_content=True)
    except requests.RequestException as err:
        raise exception.ValidationError(
            'Could not retrieve template from %s: %s' % (url, err))
    if len(body) > limit:
        raise exception.ValidationError(
            'Template from %s exceeds the maximum size of %d bytes.'
            % (url, limit))
    try:
        return body.decode('utf-8')
    except UnicodeDecodeError:
        raise exception.ValidationError(
            'Template from %s is not UTF-8 text.' % url)
