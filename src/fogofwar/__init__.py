"""fogofwar: war reporting as a verifiable ledger of events and claims."""

__version__ = "0.1.0"

__all__ = ["__version__"]
