"""Measuring: orient and measure 3D scans, footprints and pressure grids, compute the indices,
and record where every value came from (typed, scan or grid).
"""
