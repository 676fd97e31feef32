#!/usr/bin/env python3
"""Build the printable workshop hand-outs (PDF) of the Vägvisare corpus.

Reads every ``scripts/pdf-src/*.md`` source, and for each one writes

* ``corpus/<target>``            – a PDF 1.4 file (A4, Helvetica / Helvetica-Bold,
                                   WinAnsiEncoding, no embedded fonts), and
* ``corpus/<target>.meta.yaml``  – the front matter keys (everything except ``target``).

Source format (deliberately small):

    ---
    title: "..."
    summary: "..."
    topics: [workshop, iop]
    audience: [facilitator]
    language: sv
    legal_refs: ["LOU 4 kap. 18 §"]
    reviewed: 2026-11-27
    sources:
      - "https://..."
    target: workshop/<name>.pdf
    ---
    # Title
    Paragraph text, possibly over
    several lines.

    ## Section heading
    - bullet
    1. numbered item

Only the Python 3 standard library is used and the output is deterministic:
no dates, no random values; the /ID is a hash of the source text.

Usage:  python3 scripts/make_pdfs.py [source.md ...]
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC_DIR = ROOT / "scripts" / "pdf-src"
CORPUS = ROOT / "corpus"

META_KEYS = ["title", "summary", "topics", "audience", "language",
             "legal_refs", "reviewed", "sources"]

# --- page geometry (points) -------------------------------------------------
PAGE_W, PAGE_H = 595, 842          # A4
MARGIN_L, MARGIN_R = 62, 62
MARGIN_T, MARGIN_B = 64, 70
TEXT_W = PAGE_W - MARGIN_L - MARGIN_R
FOOTER_Y = 36
FOOTER_TEXT = "Vägvisare – arbetsmaterial, sida {n}"

STYLES = {
    # name: (font, size, leading, space_before, space_after)
    "h1": ("F2", 18.0, 22.0, 0.0, 8.0),
    "h2": ("F2", 13.0, 16.5, 10.0, 3.0),
    "h3": ("F2", 11.0, 14.0, 6.0, 2.0),
    "p": ("F1", 10.5, 14.0, 0.0, 6.0),
    "li": ("F1", 10.5, 14.0, 0.0, 2.5),
}
BULLET_INDENT = 22.0

# --- Adobe standard font metrics (1/1000 em), WinAnsi printable ASCII -------
_HELV = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,  # 32-47
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,  # 48-63
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,  # 64-79
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,  # 80-95
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,  # 96-111
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,       # 112-126
]
_HELV_BOLD = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
]
# Non-ASCII glyphs that are not "base letter + accent": (regular, bold)
_EXTRA = {
    "§": (556, 556), "–": (556, 556), "—": (1000, 1000), "€": (556, 556),
    "•": (350, 350), "“": (333, 500), "”": (333, 500), "‘": (222, 278),
    "’": (222, 278), "„": (333, 500), "…": (1000, 1000), "°": (400, 400),
    "×": (584, 584), "\u00a0": (278, 278), "«": (556, 556), "»": (556, 556),
    "½": (834, 834), "±": (584, 584), "æ": (889, 889), "Æ": (1000, 1000),
    "ø": (611, 611), "Ø": (778, 778), "ß": (611, 611),
}
# Characters outside cp1252 that may appear in sources
_REPLACE = {"→": "->", "←": "<-", "≥": ">=", "≤": "<=", "≈": "ca", "−": "-",
            "\u2009": " ", "\u202f": " ", "☐": "[ ]", "✓": "x"}


def _clean(text: str) -> str:
    for a, b in _REPLACE.items():
        text = text.replace(a, b)
    out = []
    for ch in text:
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFD", ch)[0]
            out.append(base if base.isascii() else "?")
    return "".join(out)


def char_width(ch: str, bold: bool) -> float:
    code = ord(ch)
    table = _HELV_BOLD if bold else _HELV
    if 32 <= code <= 126:
        return table[code - 32]
    if ch in _EXTRA:
        return _EXTRA[ch][1 if bold else 0]
    base = unicodedata.normalize("NFD", ch)[0]
    if base != ch and 32 <= ord(base) <= 126:
        return table[ord(base) - 32]
    return 667  # conservative default for anything unusual


def text_width(text: str, font: str, size: float) -> float:
    bold = font == "F2"
    return sum(char_width(c, bold) for c in text) * size / 1000.0


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap; over-long words are split by characters."""
    words = text.split()
    lines: list[str] = []
    cur = ""
    for word in words:
        cand = word if not cur else cur + " " + word
        if text_width(cand, font, size) <= width:
            cur = cand
            continue
        if cur:
            lines.append(cur)
        cur = ""
        while text_width(word, font, size) > width:
            cut = len(word)
            while cut > 1 and text_width(word[:cut], font, size) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        cur = word
    if cur:
        lines.append(cur)
    return lines or [""]


def pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    raw = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + raw + b")"


def pdf_text_string_utf16(text: str) -> bytes:
    """A PDF text string (for /Info) as UTF-16BE hex with BOM."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


# --- source parsing -----------------------------------------------------------
def split_front_matter(src: str) -> tuple[list[str], str]:
    lines = src.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError("source must start with a '---' front matter block")
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return lines[1:i], "\n".join(lines[i + 1:])
    raise ValueError("front matter block is not closed")


def _scalar(v: str) -> str:
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return v[1:-1]
    return v


def _inline_list(v: str) -> list[str]:
    inner = v.strip()[1:-1].strip()
    if not inner:
        return []
    return [_scalar(x) for x in re.findall(r'"[^"]*"|\'[^\']*\'|[^,]+', inner) if x.strip()]


def parse_front_matter(fm_lines: list[str]) -> dict:
    data: dict = {}
    key = None
    for line in fm_lines:
        if not line.strip():
            continue
        m = re.match(r"^([A-Za-z_]+):\s*(.*)$", line)
        if m:
            key, val = m.group(1), m.group(2).strip()
            if val.startswith("["):
                data[key] = _inline_list(val)
            elif val == "":
                data[key] = []
            else:
                data[key] = _scalar(val)
            continue
        m = re.match(r"^\s+-\s+(.*)$", line)
        if m and key is not None and isinstance(data.get(key), list):
            data[key].append(_scalar(m.group(1)))
            continue
        raise ValueError(f"cannot parse front matter line: {line!r}")
    missing = [k for k in META_KEYS + ["target"] if k not in data]
    if missing:
        raise ValueError(f"front matter lacks keys: {missing}")
    return data


def parse_body(body: str) -> list[tuple[str, str, str]]:
    """Return blocks as (kind, marker, text); kind in h1/h2/h3/p/li."""
    blocks: list[tuple[str, str, str]] = []
    para: list[str] = []

    def flush():
        if para:
            blocks.append(("p", "", " ".join(s.strip() for s in para)))
            para.clear()

    for line in body.splitlines():
        s = line.rstrip()
        if not s.strip():
            flush()
            continue
        m = re.match(r"^(#{1,3})\s+(.*)$", s)
        if m:
            flush()
            blocks.append(("h%d" % len(m.group(1)), "", m.group(2).strip()))
            continue
        m = re.match(r"^\s*[-*]\s+(.*)$", s)
        if m:
            flush()
            item = m.group(1).strip()
            if item.startswith("[ ]"):          # check box item: "- [ ] text"
                blocks.append(("li", "[   ]", item[3:].strip()))
            else:
                blocks.append(("li", "•", item))
            continue
        m = re.match(r"^\s*(\d{1,2}[.)])\s+(.*)$", s)
        if m:
            flush()
            blocks.append(("li", m.group(1), m.group(2).strip()))
            continue
        if blocks and blocks[-1][0] == "li" and not para and line.startswith("  "):
            kind, marker, text = blocks[-1]           # continuation of a list item
            blocks[-1] = (kind, marker, text + " " + s.strip())
            continue
        para.append(s)
    flush()
    # strip simple inline markdown emphasis
    out = []
    for kind, marker, text in blocks:
        text = text.replace("**", "").replace("`", "")
        out.append((kind, marker, _clean(text)))
    return out


# --- layout -------------------------------------------------------------------
class Layout:
    def __init__(self) -> None:
        self.pages: list[list[bytes]] = []
        self.y = 0.0
        self.new_page()

    def new_page(self) -> None:
        self.pages.append([])
        self.y = PAGE_H - MARGIN_T

    def text(self, x: float, y: float, font: str, size: float, s: str) -> None:
        self.pages[-1].append(
            b"BT /%s %s Tf 1 0 0 1 %s %s Tm %s Tj ET" % (
                font.encode(), _num(size), _num(x), _num(y), pdf_string(s)))

    def block(self, kind: str, marker: str, text: str, first: bool) -> None:
        font, size, leading, before, after = STYLES[kind]
        indent = BULLET_INDENT if kind == "li" else 0.0
        lines = wrap(text, font, size, TEXT_W - indent)
        if not first and self.pages[-1]:
            self.y -= before
        # keep headings with at least two following body lines
        need = len(lines) * leading if kind in ("p", "li") else len(lines) * leading + 2 * 14.0
        if kind in ("p", "li") and len(lines) > 3:
            need = 2 * leading          # long paragraphs may break across pages
        if self.y - need < MARGIN_B and self.pages[-1]:
            self.new_page()
        for i, line in enumerate(lines):
            if self.y - leading < MARGIN_B:
                self.new_page()
            self.y -= leading
            if kind == "li" and i == 0:
                # marker + first line as one string, hanging left of the indent so that
                # the text aligns with continuation lines and extracts as one line
                lead = marker + " "
                x = MARGIN_L + indent - text_width(lead, font, size)
                self.text(x, self.y, font, size, lead + line)
            else:
                self.text(MARGIN_L + indent, self.y, font, size, line)
        self.y -= after


def _num(v: float) -> bytes:
    s = ("%.2f" % v).rstrip("0").rstrip(".")
    return s.encode("ascii")


def build_pdf(title: str, blocks: list[tuple[str, str, str]], seed: bytes) -> bytes:
    lay = Layout()
    for i, (kind, marker, text) in enumerate(blocks):
        lay.block(kind, marker, text, first=(i == 0))
    pages = [p for p in lay.pages if p] or [[]]

    objs: dict[int, bytes] = {}
    n_pages = len(pages)
    first_page_obj = 6
    kids = []
    for i, content in enumerate(pages):
        page_no = i + 1
        pobj = first_page_obj + 2 * i
        cobj = pobj + 1
        kids.append(pobj)
        footer = _clean(FOOTER_TEXT.format(n=page_no))
        fx = (PAGE_W - text_width(footer, "F1", 8)) / 2
        ops = list(content)
        ops.append(b"0.35 G 0.5 w %s %s m %s %s l S" % (
            _num(MARGIN_L), _num(FOOTER_Y + 12), _num(PAGE_W - MARGIN_R), _num(FOOTER_Y + 12)))
        ops.append(b"0.3 g BT /F1 8 Tf 1 0 0 1 %s %s Tm %s Tj ET 0 g" % (
            _num(fx), _num(FOOTER_Y), pdf_string(footer)))
        stream = b"\n".join(ops) + b"\n"
        objs[pobj] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
                      b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> "
                      b"/Contents %d 0 R >>" % (PAGE_W, PAGE_H, cobj))
        objs[cobj] = (b"<< /Length %d >>\nstream\n" % len(stream)) + stream + b"endstream"
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objs[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), n_pages)
    objs[3] = (b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
               b"/Encoding /WinAnsiEncoding >>")
    objs[4] = (b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
               b"/Encoding /WinAnsiEncoding >>")
    objs[5] = (b"<< /Title %s /Producer %s /Creator %s >>" % (
        pdf_text_string_utf16(title),
        pdf_text_string_utf16("Vägvisare make_pdfs.py"),
        pdf_text_string_utf16("Vägvisare")))

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    max_obj = max(objs)
    for num in range(1, max_obj + 1):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objs[num] + b"\nendobj\n"
    xref_pos = len(out)
    out += b"xref\n0 %d\n" % (max_obj + 1)
    out += b"0000000000 65535 f \n"
    for num in range(1, max_obj + 1):
        out += b"%010d 00000 n \n" % offsets[num]
    file_id = hashlib.md5(seed).hexdigest().upper().encode("ascii")
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R /ID [<%s> <%s>] >>\n"
            % (max_obj + 1, file_id, file_id))
    out += b"startxref\n%d\n%%%%EOF\n" % xref_pos
    return bytes(out)


def meta_yaml(fm_lines: list[str]) -> str:
    """The front matter block without the ``target`` key, as YAML text."""
    keep = []
    skipping = False
    for line in fm_lines:
        if re.match(r"^target:", line):
            skipping = True
            continue
        if skipping and re.match(r"^\s+-\s", line):
            continue
        skipping = False
        keep.append(line.rstrip())
    return "\n".join(keep).strip("\n") + "\n"


def build_one(src_path: Path) -> Path:
    src = src_path.read_text(encoding="utf-8")
    fm_lines, body = split_front_matter(src)
    meta = parse_front_matter(fm_lines)
    target = meta["target"]
    if not re.match(r"^[a-z0-9-]+/[a-z0-9-]+\.pdf$", target):
        raise ValueError(f"{src_path.name}: bad target {target!r}")
    blocks = parse_body(body)
    if not blocks or blocks[0][0] != "h1":
        raise ValueError(f"{src_path.name}: body must start with a '# ' heading")
    pdf = build_pdf(meta["title"], blocks, src.encode("utf-8"))
    out = CORPUS / target
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    (out.parent / (out.name + ".meta.yaml")).write_text(meta_yaml(fm_lines), encoding="utf-8")
    return out


def main(argv: list[str]) -> int:
    sources = [Path(a) for a in argv] if argv else sorted(SRC_DIR.glob("*.md"))
    if not sources:
        print("no sources found in", SRC_DIR, file=sys.stderr)
        return 1
    for src in sources:
        out = build_one(src)
        print(f"{src.relative_to(ROOT) if src.is_absolute() else src} -> {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
