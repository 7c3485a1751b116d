#!/usr/bin/python3
"""Generates hostile and edge-case TIFF inputs for hostile_check.py.

    tests/oracle/make_hostile_corpus.py OUTDIR

Writes the files plus OUTDIR/manifest.json: {file: {"expect": "error"|"ok"|"either",
"kinds": [allowed error kinds], "warn": [allowed warning kinds], "why": text}}. Since
issue 15, damage past IFD 0's entry table is read with warnings: "warn" says which kinds
a file that is read must show (and only those); an "ok" file without "warn" must show none. "ok" files are valid headers (odd
but legal: unknown field types, zero counts, duplicate tags, non-UTF-8 ASCII, NaN
doubles, ...) that must be read successfully; "error" files must be rejected with
one of the listed kinds; "either" files may go both ways (e.g. a file cut inside
its image data, whose header is complete), but an error must still be one of the
listed kinds.

Families:
  * cut_*: every prefix length up to 24 bytes and around every structural offset
    (IFD start, each entry, each out-of-line value, next-IFD pointer) of five base
    files: classic LE/BE with three IFDs, BigTIFF LE/BE, and, when osgeo.gdal is
    available, a GDAL COG (tiled, overviews, internal mask) and a GDAL BigTIFF;
  * loop_*: IFD chains that revisit an IFD (self, 2-cycle, back to the first after
    many IFDs, BigTIFF), and a SubIFD pointing to itself (legal: main chain only);
  * subifd_*: 2000-deep SubIFD chains (classic, BigTIFF), a SubIFD cycle, SubIFD
    counts near 2^32 and 2^64, SubIFD offsets past the end;
  * count_*: counts near 2^32 and 2^64 whose byte sizes overflow 32/64-bit
    arithmetic, offsets that wrap when the size is added;
  * offset_*: first/next IFD and value offsets past the end or inside the header;
  * type_*: unknown field types (0, 14, 15, 19, 0xFFFF), with any count: values null;
  * ascii_*: huge ASCII counts, a 20 MiB ASCII value past the 16 MiB cap (sparse
    file), interior NULs, Latin-1 and invalid UTF-8 bytes, no terminator;
  * big_*: BigTIFF with a bad offset size, non-zero reserved word, huge entry count;
  * magic_*: not TIFF at all, wrong version, zero-length, 1-7 byte files;
  * limit_*: 1024, 1025 and 2000 IFDs (all read: the IFD budget is 100,000); 65535 entries;
  * geokey_*: GeoKeyDirectory pointing outside its params, to missing tags, with
    more keys than it holds;
  * random_*: seeded random bytes, with and without a TIFF magic in front.
"""

from __future__ import annotations

import io
import json
import os
import random
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from oracle_common import escape_text  # noqa: E402

ALL_KINDS = ["not_tiff", "truncated", "ifd_loop", "limit_exceeded", "invalid_value", "io"]
BAD_STRUCT = ["truncated", "invalid_value", "limit_exceeded"]
# Warnings a file cut short (or pointing past its end) may show once IFD 0 is read.
PAST_END = ["tag_value_out_of_bounds", "ifd_link_out_of_bounds", "ifd_truncated", "more_warnings",
            "geokey_param_missing"]  # a GeoKey params tag past the end: its keys are null
OFFSET_TAGS = {273, 279, 324, 325}
MAX_CUTS = 80  # truncations per base file
TYPE_SIZE = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8,
             13: 4, 16: 8, 17: 8, 18: 8}


# --- a tiny TIFF writer with full control over every field ------------------------------
@dataclass
class E:
    """One directory entry. `data` is the value bytes (placed inline or out of line
    by the writer); `raw` forces the value/offset field verbatim (count as given)."""
    code: int
    type: int
    count: int
    data: bytes | None = None
    raw: int | None = None


def u(bo: str, fmt: str, *v) -> bytes:
    return struct.pack(bo + fmt, *v)


def shorts(bo, *v):
    return u(bo, f"{len(v)}H", *v)


def longs(bo, *v):
    return u(bo, f"{len(v)}I", *v)


def doubles(bo, *v):
    return u(bo, f"{len(v)}d", *v)


@dataclass
class Layout:
    bo: str = "<"
    big: bool = False
    ifds: list[list[E]] = field(default_factory=list)
    first: int | None = None              # override first-IFD offset
    nexts: dict[int, int] = field(default_factory=dict)  # override next pointer of IFD i
    entry_count: dict[int, int] = field(default_factory=dict)  # override entry count
    sort: bool = True
    pixel: bytes = bytes(range(64))
    header: bytes | None = None           # override the whole header
    trailing: bytes = b""

    def build(self) -> bytes:
        bo, big = self.bo, self.big
        osz = 8 if big else 4
        hsize = 16 if big else 8
        out = bytearray(hsize)
        pix_off = len(out)
        out += self.pixel
        ifd_offs: list[int] = []
        patches: list[tuple[int, int]] = []  # (position of next pointer, ifd index)
        for i, entries in enumerate(self.ifds):
            if len(out) % 2:
                out += b"\0"
            ifd_off = len(out)
            ifd_offs.append(ifd_off)
            ents = sorted(entries, key=lambda e: e.code) if self.sort else entries
            n = self.entry_count.get(i, len(ents))
            out += u(bo, "Q" if big else "H", n)
            esize = 20 if big else 12
            table_pos = len(out)
            out += bytes(esize * len(ents) + osz)
            for k, e in enumerate(ents):
                pos = table_pos + k * esize
                data = e.data
                if data is not None and data == b"@PIXEL":
                    data = u(bo, "Q" if e.type == 16 else "I", pix_off)
                if e.raw is not None:
                    field_ = u(bo, "Q" if big else "I", e.raw)
                elif data is None:
                    field_ = bytes(osz)
                elif len(data) <= osz:
                    field_ = data.ljust(osz, b"\0")
                else:
                    if len(out) % 2:
                        out += b"\0"
                    voff = len(out)
                    out += data
                    field_ = u(bo, "Q" if big else "I", voff)
                out[pos:pos + esize] = (u(bo, "HH", e.code, e.type)
                                        + u(bo, "Q" if big else "I", e.count) + field_)
            patches.append((table_pos + esize * len(ents), i))
        for pos, i in patches:
            nxt = self.nexts.get(i, ifd_offs[i + 1] if i + 1 < len(ifd_offs) else 0)
            out[pos:pos + osz] = u(bo, "Q" if big else "I", nxt)
        first = self.first if self.first is not None else (ifd_offs[0] if ifd_offs else 0)
        if self.header is not None:
            out[:hsize] = self.header[:hsize].ljust(hsize, b"\0")
        elif big:
            out[:16] = (b"II" if bo == "<" else b"MM") + u(bo, "HHHQ", 43, 8, 0, first)
        else:
            out[:8] = (b"II" if bo == "<" else b"MM") + u(bo, "HI", 42, first)
        return bytes(out + self.trailing)


def image_entries(bo: str, big: bool = False, extra: list[E] | None = None) -> list[E]:
    """An 8x8 8-bit grey strip image whose single strip is the writer's pixel block."""
    off_type = 16 if big else 4
    ents = [E(256, 3, 1, shorts(bo, 8)), E(257, 3, 1, shorts(bo, 8)),
            E(258, 3, 1, shorts(bo, 8)), E(259, 3, 1, shorts(bo, 1)),
            E(262, 3, 1, shorts(bo, 1)), E(273, off_type, 1, b"@PIXEL"),
            E(277, 3, 1, shorts(bo, 1)), E(278, 3, 1, shorts(bo, 8)),
            E(279, 4, 1, longs(bo, 64))]
    return ents + (extra or [])


# --- manifest ---------------------------------------------------------------------------
class Corpus:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.manifest: dict[str, dict] = {}

    def add(self, name: str, data: bytes, expect: str, kinds: list[str] | None = None,
            why: str = "", tags: list[dict] | None = None, warn: list[str] | None = None) -> None:
        """tags: expectations on `info --raw` when the file is read: each a dict with
        ifd (default 0), code, and any of type, count, values (exact; FLOAT compared
        as float32) or values_any (a list of acceptable values)."""
        assert expect in ("ok", "error", "either")
        (self.out / name).write_bytes(data)
        self.manifest[name] = {"expect": expect, "kinds": kinds or ALL_KINDS, "why": why}
        if tags:
            self.manifest[name]["tags"] = tags
        if warn:
            self.manifest[name]["warn"] = warn

    def add_sparse(self, name: str, parts: list[tuple[int, bytes]], size: int, expect: str,
                   kinds: list[str], why: str) -> None:
        with open(self.out / name, "wb") as f:
            f.truncate(size)
            for off, data in parts:
                f.seek(off)
                f.write(data)
        self.manifest[name] = {"expect": expect, "kinds": kinds, "why": why}

    def save(self) -> None:
        (self.out / "manifest.json").write_text(json.dumps(self.manifest, indent=1, sort_keys=True))


# --- families ---------------------------------------------------------------------------
def structure_points(data: bytes) -> tuple[list[int], int, list[tuple[int, int]]]:
    """Structural offsets of a valid file (via tifffile), the end of everything a header
    reader must read, and the byte ranges of the offset/byte-count arrays (only the
    first element of which a reader is required to look at)."""
    import tifffile
    pts: set[int] = set()
    essential = 0
    soft: list[tuple[int, int]] = []
    with tifffile.TiffFile(io.BytesIO(data)) as tif:
        t = tif.tiff
        hsize = 16 if t.version == 43 else 8
        essential = hsize
        for i in range(len(tif.pages)):
            p = tif.pages._getitem(i, aspage=True)
            n = len(p.tags)
            fh = tif.filehandle
            fh.seek(p.offset)
            n = struct.unpack(t.tagnoformat, fh.read(t.tagnosize))[0]
            end = p.offset + t.tagnosize + n * t.tagsize + t.offsetsize
            pts.update([p.offset, p.offset + t.tagnosize, end - t.offsetsize, end])
            essential = max(essential, end)
            for tag in p.tags.values():
                pts.add(tag.offset)
                size = tag.count * struct.calcsize(tifffile.TIFF.DATA_FORMATS[int(tag.dtype)])
                if size > t.tagoffsetthreshold:
                    fh.seek(tag.offset + t.tagsize - t.tagoffsetthreshold)
                    voff = struct.unpack(t.offsetformat, fh.read(t.offsetsize))[0]
                    pts.update([voff, voff + size])
                    if tag.code in OFFSET_TAGS:
                        one = struct.calcsize(tifffile.TIFF.DATA_FORMATS[int(tag.dtype)])
                        essential = max(essential, voff + one)
                        soft.append((voff + one, voff + size))
                    else:
                        essential = max(essential, voff + size)
    return sorted(pts), essential, soft


def truncations(c: Corpus, base_name: str, data: bytes) -> None:
    pts, essential, _ = structure_points(data)
    hsize = 16 if data[2:4] in (b"+\0", b"\0+") else 8
    cuts = set(range(0, 25))
    for p in pts:
        cuts.update([p - 1, p, p + 1, p + 2])
    cuts.update([essential - 1, essential, essential + 1, len(data) - 1])
    cuts = sorted(x for x in cuts if 0 <= x < len(data))
    if len(cuts) > MAX_CUTS:
        # keep every cut in the header and an even, deterministic sample of the rest
        head, rest = [x for x in cuts if x < 25], [x for x in cuts if x >= 25]
        step = len(rest) / (MAX_CUTS - len(head))
        cuts = head + [rest[int(i * step)] for i in range(MAX_CUTS - len(head))]
    for cut in cuts:
        if cut < hsize:
            expect, kinds = "error", ["truncated", "not_tiff"]
        elif cut < essential:  # an error inside IFD 0's table, else read with warnings
            expect, kinds = "either", ["truncated", "invalid_value"]
        else:
            expect, kinds = "either", ["truncated"]
        c.add(f"cut_{base_name}_{cut:06d}.tif", data[:cut], expect, kinds,
              f"{base_name} cut to {cut} bytes (header structures end at {essential})",
              warn=PAST_END if hsize <= cut < essential else None)


def tifffile_bases() -> dict[str, bytes]:
    import numpy as np
    import tifffile
    out = {}
    img = (np.arange(3 * 16 * 16) % 251).astype(np.uint8).reshape(3, 16, 16)
    geo = [(33550, 12, 3, (10.0, 10.0, 0.0), False),
           (33922, 12, 6, (0.0, 0.0, 0.0, 500000.0, 5000000.0, 0.0), False),
           (34735, 3, 16, (1, 1, 0, 3, 1024, 0, 1, 1, 1025, 0, 1, 1, 1026, 34737, 7, 0), False),
           (34737, 2, 0, "UTM 33|", False)]
    for name, kw in (("le", dict(byteorder="<")), ("be", dict(byteorder=">")),
                     ("bigle", dict(byteorder="<", bigtiff=True)),
                     ("bigbe", dict(byteorder=">", bigtiff=True))):
        b = io.BytesIO()
        with tifffile.TiffWriter(b, **kw) as w:
            for k in range(3):
                w.write(img[k], description="page %d" % k, resolution=(300, 300),
                        tile=(16, 16) if k == 1 else None, photometric="minisblack",
                        metadata=None, software="hostile", extratags=geo if k == 0 else [])
        out[name] = b.getvalue()
    return out


def gdal_bases(tmp: Path) -> dict[str, bytes]:
    try:
        import numpy as np
        from osgeo import gdal, osr
    except ImportError:
        return {}
    gdal.UseExceptions()
    out = {}
    mem = gdal.GetDriverByName("MEM").Create("", 256, 256, 3, gdal.GDT_Byte)
    s = osr.SpatialReference()
    s.ImportFromEPSG(32633)
    mem.SetSpatialRef(s)
    mem.SetGeoTransform((500000, 10, 0, 5000000, 0, -10))
    y, x = np.mgrid[0:256, 0:256]
    for b in range(3):
        mem.GetRasterBand(b + 1).WriteArray(((x + y * (b + 1)) % 256).astype(np.uint8))
    mem.CreateMaskBand(gdal.GMF_PER_DATASET)
    mem.GetRasterBand(1).GetMaskBand().WriteArray(((x // 32 + y // 32) % 2 * 255).astype(np.uint8))
    gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES")
    gdal.GetDriverByName("COG").CreateCopy(str(tmp / "cog.tif"), mem, options=[
        "COMPRESS=DEFLATE", "BLOCKSIZE=128", "OVERVIEWS=AUTO"])
    gdal.GetDriverByName("GTiff").CreateCopy(str(tmp / "gbig.tif"), mem, options=[
        "BIGTIFF=YES", "ENDIANNESS=BIG", "TILED=YES", "BLOCKXSIZE=128", "BLOCKYSIZE=128",
        "COMPRESS=LZW"])
    for name in ("cog", "gbig"):
        out["gdal" + name] = (tmp / f"{name}.tif").read_bytes()
        os.remove(tmp / f"{name}.tif")
    return out


def loops(c: Corpus) -> None:
    for bo in "<>":
        tag = "le" if bo == "<" else "be"
        ents = image_entries(bo)
        c.add(f"loop_control_{tag}.tif", Layout(bo, ifds=[ents]).build(), "ok",
              why="plain valid file (control)")
        # next pointer of IFD0 -> IFD0
        lay = Layout(bo, ifds=[ents])
        data = bytearray(lay.build())
        first = struct.unpack(bo + "I", data[4:8])[0]
        n = struct.unpack(bo + "H", data[first:first + 2])[0]
        nptr = first + 2 + 12 * n
        data[nptr:nptr + 4] = u(bo, "I", first)
        c.add(f"loop_self_{tag}.tif", bytes(data), "ok", why="IFD0 -> IFD0", warn=["ifd_loop"],
              tags=[{"code": 256}])
        # 2-cycle and long cycle
        for count, name in ((2, "two"), (50, "fifty")):
            lay = Layout(bo, ifds=[image_entries(bo) for _ in range(count)])
            data = bytearray(lay.build())
            offs = []
            off = struct.unpack(bo + "I", data[4:8])[0]
            while off:
                offs.append(off)
                n = struct.unpack(bo + "H", data[off:off + 2])[0]
                off = struct.unpack(bo + "I", data[off + 2 + 12 * n:off + 6 + 12 * n])[0]
            last = offs[-1]
            n = struct.unpack(bo + "H", data[last:last + 2])[0]
            data[last + 2 + 12 * n:last + 6 + 12 * n] = u(bo, "I", offs[0])
            c.add(f"loop_{name}_{tag}.tif", bytes(data), "ok",
                  why=f"{count} IFDs, the last pointing back to the first", warn=["ifd_loop"])
            c.manifest[f"loop_{name}_{tag}.tif"]["nifds"] = count
    # BigTIFF self-loop
    lay = Layout("<", big=True, ifds=[image_entries("<", big=True)])
    data = bytearray(lay.build())
    first = struct.unpack("<Q", data[8:16])[0]
    n = struct.unpack("<Q", data[first:first + 8])[0]
    data[first + 8 + 20 * n:first + 16 + 20 * n] = u("<", "Q", first)
    c.add("loop_self_bigtiff.tif", bytes(data), "ok", why="BigTIFF IFD0 -> IFD0", warn=["ifd_loop"])
    c.manifest["loop_self_bigtiff.tif"]["nifds"] = 1
    # SubIFDs pointing at the IFD itself: followed since issue 15 (kind 3), a loop warning
    lay = Layout("<", ifds=[image_entries("<")])
    data = lay.build()
    first = struct.unpack("<I", data[4:8])[0]
    lay = Layout("<", ifds=[image_entries("<", extra=[E(330, 13, 1, longs("<", first))])])
    c.add("loop_subifd_self.tif", lay.build(), "ok", why="SubIFDs -> own IFD (a loop, skipped)",
          warn=["ifd_loop"])


def subifds(c: Corpus) -> None:
    """SubIFDs (tag 330): deep chains, cycles, counts near 2^32 and 2^64, offsets past
    the end. SubIFDs are followed (issue 15, kind 3), 4 levels deep: a reader must stop
    (depth, limit or loop) without crashing or hanging."""
    def chain(n: int, big: bool, cycle: bool) -> bytes:
        typ = 18 if big else 13
        ifds = [image_entries("<", big=big, extra=[E(330, typ, 1, u("<", "Q" if big else "I", 0))])
                for _ in range(n)]
        data = Layout("<", big=big, ifds=ifds).build()  # pass 1: the main chain gives the offsets
        offs, off = [], struct.unpack("<Q" if big else "<I", data[8:16] if big else data[4:8])[0]
        while off:
            offs.append(off)
            cnt = struct.unpack("<Q" if big else "<H", data[off:off + (8 if big else 2)])[0]
            nptr = off + (8 + 20 * cnt if big else 2 + 12 * cnt)
            off = struct.unpack("<Q" if big else "<I", data[nptr:nptr + (8 if big else 4)])[0]
        targets = [offs[i + 1] if i + 1 < n else (offs[0] if cycle else 0) for i in range(n)]
        ifds = [image_entries("<", big=big, extra=[E(330, typ, 1, u("<", "Q" if big else "I", targets[i]))])
                for i in range(n)]
        # pass 2: IFD i's SubIFD -> IFD i+1, main chain cut after IFD 0 (same layout)
        return Layout("<", big=big, ifds=ifds, nexts={i: 0 for i in range(n)}).build()

    deep_kinds = ["limit_exceeded", "ifd_loop"]
    c.add("subifd_chain_2000.tif", chain(2000, False, False), "either", deep_kinds,
          "2000 IFDs chained through SubIFDs, one in the main chain")
    c.add("subifd_chain_2000_bigtiff.tif", chain(2000, True, False), "either", deep_kinds,
          "BigTIFF: 2000 IFDs chained through SubIFDs (IFD8)")
    c.add("subifd_cycle_50.tif", chain(50, False, True), "either", deep_kinds,
          "50 SubIFD-chained IFDs, the last pointing back to the first")
    for name, ent, big in [
            ("count_ffffffff", E(330, 13, 0xFFFFFFFF, raw=8), False),
            ("count_40000000_long", E(330, 4, 0x40000000, raw=8), False),
            ("offset_past_end", E(330, 13, 1, raw=0xFFFFFFF0), False),
            ("big_count_2p64m1", E(330, 18, (1 << 64) - 1, raw=16), True),
            ("big_count_2p61", E(330, 18, 1 << 61, raw=16), True),
            ("big_offset_past_end", E(330, 18, 1, raw=(1 << 64) - 8), True)]:
        c.add(f"subifd_{name}.tif", Layout("<", big=big, ifds=[image_entries("<", big=big, extra=[ent])]).build(),
              "either", BAD_STRUCT, f"SubIFDs type {ent.type} count {ent.count:#x} at {ent.raw:#x}",
              warn=["tag_value_out_of_bounds"] if ent.count > 1 else None)  # count 1: inline


def counts(c: Corpus) -> None:
    for bo in "<>":
        tag = "le" if bo == "<" else "be"
        # Values past the end of the file. Issue 15: the file is read (as tifffile and
        # libtiff read it, dropping the tag with a warning); `info --raw` shows the tag
        # with its true count and null values, and a tag_value_out_of_bounds warning.
        cases = [
            ("long_ffffffff", E(33000, 4, 0xFFFFFFFF, raw=8)),
            ("long_40000000", E(33000, 4, 0x40000000, raw=8)),
            ("double_20000000", E(33000, 12, 0x20000000, raw=16)),
            ("rational_20000000", E(282, 5, 0x20000000, raw=16)),
            ("short_80000000", E(33000, 3, 0x80000000, raw=8)),
            ("byte_ffffffff", E(33000, 1, 0xFFFFFFFF, raw=8)),
            ("bps_ffffffff", E(258, 3, 0xFFFFFFFF, raw=8)),
            ("stripoffsets_ffffffff", E(273, 4, 0xFFFFFFFF, raw=8)),
            ("stripbytecounts_40000000", E(279, 4, 0x40000000, raw=8)),
            ("undefined_ffffffff", E(347, 7, 0xFFFFFFFF, raw=8)),
            ("ascii_ffffffff", E(305, 2, 0xFFFFFFFF, raw=8)),
            ("geodouble_20000000", E(34736, 12, 0x20000000, raw=8)),
            ("offset_wrap", E(33000, 4, 4, raw=0xFFFFFFF8)),
            ("offset_wrap_ascii", E(270, 2, 16, raw=0xFFFFFFF8)),
        ]
        for name, ent in cases:
            ents = [e for e in image_entries(bo) if e.code != ent.code] + [ent]
            # strip arrays are read in full since issue 15 (kind 4: first_data_offset), so
            # one past the end is a warning too, its values still null in `info --raw`
            c.add(f"count_{name}_{tag}.tif", Layout(bo, ifds=[ents]).build(), "ok",
                  why=f"entry {ent.code} type {ent.type} count {ent.count:#x} at {ent.raw:#x}",
                  tags=[{"code": ent.code, "type": ent.type, "count": ent.count, "values": None}],
                  warn=["tag_value_out_of_bounds"])
    big = [
        ("double_2p61", E(33000, 12, 1 << 61, raw=16), "count*8 wraps to 0 in 64 bits"),
        ("long8_ffff", E(33000, 16, (1 << 64) - 1, raw=16), "count*8 overflows"),
        ("short_2p62", E(33000, 3, 1 << 62, raw=16), "2^63 bytes"),
        ("rational_2p60", E(33000, 5, 1 << 60, raw=16), "count*8 = 2^63"),
        ("rational_2p61", E(33000, 5, 1 << 61, raw=16), "count*8 wraps to 0"),
        ("ascii_2p63", E(270, 2, 1 << 63, raw=16), "2^63 ASCII bytes"),
        ("ascii_ffff", E(270, 2, (1 << 64) - 1, raw=16), "2^64-1 ASCII bytes"),
        ("undefined_2p64m1", E(347, 7, (1 << 64) - 1, raw=16), "2^64-1 JPEGTables bytes"),
        ("offset_wrap", E(33000, 16, 4, raw=(1 << 64) - 16), "offset + size wraps"),
        ("offset_2p63", E(33000, 16, 4, raw=1 << 63), "offset 2^63"),
        ("offset_wrap_ascii", E(270, 2, 32, raw=(1 << 64) - 16), "ASCII offset + size wraps"),
    ]
    for name, ent, why in big:
        ents = [e for e in image_entries("<", big=True) if e.code != ent.code] + [ent]
        c.add(f"count_big_{name}.tif", Layout("<", big=True, ifds=[ents]).build(), "ok", why=why,
              tags=[{"code": ent.code, "count": ent.count, "values": None}],
              warn=["tag_value_out_of_bounds"])
    ents = [e for e in image_entries("<", big=True) if e.code != 273] + [
        E(273, 16, (1 << 64) - 1, raw=16)]
    c.add("count_big_stripoffsets_ffff.tif", Layout("<", big=True, ifds=[ents]).build(),
          "either", BAD_STRUCT, "StripOffsets count 2^64-1 (counted, not fetched)",
          warn=["tag_value_out_of_bounds"])
    # entry counts
    lay = Layout("<", ifds=[image_entries("<")], entry_count={0: 0xFFFF})
    c.add("count_entries_ffff.tif", lay.build(), "error", BAD_STRUCT,
          "classic IFD claims 65535 entries, file is short")
    lay = Layout("<", big=True, ifds=[image_entries("<", big=True)],
                 entry_count={0: (1 << 64) - 1})
    c.add("count_big_entries_ffff.tif", lay.build(), "error", BAD_STRUCT,
          "BigTIFF IFD claims 2^64-1 entries")
    lay = Layout("<", big=True, ifds=[image_entries("<", big=True)],
                 entry_count={0: 1 << 60})
    c.add("count_big_entries_2p60.tif", lay.build(), "error", BAD_STRUCT,
          "BigTIFF IFD claims 2^60 entries: 20*n wraps")
    lay = Layout("<", ifds=[[]])
    c.add("count_entries_zero.tif", lay.build(), "either", ["invalid_value"],
          "an IFD with no entries")


def offsets(c: Corpus) -> None:
    for bo in "<>":
        tag = "le" if bo == "<" else "be"
        base = Layout(bo, ifds=[image_entries(bo)]).build()
        size = len(base)
        for name, first, kinds in (("past_end", size + 100, ["truncated", "invalid_value"]),
                                   ("ffffffff", 0xFFFFFFFF, ["truncated", "invalid_value"]),
                                   ("at_end", size, ["truncated", "invalid_value"])):
            c.add(f"offset_first_{name}_{tag}.tif",
                  Layout(bo, ifds=[image_entries(bo)], first=first).build(), "error", kinds,
                  f"first IFD offset {first:#x}, file size {size}")
        c.add(f"offset_first_zero_{tag}.tif", Layout(bo, ifds=[image_entries(bo)], first=0).build(),
              "either", ["invalid_value"], "first IFD offset 0: no IFD at all")
        c.add(f"offset_first_in_header_{tag}.tif",
              Layout(bo, ifds=[image_entries(bo)], first=4).build(), "either",
              BAD_STRUCT + ["ifd_loop"], "first IFD offset 4 (inside the header)")
        c.add(f"offset_first_odd_{tag}.tif", _odd_ifd(bo), "ok",
              why="IFD at an odd offset (not word aligned): readable")
        c.add(f"offset_next_past_end_{tag}.tif",
              Layout(bo, ifds=[image_entries(bo)], nexts={0: size + 1000}).build(), "ok",
              why="next IFD offset past the end", warn=["ifd_link_out_of_bounds"])
        ents = image_entries(bo, extra=[E(270, 2, 100, raw=size + 10)])
        c.add(f"offset_value_past_end_{tag}.tif", Layout(bo, ifds=[ents]).build(), "ok",
              why="ImageDescription value past the end", warn=["tag_value_out_of_bounds"],
              tags=[{"code": 270, "count": 100, "values": None}])
        ents = image_entries(bo, extra=[E(33550, 12, 3, raw=2)])
        c.add(f"offset_value_in_header_{tag}.tif", Layout(bo, ifds=[ents]).build(), "ok",
              why="value offset inside the header: odd but readable bytes")
    base = Layout("<", big=True, ifds=[image_entries("<", big=True)]).build()
    c.add("offset_big_first_2p63.tif",
          Layout("<", big=True, ifds=[image_entries("<", big=True)], first=1 << 63).build(),
          "error", ["truncated", "invalid_value"], "BigTIFF first IFD at 2^63")
    c.add("offset_big_first_ffff.tif",
          Layout("<", big=True, ifds=[image_entries("<", big=True)], first=(1 << 64) - 1).build(),
          "error", ["truncated", "invalid_value"], "BigTIFF first IFD at 2^64-1")
    c.add("offset_big_next_past_end.tif",
          Layout("<", big=True, ifds=[image_entries("<", big=True)],
                 nexts={0: len(base) + 7}).build(),
          "ok", why="BigTIFF next IFD past the end", warn=["ifd_link_out_of_bounds"])


def _odd_ifd(bo: str) -> bytes:
    lay = Layout(bo, ifds=[image_entries(bo)], pixel=bytes(range(63)))
    data = bytearray(lay.build())
    # the writer pads IFDs to even offsets: move the whole IFD one byte earlier
    first = struct.unpack(bo + "I", data[4:8])[0]
    assert data[first - 1] == 0
    data = data[:first - 1] + data[first:]
    new_first = first - 1
    data[4:8] = u(bo, "I", new_first)
    # out-of-line values shifted by one too: none in image_entries (all inline)
    n = struct.unpack(bo + "H", data[new_first:new_first + 2])[0]
    for k in range(n):
        pos = new_first + 2 + 12 * k
        code, typ, cnt = struct.unpack(bo + "HHI", data[pos:pos + 8])
        assert TYPE_SIZE[typ] * cnt <= 4, code
    return bytes(data) + b"\0"  # keep the 64-byte strip inside the file


def types(c: Corpus) -> None:
    for t in (0, 14, 15, 19, 0x7FFF, 0xFFFF):
        for cnt in (1, 0xFFFFFFFF):
            ents = image_entries("<", extra=[E(40000, t, cnt, raw=0xDEADBEEF)])
            c.add(f"type_{t}_count_{cnt:x}.tif", Layout("<", ifds=[ents]).build(), "ok",
                  why=f"unknown type {t}, count {cnt:#x}: values null, not an error",
                  tags=[{"code": 40000, "type": t, "count": cnt, "values": None}])
    ents = image_entries("<", big=True, extra=[E(40000, 20, (1 << 64) - 1, raw=(1 << 64) - 1)])
    c.add("type_20_big.tif", Layout("<", big=True, ifds=[ents]).build(), "ok",
          why="BigTIFF unknown type 20 with count 2^64-1",
          tags=[{"code": 40000, "type": 20, "count": (1 << 64) - 1, "values": None}])
    ents = image_entries("<", extra=[E(259, 99, 1, raw=5)])
    ents = [e for e in ents if not (e.code == 259 and e.type == 3)]
    c.add("type_unknown_compression.tif", Layout("<", ifds=[ents]).build(), "ok",
          why="Compression with an unknown type: column null")
    # zero counts of every type
    extra = [E(40000 + t, t, 0, raw=0) for t in TYPE_SIZE]
    c.add("type_zero_counts.tif", Layout("<", ifds=[image_entries("<", extra=extra)]).build(),
          "ok", why="count 0 for every known type",
          tags=[{"code": 40000 + t, "type": t, "count": 0,
                 "values_any": ["", None] if t == 2 else [[], None]} for t in TYPE_SIZE])
    # every known type with a real value, both byte orders, also BigTIFF
    for bo in "<>":
        for big in (False, True):
            extra = [
                E(40001, 1, 3, bytes([1, 2, 255])), E(40002, 2, 6, b"ab\0cd\0"),
                E(40003, 3, 2, shorts(bo, 1, 65535)), E(40004, 4, 2, longs(bo, 1, 0xFFFFFFFF)),
                E(40005, 5, 2, longs(bo, 1, 3, 0xFFFFFFFF, 1)),
                E(40006, 6, 2, u(bo, "2b", -128, 127)), E(40007, 7, 5, b"\0\1\2\3\xff"),
                E(40008, 8, 2, u(bo, "2h", -32768, 32767)),
                E(40009, 9, 2, u(bo, "2i", -2 ** 31, 2 ** 31 - 1)),
                E(40010, 10, 2, u(bo, "4i", -1, 3, 2 ** 31 - 1, -(2 ** 31))),
                E(40011, 11, 3, u(bo, "3f", 0.1, -1.5e38, 1e-45)),
                E(40012, 12, 3, u(bo, "3d", 0.1, -1.7976931348623157e308, 5e-324)),
                E(40013, 13, 1, longs(bo, 8)),
            ]
            if big:
                extra += [E(40016, 16, 2, u(bo, "2Q", 1, 2 ** 64 - 1)),
                          E(40017, 17, 2, u(bo, "2q", -2 ** 63, 2 ** 63 - 1)),
                          E(40018, 18, 1, u(bo, "Q", 16))]
            expected = {
                40001: [1, 2, 255], 40002: "ab\0cd", 40003: [1, 65535], 40004: [1, 0xFFFFFFFF],
                40005: [[1, 3], [0xFFFFFFFF, 1]], 40006: [-128, 127], 40007: [0, 1, 2, 3, 255],
                40008: [-32768, 32767], 40009: [-2 ** 31, 2 ** 31 - 1],
                40010: [[-1, 3], [2 ** 31 - 1, -(2 ** 31)]], 40011: [0.1, -1.5e38, 1e-45],
                40012: [0.1, -1.7976931348623157e308, 5e-324], 40013: [8],
                40016: [1, 2 ** 64 - 1], 40017: [-2 ** 63, 2 ** 63 - 1], 40018: [16]}
            tags = [{"code": e.code, "type": e.type, "count": e.count,
                     "values": expected[e.code]} for e in extra]
            name = f"type_all_{'le' if bo == '<' else 'be'}{'_big' if big else ''}.tif"
            c.add(name, Layout(bo, big=big, ifds=[image_entries(bo, big, extra)]).build(), "ok",
                  why="one tag of every field type with extreme values", tags=tags)


def asciis(c: Corpus) -> None:
    bo = "<"
    cases = [
        ("interior_nul", b"one\0two\0", "ok"), ("no_terminator", b"abc", "ok"),
        ("two_trailing_nuls", b"abc\0\0", "ok"), ("latin1", b"Caf\xe9 \xa9 2024\0", "ok"),
        ("invalid_utf8", b"\xff\xfe\x80bad\0", "ok"), ("utf8", "Ørsted ©\0".encode(), "ok"),
        ("only_nul", b"\0", "ok"), ("control_chars", b"a\x01\x1f\x7f\"\\\n\tb\0", "ok"),
    ]
    for name, data, expect in cases:
        extra = [E(270, 2, len(data), data), E(305, 2, len(data), data),
                 E(33432, 2, len(data), data), E(40000, 2, len(data), data)]
        d = data[:-1] if data.endswith(b"\0") else data
        cands = [escape_text(d)]  # the one text rule (issue 15, kind 6)
        c.add(f"ascii_{name}.tif", Layout(bo, ifds=[image_entries(bo, extra=extra)]).build(),
              expect, why=f"ASCII value {data!r}",
              tags=[{"code": code, "type": 2, "count": len(data), "values_any": cands}
                    for code in (270, 305, 33432, 40000)])
    ents = image_entries(bo, extra=[E(270, 2, 0x7FFFFFFF, raw=8)])
    c.add("ascii_count_2p31.tif", Layout(bo, ifds=[ents]).build(), "ok",
          why="ImageDescription of 2^31-1 bytes in a small file", warn=["tag_value_out_of_bounds"])
    # a 20 MiB ASCII value in a 20 MiB (sparse) file: past the 16 MiB byte cap
    big = 20 << 20
    ents = image_entries(bo, extra=[E(270, 2, big, raw=4096)])
    data = Layout(bo, ifds=[ents]).build()
    c.add_sparse("ascii_20mib_sparse.tif", [(0, data), (4096 + big - 1, b"\0")], 4096 + big,
                 "ok", ["limit_exceeded"], "20 MiB ImageDescription > 16 MiB cap")
    c.manifest["ascii_20mib_sparse.tif"]["warn"] = ["metadata_budget_reached"]
    # Many ASCII tags sharing one 1 MiB value: the bytes fetched stay at 1 MiB but the
    # bytes decoded (and printed) add up: 40 MiB, or 200 MiB for 200 tags. A reader must
    # bound the decoded total (here: metadata_budget_reached warnings) or at least stay
    # within the time limit.
    blk = 1 << 20
    for n, expect in ((40, "either"), (200, "ok")):
        ents = image_entries(bo, extra=[E(40000 + k, 2, blk, raw=16384) for k in range(n)])
        data = Layout(bo, ifds=[ents]).build()
        assert len(data) <= 16384
        c.add(f"ascii_{n}x1mib_shared.tif", data.ljust(16384, b"\0") + b"A" * (blk - 1) + b"\0",
              expect, ["limit_exceeded"], f"{n} ASCII tags x 1 MiB, all the same bytes",
              warn=["metadata_budget_reached", "more_warnings", "value_not_loaded"])


def bigtiff_headers(c: Corpus) -> None:
    good = Layout("<", big=True, ifds=[image_entries("<", big=True)]).build()
    c.add("big_valid.tif", good, "ok", why="control: a valid BigTIFF")
    for name, hdr, kinds in (
            ("bytesize_4", b"II+\0" + u("<", "HHQ", 4, 0, 16), ["invalid_value", "not_tiff"]),
            ("bytesize_16", b"II+\0" + u("<", "HHQ", 16, 0, 16), ["invalid_value", "not_tiff"]),
            ("bytesize_0", b"II+\0" + u("<", "HHQ", 0, 0, 16), ["invalid_value", "not_tiff"]),
            ("reserved_1", b"II+\0" + u("<", "HHQ", 8, 1, 16), ["invalid_value", "not_tiff"]),
            ("be_bytesize_4", b"MM\0+" + u(">", "HHQ", 4, 0, 16), ["invalid_value", "not_tiff"])):
        data = hdr + good[16:]
        c.add(f"big_{name}.tif", data, "error", kinds, f"BigTIFF header {hdr[:8]!r}")
    c.add("big_header_only_8.tif", good[:8], "error", ["truncated", "not_tiff"],
          "BigTIFF header cut at 8 bytes")


def magics(c: Corpus) -> None:
    c.add("magic_empty.tif", b"", "error", ["not_tiff", "truncated"], "zero-length file")
    for n in range(1, 8):
        c.add(f"magic_short_{n}.tif", b"II*\0\x08\0\0\0"[:n], "error",
              ["not_tiff", "truncated"], f"{n}-byte prefix of a header")
    for name, hdr in (("png", b"\x89PNG\r\n\x1a\n" + bytes(32)),
                      ("jpeg", b"\xff\xd8\xff\xe0" + bytes(32)),
                      ("version_41", b"II)\0\x08\0\0\0" + bytes(32)),
                      ("version_44", b"II,\0\x08\0\0\0" + bytes(32)),
                      ("mixed_IM", b"IM*\0\x08\0\0\0" + bytes(32)),
                      ("le_mark_be_version", b"II\0*\0\0\0\x08" + bytes(32)),
                      ("text", b"hello world, this is not a TIFF file\n"),
                      ("zeros", bytes(64))):
        c.add(f"magic_{name}.tif", hdr, "error", ["not_tiff"], f"starts {hdr[:8]!r}")


def limits(c: Corpus) -> None:
    # Issue 15: the IFD budget is 100,000 by default; all of these are read in full.
    for n in (1024, 1025, 2000):
        ents = image_entries("<")
        lay = Layout("<", ifds=[ents] * n)
        c.add(f"limit_ifds_{n}.tif", lay.build(), "ok", why=f"{n} IFDs in the chain")
        c.manifest[f"limit_ifds_{n}.tif"]["nifds"] = n
    ents = image_entries("<") + [E(60000, 1, 1, b"\1") for _ in range(65535 - 9)]
    c.add("limit_entries_65535.tif", Layout("<", ifds=[ents]).build(), "either",
          ["limit_exceeded"], "65535 entries in one IFD (legal)")
    c.manifest["limit_entries_65535.tif"]["ntags"] = 65535
    ents = image_entries("<") + [E(40000, 3, 1, shorts("<", k)) for k in range(500)]
    c.add("limit_duplicate_tags.tif", Layout("<", ifds=[ents], sort=False).build(), "ok",
          why="one code repeated 500 times")
    c.manifest["limit_duplicate_tags.tif"]["ntags"] = len(ents)
    ents = list(reversed(image_entries("<")))
    c.add("limit_unsorted_tags.tif", Layout("<", ifds=[ents], sort=False).build(), "ok",
          why="entries in descending code order")
    ents = image_entries("<", extra=[E(40000, 3, 5000, shorts("<", *range(5000)))])
    c.add("limit_array_5000.tif", Layout("<", ifds=[ents]).build(), "ok",
          why="a 5000-value array: loaded in full (issue 15)",
          tags=[{"code": 40000, "type": 3, "count": 5000, "values": list(range(5000))}])
    ents = image_entries("<", extra=[E(33550, 12, 3, doubles("<", float("nan"), float("inf"),
                                                             -float("inf")))])
    c.add("limit_nan_doubles.tif", Layout("<", ifds=[ents]).build(), "ok",
          why="NaN/Inf in ModelPixelScale: JSON must stay valid",
          tags=[{"code": 33550, "type": 12, "count": 3,
                 "values": ["NaN", "Infinity", "-Infinity"]}])
    ents = image_entries("<", extra=[E(282, 5, 1, longs("<", 72, 0)), E(283, 5, 1, longs("<", 0, 0))])
    c.add("limit_zero_denominator.tif", Layout("<", ifds=[ents]).build(), "ok",
          why="XResolution 72/0, YResolution 0/0",
          tags=[{"code": 282, "type": 5, "count": 1, "values": [[72, 0]]},
                {"code": 283, "type": 5, "count": 1, "values": [[0, 0]]}])


def geokeys(c: Corpus) -> None:
    bo = "<"

    def geo(d, dbl=None, asc=None):
        ex = [E(34735, 3, len(d), shorts(bo, *d))]
        if dbl is not None:
            ex.append(E(34736, 12, len(dbl), doubles(bo, *dbl)))
        if asc is not None:
            ex.append(E(34737, 2, len(asc), asc))
        return Layout(bo, ifds=[image_entries(bo, extra=ex)]).build()

    cases = [
        ("more_keys_than_held", [1, 1, 0, 50, 1024, 0, 1, 1]),
        ("double_index_past", [1, 1, 0, 1, 3078, 34736, 1, 500], [1.0]),
        ("double_count_huge", [1, 1, 0, 1, 3078, 34736, 65535, 0], [1.0]),
        ("ascii_past", [1, 1, 0, 1, 1026, 34737, 100, 50], None, b"abc|\0"),
        ("missing_double_tag", [1, 1, 0, 1, 3078, 34736, 1, 0]),
        ("missing_ascii_tag", [1, 1, 0, 1, 1026, 34737, 5, 0]),
        ("unknown_location", [1, 1, 0, 1, 1024, 40000, 1, 0]),
        ("self_location", [1, 1, 0, 1, 1024, 34735, 2, 0]),
        ("short_dir", [1, 1]),
        ("empty_dir", []),
        ("unknown_key_ids", [1, 1, 0, 3, 1, 0, 1, 7, 60000, 0, 1, 8, 5000, 34736, 2, 0],
         [1.5, 2.5]),
        ("version_2", [2, 1, 0, 1, 1024, 0, 1, 1]),
        ("ascii_count_zero", [1, 1, 0, 1, 1026, 34737, 0, 0], None, b"x|\0"),
        ("wrong_kind", [1, 1, 0, 2, 1024, 34736, 1, 0, 3078, 0, 1, 5], [1.0]),
        ("location0_count2", [1, 1, 0, 2, 1024, 0, 2, 1, 1025, 0, 1, 1]),
        ("duplicate_key", [1, 1, 0, 2, 1024, 0, 1, 1, 1024, 0, 1, 2]),
    ]
    # Issue 15, kind 5: the warnings these must show when read (geokeys_odd_check.py has more).
    warn = {"missing_double_tag": ["geokey_param_missing"], "missing_ascii_tag": ["geokey_param_missing"],
            "location0_count2": ["geokey_invalid"], "duplicate_key": ["geokey_duplicate"]}
    for case in cases:
        name, d = case[0], case[1]
        dbl = case[2] if len(case) > 2 else None
        asc = case[3] if len(case) > 3 else None
        c.add(f"geokey_{name}.tif", geo(d, dbl, asc), "either", ["invalid_value"],
              f"GeoKeyDirectory {d}", warn=warn.get(name))


def randoms(c: Corpus) -> None:
    rng = random.Random(20240601)
    for k in range(20):
        n = rng.choice([1, 2, 3, 7, 8, 15, 16, 100, 1000, 5000])
        data = bytes(rng.getrandbits(8) for _ in range(n))
        if data[:2] in (b"II", b"MM"):
            data = b"XX" + data[2:]
        c.add(f"random_plain_{k:02d}.tif", data, "error", ["not_tiff"], f"{n} random bytes")
    for k in range(60):
        magic = rng.choice([b"II*\0", b"MM\0*", b"II+\0\x08\0\0\0", b"MM\0+\0\x08\0\0"])
        n = rng.choice([8, 16, 64, 300, 2000])
        data = magic + bytes(rng.getrandbits(8) for _ in range(n))
        c.add(f"random_magic_{k:02d}.tif", data, "either", ALL_KINDS,
              f"TIFF magic + {n} random bytes")
    # bit flips in a valid file
    base = Layout("<", ifds=[image_entries("<", extra=[E(270, 2, 12, b"description\0")])] * 3).build()
    for k in range(60):
        data = bytearray(base)
        for _ in range(rng.choice([1, 2, 4, 8])):
            pos = rng.randrange(4, len(data))
            data[pos] ^= 1 << rng.randrange(8)
        c.add(f"random_flip_{k:02d}.tif", bytes(data), "either", ALL_KINDS,
              "valid 3-IFD file with random bit flips")


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    try:
        import numpy  # noqa: F401
        import tifffile  # noqa: F401
    except ImportError as exc:
        print(f"SKIP: {exc}; run with /usr/bin/python3 (python3-tifffile, python3-numpy)")
        return 77
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for p in out.iterdir():
        if p.is_file() and (p.suffix == ".tif" or p.name == "manifest.json"):
            p.unlink()
    c = Corpus(out)
    bases = tifffile_bases()
    bases.update(gdal_bases(out))
    for name, data in bases.items():
        c.add(f"base_{name}.tif", data, "ok", why="valid base file for the cut_* family")
        truncations(c, name, data)
    loops(c)
    subifds(c)
    counts(c)
    offsets(c)
    types(c)
    asciis(c)
    bigtiff_headers(c)
    magics(c)
    limits(c)
    geokeys(c)
    randoms(c)
    c.save()
    print(f"make_hostile_corpus: {len(c.manifest)} files in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
