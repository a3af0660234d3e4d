"""Evidence on displacement: privacy-safe aggregates of what triage learns about displacement."""
