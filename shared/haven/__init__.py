"""Haven domain package: domain logic, ports and adapters shared by every function."""

__version__ = "0.1.0"
