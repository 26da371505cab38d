import setuptools


def _requirements(path):
    with open(path) as f:
        return [
            line.strip()
            for line in f
            if line.strip() and not line.startswith('#')
        ]


setuptools.setup(
    name='heat',
    version='0.1.0',
    description='Orchestration for OpenStack clouds, speaking the AWS '
    'CloudFormation API',
    long_description=open('README.rst').read(),
    long_description_content_type='text/x-rst',
    license='Apache-2.0',
    python_requires='>=3.11',
    packages=setuptools.find_packages(exclude=['heat.tests*']),
    include_package_data=True,
    package_data={'heat.db': ['migrations/script.py.mako', 'alembic.ini']},
    install_requires=_requirements('requirements.txt'),
    extras_require={'test': _requirements('test-requirements.txt')},
    entry_points={
        'console_scripts': [
            'heat-api = heat.cmd.api:main',
            'heat-engine = heat.cmd.engine:main',
            'heat-all = heat.cmd.all:main',
            'heat-manage = heat.cmd.manage:main',
            'heat-cfn = heat.cmd.cfn:main',
        ],
        'oslo.config.opts': [
            'heat = heat.common.config:list_opts',
        ],
    },
)
