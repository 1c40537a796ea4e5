"""Walking pressure recordings: steps, centre-of-pressure path, CPEI, regions.

:mod:`.steps` splits a recording into foot contacts, :mod:`.regions` finds the foot's
regions, :mod:`.analysis` measures each step and their average, :mod:`.compare` sets two
analyses of one foot side by side.
"""
