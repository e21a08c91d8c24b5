"""Recert: plan the cheapest accredited continuing education for medical-assistant recertification."""

__version__ = "0.1.0"
