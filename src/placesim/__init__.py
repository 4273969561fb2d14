"""placesim: an agent-based simulation of a place's public service ecosystem."""
__version__ = "0.1.0"
