"""Text channels for basic phones: SMS and WhatsApp conversations (see dialogue, intake)."""
