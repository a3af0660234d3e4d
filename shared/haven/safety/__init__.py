"""Safety check-ins and missing persons (PFIF-style person finder)."""
