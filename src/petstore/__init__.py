"""Petstore: a production-grade server for the Modern Petstore API."""

__version__ = "0.1.0"
