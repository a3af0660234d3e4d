"""The web apps' security headers, declared once: the local gateway (local/static_site.py) and
CloudFront's response headers policy (infra/constructs/web.py) both read them from here.

A deployment may add origins the page must reach besides its own (the sign-in's token
endpoint, a map's tiles); every other directive is the same everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable

#: The Content-Security-Policy, directive by directive, for a page that reaches only its origin.
CSP_DIRECTIVES: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:", "blob:"),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    # MapLibre GL starts its workers from its own code, as blob: URLs; the public app's service
    # worker is /sw.js of the origin.
    "worker-src": ("'self'", "blob:"),
    # The public app's web app manifest (/manifest.webmanifest).
    "manifest-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'none'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}

#: The public app's files at the origin's root, beside its page: its service worker (scope ``/``,
#: so it must live at the root), web app manifest and icons (web/pwa/plugin.mjs writes them).
#: Served by the local gateway and deployed to the bucket's root by CDK, revalidated every visit.
PUBLIC_ROOT_FILES: tuple[str, ...] = (
    "index.html",
    "sw.js",
    "manifest.webmanifest",
    "icon.svg",
    "icon-192.png",
    "icon-512.png",
)

#: Headers beside the CSP on every page (HSTS is added where the origin is HTTPS).
REFERRER_POLICY = "no-referrer"
FRAME_OPTIONS = "DENY"
CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
#: The public app's report page asks for the phone's location (the origin's pages only).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(self), payment=()"
#: Two years, subdomains included (what HSTS preload lists ask for).
HSTS_MAX_AGE_SECONDS = 63_072_000


def csp(*, connect: Iterable[str] = (), images: Iterable[str] = ()) -> str:
    """The policy, with ``connect`` origins added to connect-src (and to img-src ``images``)."""
    extra = {"connect-src": tuple(connect), "img-src": tuple(images)}
    return "; ".join(
        " ".join((name, *values, *extra.get(name, ()))) for name, values in CSP_DIRECTIVES.items()
    )


def security_headers(*, connect: Iterable[str] = (), images: Iterable[str] = ()) -> dict[str, str]:
    """Every security header of a page of the web apps, HSTS aside."""
    return {
        "Content-Security-Policy": csp(connect=connect, images=images),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": REFERRER_POLICY,
        "X-Frame-Options": FRAME_OPTIONS,
        "Cross-Origin-Opener-Policy": CROSS_ORIGIN_OPENER_POLICY,
        "Cross-Origin-Resource-Policy": CROSS_ORIGIN_RESOURCE_POLICY,
        "Permissions-Policy": PERMISSIONS_POLICY,
    }
