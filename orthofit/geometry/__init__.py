"""Geometry: the insole's outline, top surface, closed solid, stiffness zones and printability.
Each insole feature is a plug-in in :mod:`orthofit.geometry.features`.
"""
