"""caremarket: commissioning home care, from market structure to payment."""

__version__ = "0.1.0"
