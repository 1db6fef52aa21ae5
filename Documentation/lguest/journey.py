#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print lguest's journey: its tagged comments, in reading order.

lguest's source is meant to be read as a book.  Comments that open with
a tag such as "/*H:120" and end with a line holding only ":*/" are its
pages: the letter names the part, the number the order within it.  This
walks the lguest files of a tree and prints each page with the code it
annotates and the file and line it came from, part by part:

  P  preparation: what lguest is, how the pieces fit
  G  the Guest: its entry and its paravirt operations
  D  the lguest bus: the Guest's devices
  L  the Launcher: the program that starts a Guest
  H  the Host: the lg module
  S  the Switcher: the page that moves a CPU between Host and Guest
  M  mastery: what is left for the reader to do

  journey.py [--part LETTERS] [--text FILE] [--html FILE] [--check] [TREE]

With --check it prints nothing but the problems: a number used twice, a
part with no pages, a source file with none, a page never ended.
"""
import argparse
import html
import os
import re
import signal
import subprocess
import sys

PARTS = [
    ("P", "Preparation"),
    ("G", "The Guest"),
    ("D", "The lguest bus"),
    ("L", "The Launcher"),
    ("H", "The Host"),
    ("S", "The Switcher"),
    ("M", "Mastery"),
]
SOURCES = ("drivers/lguest/", "arch/x86/lguest/", "arch/x86/include/asm/lguest",
           "include/linux/lguest", "include/uapi/linux/lguest",
           "tools/launcher/")
OPEN = re.compile(r"^\s*/\*([PGDLHSM]):(\d+)(.*)$")
MORE_CODE = 40


class Page:
    def __init__(self, part, number, path, line):
        self.part, self.number, self.path, self.line = part, number, path, line
        self.text = []
        self.code = []

    def key(self):
        return (self.number, self.path, self.line)


def lguest_files(tree):
    """The tree's lguest sources: git's list if there is one, else a walk."""
    try:
        out = subprocess.run(["git", "-C", tree, "ls-files"], check=True,
                             capture_output=True, text=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        out = []
        for top, _, names in os.walk(tree):
            out += [os.path.relpath(os.path.join(top, n), tree) for n in names]
    return sorted(f for f in out if f.startswith(SOURCES)
                  and f.endswith((".c", ".h", ".S")))


def comment_body(line):
    """A comment line without its leading " * "."""
    line = line.rstrip("\n")
    stripped = line.lstrip()
    if stripped.startswith("*") and not stripped.startswith("*/"):
        return stripped[1:][1:] if stripped[1:2] == " " else stripped[1:]
    return stripped


def read_pages(tree, path, problems):
    pages, page, state = [], None, None
    with open(os.path.join(tree, path), encoding="utf-8") as f:
        lines = f.readlines()
    for n, line in enumerate(lines, 1):
        m = OPEN.match(line)
        if m:
            if state == "text":
                problems.append(f"{path}:{page.line}: {page.part}:{page.number:03d} is never ended with ':*/'")
            page = Page(m.group(1), int(m.group(2)), path, n)
            pages.append(page)
            rest = m.group(3).strip()
            if rest:
                page.text.append(rest)
            state = "text"
            continue
        if state == "text":
            if line.strip() == ":*/":
                state = "code"
            elif "*/" in line:
                problems.append(f"{path}:{page.line}: {page.part}:{page.number:03d} ends with '*/', not ':*/'")
                state = "code"
            else:
                page.text.append(comment_body(line))
        elif state == "code":
            if line.strip() == "/*:*/" or len(page.code) >= MORE_CODE:
                state = None
                continue
            page.code.append(line.rstrip("\n"))
            if line.startswith("}") or line.startswith("#endif"):
                state = None
    if state == "text":
        problems.append(f"{path}:{page.line}: {page.part}:{page.number:03d} is never ended with ':*/'")
    for p in pages:
        while p.code and not p.code[-1].strip():
            p.code.pop()
        while p.code and not p.code[0].strip():
            p.code.pop(0)
    return pages


def collect(tree, problems):
    files = lguest_files(tree)
    pages = []
    for path in files:
        found = read_pages(tree, path, problems)
        if not found:
            problems.append(f"{path}: has no tagged comment: every lguest file is part of the journey")
        pages += found
    seen = {}
    for p in pages:
        tag = f"{p.part}:{p.number:03d}"
        if tag in seen:
            problems.append(f"{p.path}:{p.line}: {tag} is used twice (also {seen[tag]})")
        seen[tag] = f"{p.path}:{p.line}"
    for letter, title in PARTS:
        if not any(p.part == letter for p in pages):
            problems.append(f"part {letter} ({title}) has no pages")
    return pages


def in_order(pages, letters):
    for letter, title in PARTS:
        if letter in letters:
            yield letter, title, sorted((p for p in pages if p.part == letter),
                                        key=Page.key)


def write_text(out, pages, letters):
    for letter, title, part in in_order(pages, letters):
        out.write(f"\n{'=' * 72}\n{letter}: {title}\n{'=' * 72}\n")
        for p in part:
            out.write(f"\n[{p.part}:{p.number:03d}] {p.path}:{p.line}\n\n")
            out.write("\n".join(p.text).strip("\n") + "\n")
            if p.code:
                out.write("\n" + "\n".join("    " + c for c in p.code) + "\n")


STYLE = """body{font-family:Georgia,serif;max-width:52em;margin:2em auto;
padding:0 1em;line-height:1.45;color:#222}
h1{font-size:1.8em}h2{border-bottom:2px solid #888;margin-top:2em}
.where{font-family:monospace;color:#666;font-size:.85em}
.tag{font-weight:bold;font-family:monospace}
pre{background:#f4f4f0;padding:.6em;overflow-x:auto;font-size:.85em}
nav li{margin:.2em 0}"""


def write_html(out, pages, letters):
    parts = list(in_order(pages, letters))
    out.write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
              f"<title>The lguest journey</title><style>{STYLE}</style></head><body>\n"
              "<h1>The lguest journey</h1>\n<p>lguest's source, read in order: "
              "every tagged comment with the code it explains.</p>\n"
              "<nav><h2>Contents</h2><ol>\n")
    for letter, title, part in parts:
        out.write(f"<li><a href=\"#part-{letter}\">{letter}: {html.escape(title)}</a>"
                  f" ({len(part)} sections)</li>\n")
    out.write("</ol></nav>\n")
    for letter, title, part in parts:
        out.write(f"<section id=\"part-{letter}\"><h2>{letter}: {html.escape(title)}</h2>\n")
        for p in part:
            tag = f"{p.part}:{p.number:03d}"
            out.write(f"<article id=\"{tag.replace(':', '-')}\"><p><span class=\"tag\">{tag}</span> "
                      f"<span class=\"where\">{html.escape(p.path)}:{p.line}</span></p>\n")
            for para in "\n".join(p.text).strip().split("\n\n"):
                out.write(f"<p>{html.escape(para)}</p>\n")
            if p.code:
                out.write("<pre>" + html.escape("\n".join(p.code)) + "</pre>\n")
            out.write("</article>\n")
        out.write("</section>\n")
    out.write("</body></html>\n")


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("tree", nargs="?", default=".")
    ap.add_argument("--part", default="".join(l for l, _ in PARTS),
                    help="letters of the parts to print (default: all)")
    ap.add_argument("--text", help="write the journey as text to FILE")
    ap.add_argument("--html", help="write the journey as one HTML page to FILE")
    ap.add_argument("--check", action="store_true",
                    help="only report problems with the tags")
    args = ap.parse_args()

    problems = []
    pages = collect(args.tree, problems)
    if args.check:
        for p in problems:
            print(p)
        counts = ", ".join(f"{l}:{sum(p.part == l for p in pages)}" for l, _ in PARTS)
        print(f"{len(pages)} sections ({counts}), {len(problems)} problems",
              file=sys.stderr)
        return 1 if problems else 0
    for p in problems:
        print(f"journey: {p}", file=sys.stderr)
    letters = args.part.upper()
    if args.html:
        with open(args.html, "w", encoding="utf-8") as f:
            write_html(f, pages, letters)
    if args.text:
        with open(args.text, "w", encoding="utf-8") as f:
            write_text(f, pages, letters)
    if not args.html and not args.text:
        write_text(sys.stdout, pages, letters)
    return 0


if __name__ == "__main__":
    sys.exit(main())
