#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Print lguest's journey: its tagged comments, in reading order.

lguest's source is meant to be read as a book.  Comments that open with
a tag such as "/*H:120" and end with a line holding only ":*/" are its
sections: the letter names the part, the number the order within it.
This walks the lguest files of a tree and prints each section with the
code it explains and the file and line it came from, part by part:

  P  preparation: what lguest is, how the pieces fit
  G  the Guest: its entry and its paravirt operations
  D  the lguest bus: the Guest's devices
  L  the Launcher: the program that starts a Guest
  H  the Host: the lg module
  S  the Switcher: the page that moves a CPU between Host and Guest
  M  mastery: what is left for the reader to do

  journey.py [--part LETTERS] [--text FILE] [--html FILE] [--check] [TREE]

A section's code is everything from its ":*/" to the next tagged comment
in the same file, or to a line holding only "/*:*/", which ends a
section early (what follows is not part of the tour), or to the end of
the file.  Includes, header guards and __ASSEMBLY__ fences are left out.
A section must begin and end between whole constructs: a tag inside a
function, or a section that stops in the middle of one, is a problem.
A section longer than LONGEST lines shows its whole constructs up to
that length and then says, in a "[...]" line, what it left out.

With --check it prints nothing but the problems, one a line, and fails
if there are any: a number used twice, a part with no sections, a source
file with none, a section never ended, a section with no code, a section
cut in the middle of a construct, a pointer to a section that does not
exist, and forward references.

A forward reference is a name the project defines (a function, macro,
variable, type, struct, field, enumerator or assembler label, from the
lguest files or from the patches) that a section uses, in its prose or
its code, before the section that introduces it.  A name is introduced
by the first section whose code holds its definition; a name whose
definition the tour never shows (the patches' names, say) is introduced
by the first section that names it in prose.  A section may still use a
name early if a paragraph of its prose names it together with the tag
of the section that introduces it: "we meet interrupt_pending() in
H:230".  In prose, only what looks like code counts as a name: a word
with an underscore, a digit or capitals in it, a word followed by "()",
and the word after "struct", "union", "enum", "." or "->".  The Launcher
is a program of its own: its names are not the kernel's, so its code
sees only its own names and the user API header's, and the kernel's
code never sees the Launcher's.
"""
import argparse
import bisect
import glob
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
PATCHES = "patches/*.patch"
OPEN = re.compile(r"^\s*/\*([PGDLHSM]):(\d+)(.*)$")
END = "/*:*/"
TAG_REF = re.compile(r"(?<![\w:])([PGDLHSM]):(\d{3})\b")
LONGEST = 120
IDENT = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z_][A-Za-z0-9_]*")
C_KEYWORDS = frozenset("""auto break case char const continue default do double
    else enum extern float for goto if inline int long register restrict return
    short signed sizeof static struct switch typedef union unsigned void
    volatile while asm typeof _Bool _Noreturn bool""".split())

ORD, FIELD, TAG = "ordinary", "field", "tag"
ANY_NS = (ORD, FIELD, TAG)


def scope_of(path):
    """Whose names a file sees: the Launcher's, the kernel's, or both."""
    if path.startswith("tools/launcher/"):
        return "launcher"
    if path.startswith("include/uapi/"):
        return "shared"
    return "kernel"


def visible(scope):
    return {"launcher": ("launcher", "shared"),
            "kernel": ("kernel", "shared"),
            "shared": ("shared",)}[scope]


def tag_id(tag):
    return tag.replace(":", "-")


class Definition:
    def __init__(self, name, kind, ns, path, line, scope):
        self.name, self.kind, self.ns = name, kind, ns
        self.path, self.line, self.scope = path, line, scope
        self.section = None
        # A variable's or field's struct, and the struct a field is in.
        self.type = self.owner = None

    def where(self):
        return f"{self.path}:{self.line}"


class Section:
    def __init__(self, part, number, source, line):
        self.part, self.number, self.source, self.line = part, number, source, line
        self.text = []
        self.code = []          # (line number, text), or (None, elision)
        self.ended = False
        self.first = self.last = None   # the file lines the code spans
        self.order = 0

    @property
    def path(self):
        return self.source.path

    @property
    def tag(self):
        return f"{self.part}:{self.number:03d}"

    def key(self):
        return (self.number, self.path, self.line)

    def has_code(self):
        """Is there more than comments in the code it shows?"""
        return any(self.source.clean[n - 1].strip() for n, _ in self.code if n)

    def shown(self):
        return {n for n, _ in self.code if n is not None}

    def paragraphs(self):
        return [p for p in "\n".join(self.text).strip().split("\n\n") if p.strip()]


# ---------------------------------------------------------------------------
# Reading a source file: comments and strings apart from code, how deep in
# braces (or assembler blocks) and preprocessor conditionals each line is.
# ---------------------------------------------------------------------------

ASM_OPEN = re.compile(r"^\s*(\.macro|\.rept|\.irpc?|\.if\w*)\b|^\s*SYM_\w*_START\w*\(")
ASM_CLOSE = re.compile(r"^\s*(\.endm|\.endr|\.endif)\b|^\s*SYM_\w*_END\(")
PP_IF = re.compile(r"^\s*#\s*if(n?def)?\b(.*)")
PP_ENDIF = re.compile(r"^\s*#\s*endif\b")
PP_ELSE = re.compile(r"^\s*#\s*(else|elif)\b")
BOILERPLATE = re.compile(r"^\s*#\s*include\b|^\s*#\s*define\s+_GNU_SOURCE\b")


class Source:
    def __init__(self, path, lines):
        self.path, self.lines = path, lines
        self.asm = path.endswith(".S")
        self.scope = scope_of(path)
        self.clean, self.comments = blank_comments_and_strings(lines)
        self.hidden = hidden_lines(self.clean)
        self.depth, self.pp, self.cont = nesting(self)
        self.defs = []

    def is_tag(self, i):
        return bool(OPEN.match(self.lines[i]))

    def is_end(self, i):
        return self.lines[i].strip() == END


def blank_comments_and_strings(lines):
    """Each line with comments and literals blanked out, and where its
    comments are: [(start, end)] columns per line."""
    clean, spans = [], []
    in_comment = False
    for line in lines:
        out, where, i, n = [], [], 0, len(line)
        start = 0 if in_comment else None
        while i < n:
            c = line[i]
            if in_comment:
                if line.startswith("*/", i):
                    in_comment = False
                    out.append("  ")
                    where.append((start, i + 2))
                    i += 2
                    continue
                out.append(" ")
                i += 1
                continue
            if line.startswith("/*", i):
                in_comment, start = True, i
                out.append("  ")
                i += 2
                continue
            if line.startswith("//", i):
                where.append((i, n))
                out.append(" " * (n - i))
                break
            if c in "\"'":
                j = i + 1
                while j < n and line[j] != c:
                    j += 2 if line[j] == "\\" else 1
                j = min(j + 1, n)
                out.append(c + " " * (j - i - 2) + (c if j - i >= 2 else ""))
                i = j
                continue
            out.append(c)
            i += 1
        if in_comment:
            where.append((start, n))
        clean.append("".join(out)[:n])
        spans.append(where)
    return clean, spans


def conditionals(clean):
    """Pairs of (#if line, [#else lines], #endif line), matched."""
    stack, pairs = [], []
    for i, line in enumerate(clean):
        if PP_IF.match(line):
            stack.append((i, []))
        elif PP_ELSE.match(line) and stack:
            stack[-1][1].append(i)
        elif PP_ENDIF.match(line) and stack:
            start, elses = stack.pop()
            pairs.append((start, elses, i))
    return pairs


def hidden_lines(clean):
    """Lines no reader needs: includes, the header guard, and the fences
    that keep C out of the assembler."""
    hidden = {i for i, line in enumerate(clean) if BOILERPLATE.match(line)}
    for start, elses, end in conditionals(clean):
        cond = PP_IF.match(clean[start]).group(2)
        guard = re.match(r"^\s*#\s*ifndef\s+(\w+)\s*$", clean[start])
        if guard and start + 1 < len(clean) and \
           re.match(r"^\s*#\s*define\s+%s\s*$" % guard.group(1), clean[start + 1]):
            hidden |= {start, start + 1, end}
        elif "__ASSEMBLY__" in cond and not elses:
            hidden |= {start, end}
    return hidden


def nesting(src):
    """Per line boundary: brace (or assembler block) depth, preprocessor
    depth, and whether the line before ends with a backslash."""
    depth, pp, cont = [0], [0], [False]
    d = p = 0
    for i, line in enumerate(src.clean):
        if i not in src.hidden:
            if PP_IF.match(line):
                p += 1
            elif PP_ENDIF.match(line):
                p -= 1
        if src.asm:
            if ASM_OPEN.match(line):
                d += 1
            elif ASM_CLOSE.match(line):
                d -= 1
        elif not line.lstrip().startswith("#"):
            d += line.count("{") - line.count("}")
        depth.append(d)
        pp.append(p)
        cont.append(line.rstrip().endswith("\\"))
    return depth, pp, cont


# ---------------------------------------------------------------------------
# Sections: the tagged comments and the code after each.
# ---------------------------------------------------------------------------

def comment_body(line):
    """A comment line without its leading " * "."""
    line = line.rstrip("\n")
    stripped = line.lstrip()
    if stripped.startswith("*") and not stripped.startswith("*/"):
        return stripped[1:][1:] if stripped[1:2] == " " else stripped[1:]
    return stripped


def read_sections(src, problems):
    sections, sec = [], None
    lines, n = src.lines, len(src.lines)
    i = 0
    while i < n:
        m = OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        sec = Section(m.group(1), int(m.group(2)), src, i + 1)
        sections.append(sec)
        if src.depth[i] or src.cont[i]:
            problems.append(f"{src.path}:{i + 1}: {sec.tag} sits inside a construct: "
                            "move it above the function or declaration it explains")
        rest = m.group(3).strip()
        if rest:
            sec.text.append(rest)
        i += 1
        while i < n and not OPEN.match(lines[i]):
            if lines[i].strip() == ":*/":
                sec.ended = True
                i += 1
                break
            if "*/" in lines[i]:
                problems.append(f"{src.path}:{sec.line}: {sec.tag} ends with '*/', not ':*/'")
                sec.ended = True
                i += 1
                break
            sec.text.append(comment_body(lines[i]))
            i += 1
        if not sec.ended:
            problems.append(f"{src.path}:{sec.line}: {sec.tag} is never ended with ':*/'")
            continue
        start = i
        while i < n and not OPEN.match(lines[i]) and lines[i].strip() != END:
            i += 1
        take_code(src, sec, start, i, problems)
    return sections


def take_code(src, sec, start, end, problems):
    """The code of lines [start, end), if it is made of whole constructs."""
    sec.first, sec.last = start + 1, end
    if src.depth[end] != src.depth[start] or src.cont[end] or \
       src.pp[end] != src.pp[start] or min(src.pp[start:end + 1]) < src.pp[start]:
        problems.append(f"{src.path}:{end + 1}: {sec.tag} (from line {sec.line}) stops "
                        "in the middle of a construct: move the next tag, or end "
                        "the section with '/*:*/' after it")
    code = []
    for j in range(start, end):
        if j in src.hidden:
            continue
        text = src.lines[j].rstrip("\n")
        if not text.strip() and (not code or not code[-1][1].strip()):
            continue
        code.append((j + 1, text))
    while code and not code[-1][1].strip():
        code.pop()
    sec.code = elide(src, code)


def construct_ends(src, code):
    """Indexes into code after which a top-level construct ends: a blank
    line with nothing left open."""
    base = src.pp[code[0][0] - 1] if code else 0
    return [k for k, (n, text) in enumerate(code)
            if not text.strip() and src.depth[n] == 0 and not src.cont[n - 1]
            and src.pp[n] == base]


def elide(src, code):
    """Code longer than LONGEST lines, cut after the last whole construct
    that fits, with a line saying what is left out."""
    if len(code) <= LONGEST:
        return code
    cut = None
    for k in construct_ends(src, code):
        if k > LONGEST:
            break
        cut = k
    if cut is None:
        return code
    kept, rest = code[:cut], code[cut + 1:]
    names = []
    for n, text in rest:
        m = re.match(r"^[A-Za-z_].*?\b([A-Za-z_]\w*)\s*\(", src.clean[n - 1])
        if m and src.depth[n - 1] == 0 and not src.clean[n - 1].rstrip().endswith(";"):
            names.append(m.group(1) + "()")
    what = ": " + ", ".join(names) if names else ""
    return kept + [(None, f"[... {len(rest)} more lines{what} "
                          f"({src.path}:{rest[0][0]}-{rest[-1][0]}) ...]")]


# ---------------------------------------------------------------------------
# The project's own names, and where they are defined.
# ---------------------------------------------------------------------------

def c_tokens(src):
    """(token, line) for the C code of a file, preprocessor lines apart;
    and the #define'd names."""
    toks, macros = [], []
    directive = False
    for i, line in enumerate(src.clean):
        if directive or line.lstrip().startswith("#"):
            m = re.match(r"^\s*#\s*define\s+(\w+)", line)
            if m and not directive:
                macros.append((m.group(1), i + 1))
            directive = line.rstrip().endswith("\\")
            continue
        for m in re.finditer(r"[A-Za-z_]\w*|->|[^\s\w]|\d\w*", line):
            toks.append((m.group(), i + 1))
    return toks, macros


def skip_group(toks, i):
    """The index just after the bracketed group that opens at toks[i]."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    close, depth = pairs[toks[i][0]], 0
    opening = toks[i][0]
    while i < len(toks):
        t = toks[i][0]
        if t == opening:
            depth += 1
        elif t == close:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


def split_top(toks, sep):
    """Split tokens at sep where no bracket is open."""
    parts, cur, depth = [], [], 0
    for t in toks:
        if t[0] in "([{":
            depth += 1
        elif t[0] in ")]}":
            depth -= 1
        if t[0] == sep and depth == 0:
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    parts.append(cur)
    return [p for p in parts if p]


def is_name(t):
    return re.match(r"[A-Za-z_]\w*$", t) is not None and t not in C_KEYWORDS


def declarator_name(toks):
    """The name a declarator declares: "(*name)" for a pointer to a
    function, else the last name before any "[", ":" or "=", leaving out
    attributes (__aligned(8), __user and their like)."""
    for k in range(len(toks) - 2):
        if toks[k][0] == "(" and toks[k + 1][0] == "*" and is_name(toks[k + 2][0]):
            return toks[k + 2]
    m = re.match(r"(DECLARE|DEFINE)_\w+$", toks[0][0]) if toks else None
    if m and len(toks) > 2 and toks[1][0] == "(":
        args = split_top(toks[2:skip_group(toks, 1) - 1], ",")
        pick = args[0] if m.group(1) == "DECLARE" else args[-1]
        return pick[-1] if pick and is_name(pick[-1][0]) else None
    name, k = None, 0
    while k < len(toks):
        t = toks[k][0]
        if t in "[:=":
            break
        if t in "({":
            k = skip_group(toks, k)
            continue
        if is_name(t) and not t.startswith("__"):
            name = toks[k]
        k += 1
    return name


def declared_type(toks):
    """The struct a declaration's type names, if it names one."""
    for k in range(len(toks) - 1):
        if toks[k][0] in ("struct", "union") and is_name(toks[k + 1][0]):
            return toks[k + 1][0]
    return None


def c_definitions(src):
    toks, macros = c_tokens(src)
    defs = [Definition(name, "macro", ORD, src.path, line, src.scope)
            for name, line in macros]

    def add(tok, kind, ns, typ=None, owner=None):
        if tok and is_name(tok[0]):
            d = Definition(tok[0], kind, ns, src.path, tok[1], src.scope)
            d.type, d.owner = typ, owner
            defs.append(d)

    def anonymous(tok):
        return f"{src.path}:{tok[1]}"

    def members(body, kind, owner):
        """Fields of a struct or union body, enumerators of an enum's.
        The fields of a nested struct belong to the outer one too (C lets
        an anonymous one's be used so; for a named one it is near enough)."""
        if kind == "enum":
            for item in split_top(body, ","):
                add(item[0], "enumerator", ORD)
            return
        i = 0
        while i < len(body):
            j, decl, inner = i, [], None
            while j < len(body) and body[j][0] != ";":
                if body[j][0] == "{":
                    end = skip_group(body, j)
                    inner = anonymous(body[j])
                    members(body[j + 1:end - 1], "struct", owner)
                    members(body[j + 1:end - 1], "struct", inner)
                    j = end
                    continue
                decl.append(body[j])
                j += 1
            typ = inner or declared_type(decl)
            for d in split_top(decl, ","):
                add(declarator_name(d), "field", FIELD, typ, owner)
            i = j + 1

    i = 0
    while i < len(toks):
        j, head = i, []
        while j < len(toks) and toks[j][0] not in ";{":
            if toks[j][0] in "([":
                end = skip_group(toks, j)
                head += toks[j:end]
                j = end
                continue
            head.append(toks[j])
            j += 1
        if j >= len(toks):
            break
        words = [t[0] for t in head]
        if toks[j][0] == ";":
            i = j + 1
            declaration(head, words, add)
            continue
        end = skip_group(toks, j)
        kinds = ("struct", "union", "enum")
        if words and words[-1] in kinds or len(words) >= 2 and words[-2] in kinds:
            named = words[-1] not in kinds
            kind = words[-2] if named else words[-1]
            typ = head[-1][0] if named else anonymous(toks[j])
            if named:
                add(head[-1], kind, TAG)
            members(toks[j + 1:end - 1], kind, typ)
            k = end
            while k < len(toks) and toks[k][0] != ";":
                k += 1
            tail = toks[end:k]
            if words[0] == "typedef" and tail:
                add(declarator_name(tail), "typedef", ORD)
            else:
                for d in split_top(tail, ","):
                    if any(is_name(t[0]) and not t[0].startswith("__") for t in d):
                        add(declarator_name(d), "variable", ORD, typ)
            i = k + 1
        elif "=" in words:
            add(declarator_name(head[:words.index("=")]), "variable", ORD,
                declared_type(head))
            k = end
            while k < len(toks) and toks[k][0] != ";":
                k += 1
            i = k + 1
        else:
            if words and words[-1] == ")":
                add(function_name(head), "function", ORD)
            i = end
    return defs


def declaration(head, words, add):
    """A file-level declaration that ends in ";": variables, a typedef,
    or nothing new (a prototype, an extern, a macro's use)."""
    if not words or "extern" in words:
        return
    if words[0] == "typedef":
        add(declarator_name(head[1:]), "typedef", ORD)
        return
    if len(words) == 2 and words[0] in ("struct", "union", "enum"):
        return
    maker = [k for k, w in enumerate(words[:2]) if re.match(r"(DECLARE|DEFINE)_\w+$", w)]
    if maker:
        add(declarator_name(head[maker[0]:]), "variable", ORD)
        return
    if "(" in words:
        k = words.index("(")
        if "=" not in words[:k] and not (k + 1 < len(words) and words[k + 1] == "*"):
            return
    for d in split_top(head, ","):
        add(declarator_name(d), "variable", ORD, declared_type(head))


def function_name(head):
    """The name in "type name(args) attributes": the name before the first
    parenthesis that is not an attribute's."""
    for k, t in enumerate(head):
        if t[0] == "(" and k and is_name(head[k - 1][0]) and \
           head[k - 1][0] not in ("__attribute__", "__aligned", "__printf", "__section"):
            return head[k - 1]
    return None


ASM_DEFS = [
    (re.compile(r"^\s*SYM_\w*_START\w*\(\s*(\w+)"), "label"),
    (re.compile(r"^\s*SYM_INNER_LABEL\w*\(\s*(\w+)"), "label"),
    (re.compile(r"^([A-Za-z_]\w*):"), "label"),
    (re.compile(r"^\s*\.macro\s+(\w+)"), "macro"),
    (re.compile(r"^\s*#\s*define\s+(\w+)"), "macro"),
]


def asm_definitions(src):
    defs = []
    for i, line in enumerate(src.clean):
        for rx, kind in ASM_DEFS:
            m = rx.match(line)
            if m:
                defs.append(Definition(m.group(1), kind, ORD, src.path, i + 1, src.scope))
                break
    return defs


PATCH_DEFS = re.compile(r"^\+\s*(?:#\s*define\s+(\w+)|(?:OFFSET|DEFINE|DEFINE_ASM_FUNC)\((\w+),)")


def patch_definitions(tree):
    """Names the patches add to the kernel: the tour shows none of their
    code, so prose has to introduce them."""
    defs = []
    for path in sorted(glob.glob(os.path.join(tree, PATCHES))):
        rel = os.path.relpath(path, tree)
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                m = PATCH_DEFS.match(line)
                if m:
                    defs.append(Definition(m.group(1) or m.group(2), "macro", ORD,
                                           rel, n, "kernel"))
    return defs


# ---------------------------------------------------------------------------
# Names in use: in code, by C's namespaces; in prose, what looks like code.
# ---------------------------------------------------------------------------

UNKNOWN, OUTSIDE = "unknown", "outside"
CHAIN = re.compile(r"([A-Za-z_]\w*)((?:\s*(?:->|\.)\s*[A-Za-z_]\w*)*)\s*(?:->|\.)\s*$")


def access_path(before):
    """The names of the access path that ends just before a field:
    "cpu->lg->" gives ["cpu", "lg"]; [] when it starts with something
    other than a name (a call, a cast); None for a designator ".f =" in
    an initializer."""
    while True:
        shorter = re.sub(r"\[[^\[\]]*\]", "", before)
        if shorter == before:
            break
        before = shorter
    head = before.rstrip()
    if head.endswith(".") and not head.endswith("->") and \
       re.search(r"(^|[{,(])\s*\.$", head):
        return None
    m = CHAIN.search(before)
    if not m or before[:m.start()].rstrip().endswith(("->", ".", ")")):
        return []
    return [m.group(1)] + re.findall(r"[A-Za-z_]\w*", m.group(2))


def code_names(line, asm):
    """(start, end, name, namespaces, path) for each name in a blanked
    code line; path is the access path before a field (access_path())."""
    m = re.match(r"^\s*#\s*(include|if|ifdef|ifndef|endif|else|elif|undef)\b", line)
    directive = m.end() if m else 0
    for m in IDENT.finditer(line):
        if m.start() < directive:
            continue
        before = line[:m.start()]
        tail = before.rstrip()
        if asm:
            if tail.endswith("%") or tail.endswith(".") and not tail[:-1].strip():
                continue
            yield m.start(), m.end(), m.group(), (ORD,), None
        elif tail.endswith("->") or tail.endswith(".") and not tail.endswith(".."):
            yield m.start(), m.end(), m.group(), (FIELD,), access_path(before)
        elif re.search(r"\b(struct|union|enum)$", tail):
            yield m.start(), m.end(), m.group(), (TAG,), None
        elif m.group() not in C_KEYWORDS:
            yield m.start(), m.end(), m.group(), (ORD,), None


def prose_names(text):
    """(start, end, name, namespaces, path) for what looks like code in prose."""
    for m in IDENT.finditer(text):
        name, before, after = m.group(), text[:m.start()], text[m.end():]
        if re.match(r"\.[chSo]\b|\.ko\b|\.py\b|/", after) or before.endswith("/"):
            continue
        if re.match(r"\s*\(\)", after):
            yield m.start(), m.end(), name, (ORD,), None
        elif re.search(r"\b(struct|union|enum)\s+$", before):
            yield m.start(), m.end(), name, (TAG,), None
        elif re.search(r"(->|\w\.)$", before):
            yield m.start(), m.end(), name, (FIELD,), access_path(before) or []
        elif "_" in name or re.search(r"\d", name) or re.search(r"[A-Z]", name[1:]):
            yield m.start(), m.end(), name, ANY_NS, None


LOCAL_STRUCT = re.compile(r"\b(?:struct|union)\s+(\w+)((?:\s|\*|\bconst\b|\b__user\b|\b__iomem\b)*)"
                          r"([A-Za-z_]\w*)\s*(?=[,;=)\[])")
LOCAL_OTHER = re.compile(r"\b([A-Za-z_]\w*)\s+((?:\*\s*)*)([A-Za-z_]\w*)\s*(?=[,;=)\[])")
STATEMENTS = frozenset("return else case goto sizeof do struct union enum typeof "
                       "const static volatile extern".split())


def local_types(section):
    """[(line, variable, struct or OUTSIDE)] for what a section's code
    declares: parameters and locals."""
    src, found = section.source, []
    for n, _ in section.code:
        if n is None or src.asm:
            continue
        line = src.clean[n - 1]
        taken = set()
        for m in LOCAL_STRUCT.finditer(line):
            found.append((n, m.group(3), m.group(1)))
            taken.add(m.group(3))
        for m in LOCAL_OTHER.finditer(line):
            if m.group(1) not in STATEMENTS and m.group(3) not in taken and \
               m.group(3) not in C_KEYWORDS:
                found.append((n, m.group(3), OUTSIDE))
    return found


class Names:
    """The project's definitions, and where the tour introduces each."""

    def __init__(self, defs, sections):
        self.by_name = {}
        self.fields = {}
        self.structs = {}
        for d in defs:
            self.by_name.setdefault(d.name, []).append(d)
            if d.kind == "field":
                self.fields.setdefault(d.owner, {}).setdefault(d.name, d)
            if d.ns == TAG:
                self.structs.setdefault(d.name, set()).add(d.scope)
        self.locals = {s: local_types(s) for s in sections}
        self.prose_first = {}
        for s in sections:
            for text in prose_of(s):
                for _, _, name, nss, _ in prose_names(text):
                    self.prose_first.setdefault((name, s.source.scope), s)

    def struct(self, tag, scope):
        """A struct as the project knows it, or OUTSIDE if it is not ours."""
        if tag is None:
            return OUTSIDE
        if ":" in tag or any(sc in visible(scope) for sc in self.structs.get(tag, ())):
            return tag
        return OUTSIDE

    def variable_type(self, name, section, line, prose):
        found = [(n, t) for n, v, t in self.locals[section] if v == name]
        if found:
            before = [(n, t) for n, t in found if line is None or n <= line]
            t = (before or found)[-1][1]
            return OUTSIDE if t == OUTSIDE else self.struct(t, section.source.scope)
        defs = [d for d in self.by_name.get(name, ())
                if d.kind == "variable" and d.scope in visible(section.source.scope)]
        if defs:
            return self.struct(defs[0].type, section.source.scope)
        return UNKNOWN if prose else OUTSIDE

    def designated_type(self, section, line):
        """The struct an initializer ".f = x" on this line fills in."""
        src = section.source
        for n in sorted((n for n, _ in section.code if n and n <= line), reverse=True):
            m = re.search(r"([A-Za-z_]\w*)\s*(\[\w*\])?\s*=\s*\{", src.clean[n - 1])
            if m:
                t = re.search(r"\b(?:struct|union)\s+(\w+)[\s*]*" + m.group(1) + r"\b",
                              src.clean[n - 1])
                if t:
                    return self.struct(t.group(1), src.scope)
                return self.variable_type(m.group(1), section, n, False)
        return UNKNOWN

    def field(self, name, path, section, line, prose):
        """The definition a field access names: [it], [] if the struct is
        not the project's, None if we cannot tell."""
        if path is None:
            t = self.designated_type(section, line)
        elif not path:
            return None
        else:
            t = self.variable_type(path[0], section, line, prose)
            for f in path[1:]:
                if t in (UNKNOWN, OUTSIDE):
                    break
                d = self.fields.get(t, {}).get(f)
                t = self.struct(d.type, section.source.scope) if d else UNKNOWN
        if t == OUTSIDE:
            return []
        if t == UNKNOWN:
            return None
        d = self.fields.get(t, {}).get(name)
        return [d] if d else None

    def candidates(self, name, nss, section, prose, path=None, line=None):
        scope = section.source.scope
        if nss == (FIELD,):
            exact = self.field(name, path, section, line, prose)
            if exact is not None:
                return exact
        defs = self.by_name.get(name, ())
        mine = [d for d in defs if d.ns in nss and d.scope in visible(scope)]
        if mine or not prose or nss == (TAG,) or not re.search(r"[_A-Z0-9]", name):
            return mine
        return [d for d in defs if d.ns in nss]

    def introduction(self, defs, name):
        """The section that introduces a name with these definitions."""
        shown = [d.section for d in defs if d.section]
        if shown:
            return min(shown, key=lambda s: s.order)
        firsts = [self.prose_first.get((name, sc)) for sc in ("kernel", "launcher", "shared")]
        firsts = [s for s in firsts if s]
        return min(firsts, key=lambda s: s.order) if firsts else None


def uses(section):
    """(name, namespaces, prose?, path, line) for every name a section uses."""
    for para in section.paragraphs():
        for _, _, name, nss, path in prose_names(para):
            yield name, nss, True, path, None
    src = section.source
    for n, _ in section.code:
        if n is None:
            continue
        for _, _, name, nss, path in code_names(src.clean[n - 1], src.asm):
            yield name, nss, False, path, n
        for a, b in src.comments[n - 1]:
            for _, _, name, nss, path in prose_names(src.lines[n - 1][a:b]):
                yield name, nss, True, path, n


def prose_of(section):
    """Everything a section says in words: its tagged comment, and the
    comments in the code it shows."""
    src = section.source
    comments = [src.lines[n - 1][a:b] for n, _ in section.code if n
                for a, b in src.comments[n - 1]]
    return section.paragraphs() + comments


def forward_references(sections, names):
    problems = []
    by_tag = {s.tag: s for s in sections}
    for s in sections:
        for para in s.paragraphs():
            for m in TAG_REF.finditer(para):
                if m.group() not in by_tag:
                    problems.append(f"{s.tag} ({s.path}:{s.line}): points to "
                                    f"{m.group()}, which does not exist")
        seen = set()
        pointers = {m.group() for text in prose_of(s) for m in TAG_REF.finditer(text)}
        for name, nss, prose, path, line in uses(s):
            defs = names.candidates(name, nss, s, prose, path, line)
            if not defs or name in seen:
                continue
            seen.add(name)
            intro = names.introduction(defs, name)
            if intro is None:
                problems.append(f"{s.tag} ({s.path}:{s.line}): {name} is used, but no "
                                f"section shows its definition ({defs[0].where()}) "
                                "and none names it in prose first")
            elif intro.order > s.order and intro.tag not in pointers:
                problems.append(f"{s.tag} ({s.path}:{s.line}): {name} is used before "
                                f"{intro.tag} introduces it ({intro.path}:{intro.line}): "
                                f"reorder, or point to {intro.tag} in the prose "
                                f"(\"{name}, which we meet in {intro.tag}\")")
    return problems


def unshown_functions(sections, names):
    """Functions the prose names whose definition the tour never shows."""
    problems, seen = [], set()
    for s in sections:
        for para in s.paragraphs():
            for _, _, name, nss, path in prose_names(para):
                defs = names.candidates(name, nss, s, True, path)
                funcs = [d for d in defs if d.kind == "function"]
                if funcs and not any(d.section for d in defs) and name not in seen:
                    seen.add(name)
                    problems.append(f"{s.tag} ({s.path}:{s.line}): names {name}(), "
                                    f"but no section shows it ({funcs[0].where()})")
    return problems


# ---------------------------------------------------------------------------
# The whole tour.
# ---------------------------------------------------------------------------

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


class Tour:
    def __init__(self, tree):
        self.problems = []
        self.sources = []
        self.sections = []
        defs = []
        for path in lguest_files(tree):
            with open(os.path.join(tree, path), encoding="utf-8") as f:
                src = Source(path, f.read().split("\n"))
            self.sources.append(src)
            found = read_sections(src, self.problems)
            if not found:
                self.problems.append(f"{path}: has no tagged comment: every lguest "
                                     "file is part of the journey")
            self.sections += found
            defs += [d for d in (asm_definitions(src) if src.asm else c_definitions(src))
                     if d.line - 1 not in src.hidden]
        defs += patch_definitions(tree)
        self.check_tags()
        order = {letter: k for k, (letter, _) in enumerate(PARTS)}
        self.sections.sort(key=lambda s: (order[s.part], s.key()))
        for k, s in enumerate(self.sections):
            s.order = k
        self.place(defs)
        self.names = Names(defs, self.sections)

    def check_tags(self):
        seen = {}
        for s in self.sections:
            if s.tag in seen:
                self.problems.append(f"{s.path}:{s.line}: {s.tag} is used twice "
                                     f"(also {seen[s.tag]})")
            seen[s.tag] = f"{s.path}:{s.line}"
            if not s.ended:
                continue
            if s.part == "M" and s.has_code():
                self.problems.append(f"{s.path}:{s.line}: {s.tag} is an exercise, but "
                                     "shows code: put it at the end of its file")
            elif s.part != "M" and not s.has_code():
                self.problems.append(f"{s.path}:{s.line}: {s.tag} has no code beside it")
        for letter, title in PARTS:
            if not any(s.part == letter for s in self.sections):
                self.problems.append(f"part {letter} ({title}) has no sections")

    def place(self, defs):
        """Which section shows each definition."""
        shown = {}
        for s in self.sections:
            for n in s.shown():
                shown[(s.path, n)] = s
        for d in defs:
            d.section = shown.get((d.path, d.line))

    def check(self):
        return (self.problems + forward_references(self.sections, self.names)
                + unshown_functions(self.sections, self.names))

    def parts(self, letters):
        for letter, title in PARTS:
            if letter in letters:
                yield letter, title, [s for s in self.sections if s.part == letter]

    def link(self, section, name, nss, prose, path=None, line=None):
        defs = self.names.candidates(name, nss, section, prose, path, line)
        return self.names.introduction(defs, name) if defs else None

    def stats(self):
        code = sum(1 for s in self.sections for n, _ in s.code if n)
        prose = sum(len([t for t in s.text if t.strip()]) for s in self.sections)
        counts = ", ".join(f"{l}:{sum(s.part == l for s in self.sections)}"
                           for l, _ in PARTS)
        return f"{len(self.sections)} sections ({counts}); {prose} lines of prose, {code} of code"


# ---------------------------------------------------------------------------
# Output: text, and one HTML page with the prose beside its code.
# ---------------------------------------------------------------------------

def write_text(out, tour, letters):
    for letter, title, part in tour.parts(letters):
        out.write(f"\n{'=' * 72}\n{letter}: {title}\n{'=' * 72}\n")
        for s in part:
            out.write(f"\n[{s.tag}] {s.path}:{s.line}\n\n")
            out.write("\n".join(s.text).strip("\n") + "\n")
            if s.code:
                out.write("\n" + "\n".join("    " + t for _, t in s.code) + "\n")


STYLE = """
body{margin:0;font-family:Georgia,'DejaVu Serif',serif;color:#252519;
 background:#fff;line-height:1.5}
a{color:#261a3b}a.name{text-decoration:none;border-bottom:1px dotted #99a}
a.name:hover{background:#ffc}
header{padding:1.5em 2em;max-width:70em}.part-head{padding:1em 2em}
h1{font-size:2em;margin:.3em 0}h2{font-size:1.5em;margin:.2em 0}
nav ol{padding-left:1.2em}nav li{margin:.6em 0}nav .opener{color:#555;font-size:.92em}
nav .tags{font-family:monospace;font-size:.8em}
.part-head{border-top:3px solid #888;margin-top:2em;background:#f5f5ff}
.section{display:flex;align-items:stretch;border-bottom:1px solid #e5e5ee}
.prose{flex:0 0 34%;box-sizing:border-box;padding:.8em 1.6em;font-size:.95em;
 overflow-wrap:break-word}
.prose pre{white-space:pre-wrap;background:#f4f4f0;padding:.3em}
.prose code{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:.85em}
.code{flex:1 1 66%;min-width:0;box-sizing:border-box;background:#f5f5ff;
 border-left:1px solid #e5e5ee;padding:.8em 1em;overflow-x:auto}
.code pre{margin:0;font-size:12px;line-height:1.4;tab-size:8;-moz-tab-size:8}
.code .elided{color:#888;font-style:italic}
.exercise .prose{flex:1 1 auto;max-width:52em}.exercise .code{display:none}
.tag{font-family:monospace;font-weight:bold}
.where{font-family:monospace;color:#777;font-size:.8em}
@media (max-width:900px){.section{display:block}.code{border-left:0}}
"""


def highlighter(src):
    from pygments.lexers import CLexer, GasLexer
    return GasLexer() if src.asm else CLexer()


def name_link(tour, section, text, name, nss, prose, path=None, line=None):
    """A name as HTML: a link to the section that introduces it, in a
    typewriter face when it stands in prose."""
    target = tour.link(section, name, nss, prose, path, line)
    if not target:
        return html.escape(text)
    shown = html.escape(text)
    if prose and line is None:
        shown = f"<code>{shown}</code>"
    return (f'<a class="name" href="#{tag_id(target.tag)}" title="{target.tag}: '
            f'{html.escape(target.path)}:{target.line}">{shown}</a>')


def prose_html(tour, section, text):
    """Escape prose, linking names and pointers to other sections."""
    spans = [(a, b, name_link(tour, section, text[a:b], n, nss, True, path))
             for a, b, n, nss, path in prose_names(text)]
    spans += [(m.start(), m.end(), f'<a href="#{tag_id(m.group())}">{m.group()}</a>')
              for m in TAG_REF.finditer(text)]
    spans.sort()
    out, at = [], 0
    for a, b, h in spans:
        if a < at:
            continue
        out.append(html.escape(text[at:a]) + h)
        at = b
    return "".join(out) + html.escape(text[at:])


def paragraphs_html(tour, section):
    out = []
    for para in section.paragraphs():
        lines = para.split("\n")
        if all(l.startswith(("\t", "    ")) or not l.strip() for l in lines):
            out.append("<pre>" + prose_html(tour, section, "\n".join(
                l.strip() for l in lines)) + "</pre>")
        else:
            out.append("<p>" + prose_html(tour, section, " ".join(lines)) + "</p>")
    return "\n".join(out)


def code_links(tour, section, n):
    """Links for the names on file line n: {(start, end): html}."""
    src = section.source
    text = src.lines[n - 1]
    links = {}
    for a, b, name, nss, path in code_names(src.clean[n - 1], src.asm):
        links[a] = (b, name_link(tour, section, text[a:b], name, nss, False, path, n))
    for ca, cb in src.comments[n - 1]:
        for a, b, name, nss, path in prose_names(text[ca:cb]):
            links[ca + a] = (ca + b, name_link(tour, section, text[ca + a:ca + b],
                                               name, nss, True, path, n))
    return links


def code_html(tour, section):
    from pygments.token import STANDARD_TYPES, Token
    shown = [(n, t) for n, t in section.code if n is not None]
    elided = [t for n, t in section.code if n is None]
    text = "\n".join(t for _, t in shown) + "\n"
    out, row, col = [], 0, 0
    links = code_links(tour, section, shown[0][0]) if shown else {}
    for ttype, value in highlighter(section.source).get_tokens(text):
        while ttype not in STANDARD_TYPES:
            ttype = ttype.parent
        css = STANDARD_TYPES.get(ttype, "")
        for piece in re.split(r"(\n)", value):
            if piece == "\n":
                out.append("\n")
                row, col = row + 1, 0
                links = code_links(tour, section, shown[row][0]) if row < len(shown) else {}
                continue
            if not piece:
                continue
            out.append(f'<span class="{css}">' if css else "")
            k = 0
            while k < len(piece):
                hit = links.get(col + k)
                if hit and hit[0] - col <= len(piece) and ttype not in Token.Literal.String:
                    out.append(hit[1])
                    k = hit[0] - col
                    continue
                nxt = min([a - col for a in links if k < a - col < len(piece)] + [len(piece)])
                out.append(html.escape(piece[k:nxt]))
                k = nxt
            out.append("</span>" if css else "")
            col += len(piece)
    body = "".join(out).rstrip("\n")
    for note in elided:
        body += f'\n<span class="elided">{html.escape(note)}</span>'
    return f"<pre>{body}</pre>"


def first_sentence(section):
    paras = section.paragraphs()
    if not paras:
        return ""
    text = " ".join(paras[0].split())
    m = re.search(r"(.+?[.!?])(\s|$)", text)
    return m.group(1) if m else text


def write_html(out, tour, letters):
    from pygments.formatters import HtmlFormatter
    parts = list(tour.parts(letters))
    out.write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
              "<title>The lguest journey</title><style>" + STYLE +
              HtmlFormatter(style="friendly").get_style_defs(".code pre") +
              ".code pre{background:transparent}</style></head><body>\n<header><h1>The lguest journey</h1>\n"
              "<p>lguest's source, read in order: each section's prose on the "
              "left, the code it explains on the right.  Every name the project "
              "defines links to the section that introduces it.</p>\n"
              "<nav><h2>Contents</h2><ol>\n")
    for letter, title, part in parts:
        if not part:
            continue
        opener = part[0]
        out.write(f'<li><a href="#part-{letter}"><b>{letter}: {html.escape(title)}</b></a>'
                  f' ({len(part)} sections)<div class="opener">'
                  f'<a href="#{tag_id(opener.tag)}">{opener.tag}</a> '
                  f'{html.escape(first_sentence(opener))}</div><div class="tags">'
                  + " ".join(f'<a href="#{tag_id(s.tag)}" title="{html.escape(first_sentence(s))}">'
                             f'{s.tag}</a>' for s in part) + "</div></li>\n")
    out.write("</ol></nav></header>\n")
    for letter, title, part in parts:
        out.write(f'<section id="part-{letter}"><div class="part-head">'
                  f"<h2>{letter}: {html.escape(title)}</h2></div>\n")
        for s in part:
            kind = "section" if s.has_code() else "section exercise"
            out.write(f'<div class="{kind}" id="{tag_id(s.tag)}"><div class="prose">'
                      f'<p><a class="tag" href="#{tag_id(s.tag)}">{s.tag}</a> '
                      f'<span class="where">{html.escape(s.path)}:{s.line}</span></p>\n'
                      + paragraphs_html(tour, s) + '</div><div class="code">'
                      + (code_html(tour, s) if s.code else "") + "</div></div>\n")
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
                    help="only report problems: tags, cut constructs, forward references")
    args = ap.parse_args()

    tour = Tour(args.tree)
    if args.check:
        problems = tour.check()
        for p in problems:
            print(p)
        print(f"{tour.stats()}, {len(problems)} problems", file=sys.stderr)
        return 1 if problems else 0
    for p in tour.problems:
        print(f"journey: {p}", file=sys.stderr)
    letters = args.part.upper()
    if args.html:
        with open(args.html, "w", encoding="utf-8") as f:
            write_html(f, tour, letters)
    if args.text:
        with open(args.text, "w", encoding="utf-8") as f:
            write_text(f, tour, letters)
    if not args.html and not args.text:
        write_text(sys.stdout, tour, letters)
    return 0


if __name__ == "__main__":
    sys.exit(main())
