"""Package discovery for setuptools (the rest of the configuration is in pyproject.toml).

setuptools finds every package under ``orthofit/``; the two data packages are mapped from the
top-level folders the project keeps outside the library (pyproject's ``package-dir``):
``profiles/`` installs as ``orthofit/_profiles`` and ``templates/`` as ``orthofit/_templates``.
"""

from setuptools import find_namespace_packages, setup

setup(
    packages=[*find_namespace_packages(include=["orthofit", "orthofit.*"]), "orthofit._profiles", "orthofit._templates"]
)
