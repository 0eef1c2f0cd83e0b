"""Checking that an uploaded logo is an image the statement PDF can draw (Pillow decodes it).

The domain checks type, size and signature; only decoding it shows a truncated or corrupt
file, which would otherwise fail every statement of the tenant.
"""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from invoice_svc.domain.creditor_profile import LOGO_MAX_SIDE_PIXELS, InvalidLogo, Logo

_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}


def checked_logo(media_type: str, data: bytes) -> Logo:
    """The logo, or :class:`InvalidLogo` saying what is wrong with it."""
    logo = Logo(media_type, data)
    try:
        with Image.open(io.BytesIO(data)) as image:
            found, size = image.format, image.size
            image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as error:
        raise InvalidLogo(f"the logo cannot be read as an image: {error}") from error
    if found != _FORMATS[media_type]:
        raise InvalidLogo(f"the logo is {found}, not {media_type}")
    if max(size) > LOGO_MAX_SIDE_PIXELS:
        raise InvalidLogo(f"a logo is at most {LOGO_MAX_SIDE_PIXELS} pixels on each side")
    return logo
