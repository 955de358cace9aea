"""review-workflow: legal review and case processes for administrative enforcement agencies."""

__version__ = "0.1.0"
