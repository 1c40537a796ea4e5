"""Export: the insole as file bytes (binary STL, 3MF with zones and metadata)."""
