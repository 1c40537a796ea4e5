"""The data model: the case (what was measured and recorded), closed choices as Enums, and
the checks a triangle mesh must pass. No I/O; nothing here imports the rest of orthofit.
"""
