"""The jobs: one pipeline function per command (assess, scan, footprint, insole, report, fit,
batch), each running the steps in order with one settings object.
"""
