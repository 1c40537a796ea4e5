"""Reading inputs and writing outputs: case files, lab CSVs, 3D scans, footprint grids, and
the all-or-nothing file writer. Readers validate and return typed values; they measure nothing.
"""
