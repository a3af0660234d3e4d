"""Feed polling: official crisis feeds and social media, read on a schedule into triage."""
