"""stancewire: the service, the pipeline and the engines."""
