#!/usr/bin/env python3
"""Write synthetic OVMF-like seeds (a 4 KiB top page with a footer table and
SEV metadata laid out as FORMATS.md section 2 describes). Built from the
format, not copied from any firmware. Run: python3 make_ovmf_seeds.py corpus/fuzz_ovmf"""
import struct, sys, uuid

def guid(s):
    return uuid.UUID(s).bytes_le

FOOTER = guid("96b582de-1fb2-45f7-baea-a366c55a082d")
HASHES = guid("7255371f-3a3b-4b04-927b-1da6efa8d454")
RESET = guid("00f771de-1a7e-4fcb-890e-68c77e2fb44e")
META = guid("dc886566-984a-4798-a75e-5585a7bf67cc")

def entry(data, g):
    return data + struct.pack("<H", len(data) + 18) + g

def image(sections, with_meta=True, with_hashes=True):
    page = bytearray(4096)
    meta_at = 0x400
    hdr = b"ASEV" + struct.pack("<III", 16 + 12 * len(sections), 1, len(sections))
    items = b"".join(struct.pack("<III", *s) for s in sections)
    page[meta_at:meta_at + len(hdr) + len(items)] = hdr + items
    table = b""
    if with_hashes:
        table += entry(struct.pack("<II", 0x810C00, 0x400), HASHES)
    table += entry(struct.pack("<I", 0x80B004), RESET)
    if with_meta:
        table += entry(struct.pack("<I", 4096 - meta_at), META)
    table = entry(table, FOOTER)  # the footer's size covers the whole table
    end = 4096 - 32
    page[end - len(table):end] = table
    return bytes(page)

amd = [(0x800000, 0x9000, 1), (0x80A000, 0x3000, 1), (0x80D000, 0x1000, 2),
       (0x80E000, 0x1000, 3), (0x80F000, 0x1000, 4), (0x810000, 0x1000, 0x10),
       (0x811000, 0xF000, 1)]
out = sys.argv[1] if len(sys.argv) > 1 else "."
seeds = {
    "amdsev_like": image(amd),
    "x64_like": image([s for s in amd if s[2] != 0x10], with_hashes=False),
    "no_metadata": image(amd, with_meta=False),
    "two_pages": bytes(4096) + image(amd),
}
for name, data in seeds.items():
    open(f"{out}/{name}", "wb").write(data)
