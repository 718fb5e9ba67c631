"""lshub: the Life Sciences Hub platform."""

__version__ = "0.1.0"
