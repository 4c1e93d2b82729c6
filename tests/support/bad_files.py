"""Hostile files for the upload tests: a decompression bomb and a pickle that would run code."""
import io
import os
import struct
import zlib

import numpy as np
from PIL import Image


def png_bytes(img: Image.Image | np.ndarray) -> bytes:
    buf = io.BytesIO()
    (img if isinstance(img, Image.Image) else Image.fromarray(img)).save(buf, format="PNG")
    return buf.getvalue()


def png_bomb(side: int = 30_000) -> bytes:
    """A valid PNG header claiming side × side pixels, with almost no data behind it."""
    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
    header = chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b"")


class MakesMarker:
    """Unpickling this creates `path`: proof that code ran."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (os.system, (f"touch {self.path}",))
