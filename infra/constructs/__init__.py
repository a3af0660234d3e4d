"""One construct per concern: data, messaging, identity, functions, api, monitoring.

This package is only ever imported as ``infra.constructs``; ``infra/`` itself must never be on
``sys.path``, or this folder would shadow the ``constructs`` library (``infra/app.py`` sees to it).
"""
