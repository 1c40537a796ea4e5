"""Prescription: from an assessment and a profile to insole parameters, each with its reason."""
