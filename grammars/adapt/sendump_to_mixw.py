#!/usr/bin/env python3
"""Writes a PocketSphinx model's `sendump` as a SphinxTrain `mixture_weights`.

The Debian en-us model ships its mixture weights only in PocketSphinx's
compressed form; SphinxTrain's `bw`, which collects the statistics for MLLR,
reads only the s3 form.  sendump: int32-length-prefixed strings up to a zero
length, then int32 rows (codewords) and cols (senones), then one byte per
(stream, codeword, senone): the weight's negative log, base 1.0001, shifted
right by 10 bits.  mixture_weights: an s3 header, the byte-order word
0x11223344, int32 dims (senones, streams, codewords, their product), float32
weights [senone][stream][codeword] and a checksum.

usage: sendump_to_mixw.py SENDUMP MIXTURE_WEIGHTS
"""
import math
import struct
import sys
from array import array

SHIFT = 10
BASE = 1.0001


def checksum(words, s=0):
    for v in words:
        s = (((s << 20) | (s >> 12)) + v) & 0xFFFFFFFF
    return s


def read_sendump(path):
    data = open(path, "rb").read()
    off, hdr = 0, {}
    while True:
        (n,) = struct.unpack_from("<i", data, off)
        off += 4
        if n == 0:
            break
        if not 0 < n < 1000:
            sys.exit(f"{path}: not a little-endian sendump")
        fields = data[off:off + n].rstrip(b"\0").decode("latin1").split()
        off += n
        if len(fields) == 2 and fields[1].isdigit():
            hdr[fields[0]] = int(fields[1])
    if hdr.get("cluster_count", 0) != 0 or hdr.get("cluster_bits", 8) != 8:
        sys.exit(f"{path}: clustered or 4-bit weights are not handled")
    streams = hdr.get("feature_count", 3)
    codewords, senones = struct.unpack_from("<ii", data, off)
    off += 8
    if len(data) - off != streams * codewords * senones:
        sys.exit(f"{path}: {len(data) - off} bytes of weights, expected "
                 f"{streams * codewords * senones}")
    return streams, codewords, senones, data[off:]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    streams, codewords, senones, q = read_sendump(sys.argv[1])
    # Each byte stands for a bucket of 1024 log units: take its middle.
    value = [BASE ** (-(v + 0.5) * (1 << SHIFT)) for v in range(256)]
    w = array("f", bytes(4 * senones * streams * codewords))
    for f in range(streams):
        for c in range(codewords):
            row = q[(f * codewords + c) * senones:(f * codewords + c + 1) * senones]
            for s, v in enumerate(row):
                w[(s * streams + f) * codewords + c] = value[v]
    for i in range(0, len(w), codewords):
        total = sum(w[i:i + codewords])
        for k in range(i, i + codewords):
            w[k] /= total
    if sys.byteorder != "little":
        sys.exit("a little-endian machine is assumed")
    dims = array("i", [senones, streams, codewords, senones * streams * codewords])
    ck = checksum(array("I", w.tobytes()), checksum(array("I", dims.tobytes())))
    head, end = b"s3\nversion 1.0\nchksum0 yes\n", b"endhdr\n"
    with open(sys.argv[2], "wb") as out:
        out.write(head + b" " * (-(len(head) + len(end)) % 4) + end)
        out.write(struct.pack("<I", 0x11223344))
        out.write(dims.tobytes())
        out.write(w.tobytes())
        out.write(struct.pack("<I", ck))
    print(f"{sys.argv[2]}: {senones} senones, {streams} streams, {codewords} codewords")


if __name__ == "__main__":
    main()
