"""Geometry: the insole's outline, top surface, closed solid, stiffness zones and printability.\nEach insole feature is a plug-in in :mod:`orthofit.geometry.features`."""
