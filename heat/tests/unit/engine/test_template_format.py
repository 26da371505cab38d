import json

import pytest

from heat.common import exception
from heat.engine import template_format


def test_json_object_is_read():
    assert template_format.parse('{"Resources": {"A": {"Type": "T"}}}') == {
        'Resources': {'A': {'Type': 'T'}}
    }


def test_bytes_with_byte_order_mark_are_read():
    body = '\ufeff{"Description": "caf\u00e9"}'.encode('utf-8')
    assert template_format.parse(body) == {'Description': 'caf\u00e9'}


def test_bytes_that_are_not_utf8_are_refused():
    with pytest.raises(exception.InvalidTemplate, match='UTF-8'):
        template_format.parse(b'{"a": "\xff"}')


def test_json_with_raw_tabs_and_crlf_is_read():
    body = '{\r\n\t"Description" : "a\tb",\r\n\t"X": 1\r\n}'
    assert template_format.parse(body) == {'Description': 'a\tb', 'X': 1}


def test_json_error_names_line_and_column():
    with pytest.raises(exception.InvalidTemplate) as caught:
        template_format.parse('{\n  "a": 1,\n  }')
    assert 'line 3, column 3' in str(caught.value)
    assert str(caught.value).startswith('Template format error: JSON')


def test_yaml_error_names_line_and_column():
    with pytest.raises(exception.InvalidTemplate) as caught:
        template_format.parse('Resources:\n  A: [1, 2\n  B: 3\n')
    assert 'YAML not well-formed' in str(caught.value)
    assert 'line 3' in str(caught.value)


def test_unknown_yaml_tag_is_an_error():
    with pytest.raises(exception.InvalidTemplate, match='YAML'):
        template_format.parse('A: !Bogus x\n')


def test_top_level_must_be_a_mapping():
    with pytest.raises(exception.InvalidTemplate, match='mapping'):
        template_format.parse('- a\n- b\n')


def test_yaml_keeps_dates_versions_and_yes_as_strings():
    data = template_format.parse(
        'AWSTemplateFormatVersion: 2010-09-09\n'
        'A: yes\nB: off\nC: 0644\nD: 1:30\nE: 1_000\nF: 0x1f\n'
    )
    assert data == {
        'AWSTemplateFormatVersion': '2010-09-09',
        'A': 'yes',
        'B': 'off',
        'C': '0644',
        'D': '1:30',
        'E': '1_000',
        'F': '0x1f',
    }


def test_yaml_json_like_scalars_keep_their_types():
    data = template_format.parse(
        'A: 12\nB: -1.5\nC: true\nD: null\nE: ~\nF: "12"\nG: 1e3\n'
    )
    assert data == {
        'A': 12,
        'B': -1.5,
        'C': True,
        'D': None,
        'E': None,
        'F': '12',
        'G': 1000.0,
    }


def test_yaml_with_crlf_is_read():
    assert template_format.parse('A: !Ref B\r\nC: d\r\n') == {
        'A': {'Ref': 'B'},
        'C': 'd',
    }


@pytest.mark.parametrize(
    'text, expected',
    [
        ('!Ref Web', {'Ref': 'Web'}),
        ('!Condition IsProd', {'Condition': 'IsProd'}),
        ('!GetAtt Web.PublicIp', {'Fn::GetAtt': ['Web', 'PublicIp']}),
        (
            '!GetAtt Nested.Outputs.Url',
            {'Fn::GetAtt': ['Nested', 'Outputs.Url']},
        ),
        ('!GetAtt [Web, PublicIp]', {'Fn::GetAtt': ['Web', 'PublicIp']}),
        ('!Sub "a-${AWS::Region}"', {'Fn::Sub': 'a-${AWS::Region}'}),
        (
            '!Sub ["${x}", {x: !Ref Y}]',
            {'Fn::Sub': ['${x}', {'x': {'Ref': 'Y'}}]},
        ),
        ('!Join [",", [a, b]]', {'Fn::Join': [',', ['a', 'b']]}),
        ('!Select [0, !GetAZs ""]', {'Fn::Select': [0, {'Fn::GetAZs': ''}]}),
        ('!Split [",", "a,b"]', {'Fn::Split': [',', 'a,b']}),
        (
            '!FindInMap [M, !Ref "AWS::Region", K]',
            {'Fn::FindInMap': ['M', {'Ref': 'AWS::Region'}, 'K']},
        ),
        ('!Base64 text', {'Fn::Base64': 'text'}),
        ('!GetAZs ""', {'Fn::GetAZs': ''}),
        (
            '!If [C, a, !Ref "AWS::NoValue"]',
            {'Fn::If': ['C', 'a', {'Ref': 'AWS::NoValue'}]},
        ),
        ('!Equals [a, b]', {'Fn::Equals': ['a', 'b']}),
        (
            '!And [!Condition A, !Condition B]',
            {'Fn::And': [{'Condition': 'A'}, {'Condition': 'B'}]},
        ),
        (
            '!Or [!Condition A, !Not [!Condition B]]',
            {
                'Fn::Or': [
                    {'Condition': 'A'},
                    {'Fn::Not': [{'Condition': 'B'}]},
                ]
            },
        ),
        ('!ImportValue Shared', {'Fn::ImportValue': 'Shared'}),
        ('!Cidr ["10.0.0.0/16", 4, 8]', {'Fn::Cidr': ['10.0.0.0/16', 4, 8]}),
    ],
)
def test_short_tags_become_the_long_form(text, expected):
    assert template_format.parse('V: ' + text + '\n') == {'V': expected}


USER_DATA = '#!/bin/bash\necho ${AWS::StackName} ${Web2.PublicIp}\n'


def test_short_tag_yaml_round_trips_to_the_json_equivalent():
    yaml_body = """
Parameters:
  Env: {Type: String, Default: prod}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      UserData: !Base64
        Fn::Sub: |
          #!/bin/bash
          echo ${AWS::StackName} ${Web2.PublicIp}
      Zone: !Select [0, !GetAZs '']
      Size: !If [IsProd, large, !Ref "AWS::NoValue"]
  Web2:
    Type: AWS::EC2::Instance
Outputs:
  Ip:
    Value: !GetAtt Web.PublicIp
"""
    json_body = json.dumps(
        {
            'Parameters': {'Env': {'Type': 'String', 'Default': 'prod'}},
            'Conditions': {'IsProd': {'Fn::Equals': [{'Ref': 'Env'}, 'prod']}},
            'Resources': {
                'Web': {
                    'Type': 'AWS::EC2::Instance',
                    'Properties': {
                        'UserData': {'Fn::Base64': {'Fn::Sub': USER_DATA}},
                        'Zone': {'Fn::Select': [0, {'Fn::GetAZs': ''}]},
                        'Size': {
                            'Fn::If': [
                                'IsProd',
                                'large',
                                {'Ref': 'AWS::NoValue'},
                            ]
                        },
                    },
                },
                'Web2': {'Type': 'AWS::EC2::Instance'},
            },
            'Outputs': {'Ip': {'Value': {'Fn::GetAtt': ['Web', 'PublicIp']}}},
        }
    )
    assert template_format.parse(yaml_body) == template_format.parse(json_body)
