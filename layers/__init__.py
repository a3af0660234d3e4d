"""How Haven's Lambda layers are built (see ``layers/build.py``)."""
