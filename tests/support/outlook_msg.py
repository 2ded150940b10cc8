"""A small Outlook .msg file built in the test: a Compound File Binary container holding MAPI streams.

No library writes .msg files, and tests must not ship opaque binaries, so this writes the format itself
([MS-CFB] version 3, 512-byte sectors, every stream in the mini stream; [MS-OXMSG] string properties as
``__substg1.0_XXXX001F`` streams). It writes only what a reader needs: a root, flat streams, one FAT
sector, a mini FAT and the directory.
"""

from __future__ import annotations

import struct
from datetime import datetime

SECTOR = 512
MINI = 64
FREE, END, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF


def _chain(table: list[int], start: int, count: int) -> None:
    for index in range(count):
        table[start + index] = start + index + 1 if index + 1 < count else END


def _sectors(data: bytes, size: int) -> int:
    return max(1, -(-len(data) // size))


def _pad(data: bytes, size: int) -> bytes:
    return data + b"\x00" * (-len(data) % size)


def _entry(name: str, kind: int, start: int, size: int, right: int = NOSTREAM, child: int = NOSTREAM) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), kind, 1)
        + struct.pack("<III", NOSTREAM, right, child)
        + b"\x00" * 16
        + struct.pack("<I", 0)
        + b"\x00" * 16
        + struct.pack("<IQ", start, size)
    )


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A CFB file whose root holds ``streams`` (each under 4,096 bytes, so all in the mini stream)."""
    names = sorted(streams, key=lambda n: (len(n), n.upper()))  # the directory's sibling order
    mini_stream = b""
    mini_fat: list[int] = []
    starts: dict[str, int] = {}
    for name in names:
        data = streams[name]
        assert len(data) < 4096, "this writer keeps every stream in the mini stream"
        starts[name] = len(mini_fat)
        count = _sectors(data, MINI)
        mini_fat.extend([FREE] * count)
        _chain(mini_fat, starts[name], count)
        mini_stream += _pad(data or b"\x00", MINI)

    directory = [_entry("Root Entry", 5, 0, len(mini_stream), child=1 if names else NOSTREAM)]
    for index, name in enumerate(names, start=1):
        right = index + 1 if index < len(names) else NOSTREAM
        directory.append(_entry(name, 2, starts[name], len(streams[name]), right=right))
    directory_bytes = _pad(b"".join(directory), SECTOR)
    mini_fat_bytes = _pad(b"".join(struct.pack("<I", v) for v in mini_fat), SECTOR)
    container = _pad(mini_stream, SECTOR)

    dir_start = 1
    dir_count = len(directory_bytes) // SECTOR
    minifat_start = dir_start + dir_count
    minifat_count = len(mini_fat_bytes) // SECTOR
    container_start = minifat_start + minifat_count
    container_count = len(container) // SECTOR
    fat = [FREE] * (SECTOR // 4)
    assert container_start + container_count <= len(fat), "one FAT sector is enough for a test message"
    fat[0] = FATSECT
    _chain(fat, dir_start, dir_count)
    _chain(fat, minifat_start, minifat_count)
    _chain(fat, container_start, container_count)
    directory_bytes = directory_bytes[:116] + struct.pack("<I", container_start) + directory_bytes[120:]

    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, dir_start, 0, 4096, minifat_start, minifat_count, END, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", FREE) * 108
    )
    fat_bytes = b"".join(struct.pack("<I", v) for v in fat)
    return header + fat_bytes + directory_bytes + mini_fat_bytes + container


def _unicode(text: str) -> bytes:
    return text.encode("utf-16-le")


def outlook_message(*, sender: str, sender_email: str, to: str, subject: str, body: str, sent: datetime) -> bytes:
    """An Outlook message (IPM.Note) with the transport headers a forwarded request carries."""
    headers = (
        f"From: {sender} <{sender_email}>\r\nTo: {to}\r\nSubject: {subject}\r\n"
        f"Date: {sent.strftime('%a, %d %b %Y %H:%M:%S %z')}\r\nMIME-Version: 1.0\r\n\r\n"
    )
    # [MS-OXMSG] 2.4.1.1: the top-level property stream starts with a 32-byte header, then 16-byte entries.
    filetime = int((sent.timestamp() + 11644473600) * 10_000_000)
    properties = b"\x00" * 32 + struct.pack("<IIQ", 0x00390040, 0x6, filetime)
    return compound_file(
        {
            "__properties_version1.0": properties,
            "__substg1.0_001A001F": _unicode("IPM.Note"),
            "__substg1.0_0037001F": _unicode(subject),
            "__substg1.0_1000001F": _unicode(body),
            "__substg1.0_0C1A001F": _unicode(sender),
            "__substg1.0_0C1F001F": _unicode(sender_email),
            "__substg1.0_0E04001F": _unicode(to),
            "__substg1.0_007D001F": _unicode(headers),
        }
    )
