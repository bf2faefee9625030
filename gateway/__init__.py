"""omi-gateway: a typed GraphQL gateway for the OMI CRM partner API."""

__version__ = "0.1.0"
