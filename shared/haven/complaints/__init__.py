"""Complaints of migrant workers and their referral to partner authorities (pure domain)."""
