"""HTTP adapters of the API function: blueprints per domain and their shared plumbing."""
