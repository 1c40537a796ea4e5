"""The largest input orthofit accepts, per kind, checked before any work starts.

Every limit is far above what a clinic or a lab produces (a 12,800-triangle standing scan is
0.6 MB; a case file 5 kB; a pressure plate 64 x 95 cells) and low enough that the worst
accepted input finishes in seconds and well under 1 GB of memory
(``benchmarks/bench_worst_inputs.py`` prints the figures). The README's "Input limits" table
repeats them.
"""

from __future__ import annotations

from orthofit.errors import SHOWN_CHARS, shown  # noqa: F401  (re-exported: limits of what messages quote)

MB = 1 << 20

#: Largest file of each kind, bytes. A file over its limit is refused before it is read.
MAX_FILE_BYTES = {
    "case": 1 * MB,
    "profile": 1 * MB,
    "rules file": 1 * MB,
    "thresholds": 1 * MB,
    "report template": 1 * MB,
    "scan": 60 * MB,
    "footprint grid": 20 * MB,
    "pressure recording": 100 * MB,
    "batch CSV": 20 * MB,
    "shop CSV": 1 * MB,
    "clinic settings file": 1 * MB,
    "clinic logo": 5 * MB,
}

#: Most triangles in a scan: as many as a binary STL within the 60 MB scan limit holds. A
#: foot scanned at 0.5 mm detail has about 200,000; scans with more are resampled to about
#: 60,000 before they are measured (orthofit/io/scan_file.py), so a million take under 2 s
#: (benchmarks/bench_scan.py) where they took 12.5 s, when the limit was 600,000.
MAX_SCAN_TRIANGLES = 1_200_000

#: Largest footprint grid (CSV cells or PNG pixels): 4000 x 4000 pixels is a 0.1 mm scan
#: of a 400 mm plate (pictures finer than 0.5 mm are binned to 0.5 mm before measuring).
MAX_GRID_CELLS = 16_000_000

#: Most values (frames x sensors) in one pressure recording, counted from the file's layout
#: before its numbers are read: a 64 x 95 plate's recorded window (about 30 x 60 sensors) at
#: 500 Hz for 20 s is 18 million, a pedar walk of 10 minutes at 100 Hz 12 million; held as
#: 4-byte floats, 25 million is 100 MB.
MAX_RECORDING_VALUES = 25_000_000

#: Largest value in a pressure grid: above any pressure unit's range for a foot (kPa, N/cm²,
#: raw 16-bit sensor counts), so it can only be a broken export.
MAX_GRID_VALUE = 1.0e6

#: Most points in one footprint outline, and most outlines (the foot and its toes).
MAX_FOOTPRINT_POINTS = 2000
MAX_FOOTPRINT_OUTLINES = 12

#: Most rows in a batch CSV (one patient each).
MAX_BATCH_ROWS = 10_000

#: Most rows in a shop scanner's CSV: one patient, one row per foot.
MAX_SHOP_ROWS = 2

#: Largest whole number accepted in any TOML file (beyond it a float cannot hold it exactly,
#: and no measurement or setting comes near it).
MAX_TOML_INTEGER = 10**15
