"""What a browser made of the report page, for test_report_page.sh.

  page_check.py text DOM.html   the text a reader sees, one line per element
  page_check.py png SHOT.png    "WIDTH HEIGHT NONWHITE_PERMILLE NAME=PIXELS..."

The PNG is decoded with zlib and struct only (Debian's python3 has no PIL):
8-bit RGB or RGBA, not interlaced, as Chromium writes its screenshots.
"""
import html.parser
import struct
import sys
import zlib

# The charts' colours (src/history/report_chart.c, report_pain.c).
COLOURS = {
    "sessions": (0x1F, 0x6F, 0xB2),
    "done": (0x2E, 0x7D, 0x32),
    "prescribed_line": (0xC6, 0x28, 0x28),
    "pain_severe": (0xB7, 0x1C, 0x1C),
    "pain_mild": (0xF9, 0xA8, 0x25),
}
# Anti-aliasing blends edges; a pixel this close on each channel counts.
TOLERANCE = 10
# Brighter than this on every channel is paper.
WHITE = 245


class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.out = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.out.append(data.strip())


def text(path):
    p = Text()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    print("\n".join(p.out))


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def unfilter(raw, width, height, bpp):
    stride = width * bpp
    prev = bytearray(stride)
    rows = []
    pos = 0
    for _ in range(height):
        ftype = raw[pos]
        line = bytearray(raw[pos + 1:pos + 1 + stride])
        pos += 1 + stride
        if ftype == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif ftype == 2:
            line = bytearray((x + y) & 0xFF for x, y in zip(line, prev))
        elif ftype == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif ftype == 4:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                up_left = prev[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + paeth(left, prev[i], up_left)) & 0xFF
        elif ftype != 0:
            raise ValueError("bad PNG filter %d" % ftype)
        rows.append(line)
        prev = line
    return rows


def png(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit("%s: not a PNG" % path)
    pos, idat, width = 8, b"", None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                raise SystemExit("%s: PNG depth %d type %d interlace %d not handled"
                                 % (path, depth, ctype, interlace))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
    if width is None:
        raise SystemExit("%s: no IHDR" % path)
    rows = unfilter(zlib.decompress(idat), width, height, bpp)
    nonwhite = 0
    counts = dict.fromkeys(COLOURS, 0)
    for line in rows:
        for i in range(0, len(line), bpp):
            r, g, b = line[i], line[i + 1], line[i + 2]
            if r > WHITE and g > WHITE and b > WHITE:
                continue
            nonwhite += 1
            for name, (cr, cg, cb) in COLOURS.items():
                if abs(r - cr) <= TOLERANCE and abs(g - cg) <= TOLERANCE and abs(b - cb) <= TOLERANCE:
                    counts[name] += 1
    permille = nonwhite * 1000 // (width * height)
    print(width, height, permille, " ".join("%s=%d" % kv for kv in counts.items()))


if __name__ == "__main__":
    {"text": text, "png": png}[sys.argv[1]](sys.argv[2])
