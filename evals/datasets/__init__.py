"""Adapters that score stancewire on public datasets, each with its own label mapping."""
