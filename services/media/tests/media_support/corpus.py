"""The attack corpus and the good files, made by the tests themselves (nothing downloaded)."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import zipfile
import zlib

import pillow_heif
from PIL import Image

GPS_TAG = 0x8825
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
    b'syntax-ns#"><rdf:Description xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" '
    b'xmpMM:History="edited-by-Jane-Secret"/></rdf:RDF></x:xmpmeta>'
)


def jpeg(width: int = 800, height: int = 600, *, gps: bool = False, color=(200, 40, 40)) -> bytes:
    """A JPEG; with ``gps``, EXIF carrying a position and a camera serial, and XMP history."""
    image = Image.new("RGB", (width, height), color)
    out = io.BytesIO()
    options: dict[str, object] = {"quality": 90}
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "SecretCam"  # Make
        exif[0xA431] = "SERIAL-12345"  # BodySerialNumber
        exif.get_ifd(GPS_TAG).update({1: "N", 2: (59.0, 19.0, 48.0), 3: "E", 4: (18.0, 4.0, 3.0)})
        options.update(exif=exif, xmp=XMP)
    image.save(out, "JPEG", **options)
    return out.getvalue()


def png(width: int = 640, height: int = 480, *, alpha: bool = False) -> bytes:
    image = Image.new("RGBA" if alpha else "RGB", (width, height), (10, 120, 200, 128))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def other(image_format: str, width: int = 300, height: int = 200) -> bytes:
    """GIF, WEBP, AVIF or HEIF (HEIC: pillow-heif's encoder)."""
    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 160, 60)).save(out, image_format)
    return out.getvalue()


def pdf() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (200, 100), (255, 255, 255)).save(out, "PDF")
    return out.getvalue()


def svg() -> bytes:
    return b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def html_named_jpg() -> bytes:
    """A spoofed extension: a web page uploaded as ``photo.jpg``."""
    return b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def png_named_jpg() -> bytes:
    """Another spoof: a real PNG called ``.jpg``; its type comes out as PNG."""
    return png(100, 100)


def polyglot_zip() -> bytes:
    """A JPEG with a ZIP archive appended: opens as a picture and as an archive (a GIFAR)."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("evil.class", b"\xca\xfe\xba\xbe")
    return jpeg(64, 64) + archive.getvalue()


def polyglot_html() -> bytes:
    """A PNG whose text chunk carries a script: a page to a browser that sniffs it."""
    data = png(32, 32)
    text = b"Comment\x00<script>alert(1)</script>"
    chunk = _chunk(b"tEXt", text)
    return data[:33] + chunk + data[33:]


def pixel_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG declaring 10 gigapixels: decoding it would take tens of GB."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * width
    body = zlib.compress(row * 4, 9)  # a few rows are enough to look like a start
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", body)
        + _chunk(b"IEND", b"")
    )


def truncated_jpeg() -> bytes:
    data = jpeg(400, 300)
    return data[: len(data) // 2]


def corrupt_inside_png() -> bytes:
    """Complete on the outside (IHDR ... IEND) but its pixel data is not a zlib stream: only
    decoding tells, so the worker rejects it after the upload was taken."""
    header = struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0)
    garbage = bytes((i * 37) % 251 for i in range(500))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", garbage)
        + _chunk(b"IEND", b"")
    )


def _png_of(header: bytes, data: bytes) -> bytes:
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def noise_png(width: int, height: int, seed: int = 1) -> bytes:
    """A PNG of noise: it does not compress, so its size is about 3 bytes a pixel."""
    pixels = random.Random(seed).randbytes(width * height * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), pixels).save(out, "PNG")
    return out.getvalue()


def pdf_with_payload(payload: bytes) -> bytes:
    """A one-page PDF that also holds ``payload`` as a stream object nothing draws (named by
    the catalog, so a rewrite keeps it: the public original is as large as the upload)."""
    return _pdf_of(
        [
            b"<< /Type /Catalog /Pages 2 0 R /NewsroomPayload 4 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(payload), payload),
        ],
        b"",
    )


def _pdf_of(objects: list[bytes], trailer_extra: bytes) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R%s >>\n" % (len(objects) + 1, trailer_extra))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def encrypted_pdf(user_password: bytes = b"secret") -> bytes:
    """A one-page PDF locked with a password to open it (the standard security handler,
    revision 2, RC4 40-bit): a reader without the password sees nothing of it."""
    padding = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0caa0180a22e2f")
    file_id = bytes(range(16))
    permissions = -4
    owner_key = hashlib.md5((b"owner" + padding)[:32]).digest()[:5]
    owner = _rc4(owner_key, (user_password + padding)[:32])
    key_input = (user_password + padding)[:32] + owner + struct.pack("<i", permissions) + file_id
    key = hashlib.md5(key_input).digest()[:5]
    user = _rc4(key, padding)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + owner.hex().encode() + b"> /U <"
        + user.hex().encode() + b"> /P " + str(permissions).encode() + b" >>",
    ]  # fmt: skip
    ids = b" /Encrypt 4 0 R /ID [<%s> <%s>]" % (file_id.hex().encode(), file_id.hex().encode())
    return _pdf_of(objects, ids)


def _rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    i = j = 0
    out = bytearray()
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


# Phone pictures carrying personal metadata: each must reach the public without it.
SECRETS = (b"SecretCam", b"SERIAL-12345", b"xmpmeta", b"Jane-Secret")


def _phone_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0xA431] = "SERIAL-12345"  # BodySerialNumber
    if orientation != 1:
        exif[0x0112] = orientation
    exif.get_ifd(GPS_TAG).update({1: "N", 2: (59.0, 19.0, 48.0), 3: "E", 4: (18.0, 4.0, 3.0)})
    return exif


def _pattern(width: int, height: int) -> Image.Image:
    """Pixels that differ (so a re-encode would show): gradients and noise."""
    noise = Image.effect_noise((width, height), 60)
    ramp = Image.linear_gradient("L").resize((width, height))
    return Image.merge("RGB", (noise, ramp, ramp.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))


def srgb_profile() -> bytes:
    from PIL import ImageCms

    return bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())


def phone_jpeg(width: int = 640, height: int = 480, orientation: int = 6) -> bytes:
    """A phone's JPEG: EXIF with GPS, make and serial and an orientation, XMP history, a
    comment, IPTC (APP13), a colour profile, and a second picture after its end."""
    out = io.BytesIO()
    _pattern(width, height).save(
        out,
        "JPEG",
        quality=90,
        exif=_phone_exif(orientation),
        xmp=XMP,
        icc_profile=srgb_profile(),
        comment=b"Jane-Secret was here",
    )
    data = out.getvalue()
    iptc = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x10\x1c\x02\x50\x00\x0bJane-Secret"
    app13 = b"\xff\xed" + struct.pack(">H", len(iptc) + 2) + iptc
    return data[:2] + app13 + data[2:] + jpeg(16, 16, gps=True)  # trailing: an MPF-like extra


def phone_png(width: int = 320, height: int = 240) -> bytes:
    """A PNG with eXIf (GPS, serial), tEXt, iTXt XMP, tIME and a colour profile."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane-Secret")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    out = io.BytesIO()
    _pattern(width, height).save(
        out, "PNG", exif=_phone_exif(), pnginfo=info, icc_profile=srgb_profile()
    )
    data = out.getvalue()
    end = data.rindex(b"IEND") - 4
    return data[:end] + _chunk(b"tIME", b"\x07\xea\x0c\x04\x03\x0f\x00") + data[end:]


def phone_webp(width: int = 320, height: int = 240) -> bytes:
    """A WebP with EXIF (GPS, serial) and XMP chunks (VP8X flags set) and a colour profile."""
    out = io.BytesIO()
    _pattern(width, height).save(
        out, "WEBP", lossless=True, exif=_phone_exif(), xmp=XMP, icc_profile=srgb_profile()
    )
    return out.getvalue()


def commented_gif(width: int = 64, height: int = 48) -> bytes:
    """An animated, looping GIF with a comment and an XMP application extension."""
    frames = [_pattern(width, height).convert("P"), Image.new("P", (width, height), 3)]
    out = io.BytesIO()
    frames[0].save(
        out, "GIF", save_all=True, append_images=frames[1:], loop=0, comment=b"Jane-Secret"
    )
    data = out.getvalue()
    blocks = b"".join(
        bytes((len(p),)) + p for p in (XMP[i : i + 255] for i in range(0, len(XMP), 255))
    )
    xmp = b"\x21\xff\x0bXMP DataXMP" + blocks + b"\x00"
    return data[:-1] + xmp + data[-1:]
