"""gdprcheck: check processor agreements against GDPR Article 28, offline, in batches."""

__version__ = "0.1.0"
