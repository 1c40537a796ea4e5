"""Assessment: label each foot (arch type, pronation) from its measurements and the
thresholds, and find asymmetry, shoe sizes and red flags. It labels; it does not measure.
"""
