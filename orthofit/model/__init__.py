"""The data model: the case (what was measured and recorded), closed choices as Enums, and\nthe checks a triangle mesh must pass. No I/O; nothing here imports the rest of orthofit."""
