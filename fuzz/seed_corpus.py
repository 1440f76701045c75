#!/usr/bin/env python3
"""Writes seed corpora for the fuzz targets into fuzz/corpus/<target>/ from assets/demo/*.json.

Each object of each demo file becomes its own seeds, with its exact text (numbers such as
18446744073709551615 are not re-printed): bare, wrapped in a {success, data, ...} envelope,
and as list pages and error bodies for decode_response; with a search query header, alone
and as its transcript for transcript_search. The corpus is generated, never committed.

Usage: python3 fuzz/seed_corpus.py   (from anywhere; needs only the standard library)
"""

import hashlib
import json
import pathlib
import re

FUZZ = pathlib.Path(__file__).resolve().parent
DEMO = FUZZ.parent / "assets" / "demo"
CORPUS = FUZZ / "corpus"


def items_of(text):
    """The exact text of each element of the top-level JSON array in `text`."""
    decoder = json.JSONDecoder()
    at = text.index("[") + 1
    items = []
    while True:
        while text[at] in " \t\r\n,":
            at += 1
        if text[at] == "]":
            return items
        value, end = decoder.raw_decode(text, at)
        items.append((value, text[at:end]))
        at = end


def write(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    folder = CORPUS / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def envelope(text):
    return '{"success":true,"data":' + text + ',"error":null,"timestamp":"2026-03-10T09:31:02Z"}'


def search_header(flags, needle):
    encoded = needle.encode("utf-8")[:255]
    return bytes([flags, len(encoded)]) + encoded


def words_of(value):
    text = json.dumps(value, ensure_ascii=False)
    return [w for w in re.findall(r"\w+", text) if len(w) > 2] or ["a"]


def main():
    counts = {}
    for path in sorted(DEMO.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        items = items_of(text)
        for index, (value, raw) in enumerate(items):
            write("decode_response", raw)
            write("decode_response", envelope(raw))
            transcript = value.get("transcript") if isinstance(value, dict) else None
            words = words_of(transcript if transcript is not None else value)
            needle = words[len(words) * index // max(len(items), 1) % len(words)]
            header = search_header(index % 4, needle)
            write("transcript_search", header + raw.encode("utf-8"))
            if transcript is not None:
                write("transcript_search", header + json.dumps(transcript, ensure_ascii=False).encode("utf-8"))
                if isinstance(transcript, list):
                    lines = "\n".join(
                        f"{turn.get('role') or turn.get('speaker') or 'Agent'}: {turn.get('text') or turn.get('content') or ''}"
                        for turn in transcript
                        if isinstance(turn, dict)
                    )
                    write("transcript_search", search_header(index % 4, needle.upper()) + lines.encode("utf-8"))
        # List pages in both documented shapes, two items each.
        pair = ",".join(raw for _, raw in items[:2])
        write("decode_response", '{"data":[' + pair + '],"total":%d,"page":1,"limit":2,"totalPages":%d}'
              % (len(items), (len(items) + 1) // 2))
        write("decode_response", envelope('{"items":[' + pair + '],"pagination":{"total":%d,"page":1,"limit":2,'
              '"totalPages":%d,"hasNextPage":true,"hasPreviousPage":false}}' % (len(items), (len(items) + 1) // 2)))
        write("decode_response", "[" + pair + "]")
        counts[path.name] = len(items)
    # Both documented error shapes.
    write("decode_response", '{"success":false,"data":null,"error":{"code":"API_KEY_SUSPENDED","message":"API key '
          'suspended","details":{"reason":"Invoice overdue"}},"timestamp":"2026-03-10T09:31:02Z"}')
    write("decode_response", '{"statusCode":429,"message":["Rate limit exceeded"],"error":"Too Many Requests",'
          '"retryAfter":30}')
    for target in ("decode_response", "transcript_search"):
        print(f"{target}: {len(list((CORPUS / target).iterdir()))} seeds in {CORPUS / target}")
    print("demo objects:", counts)


if __name__ == "__main__":
    main()
