"""Settings as data: clinical thresholds, insole parameters, prescription profiles, report
templates, and the one :class:`~orthofit.config.settings.Settings` object built from them.
"""
