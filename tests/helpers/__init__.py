"""Helpers shared by the test modules (not tests themselves).

``tests/`` is on ``sys.path`` because ``tests/conftest.py`` lives there (pytest's default
"prepend" import mode), so a test module imports these as ``from helpers.repo import ROOT``.
"""
