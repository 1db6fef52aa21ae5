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
that length and then says, in a "[...]" line, what it left out.  Every
section has code, except Mastery's: those are exercises.

With --check it prints nothing but the problems, one a line, and fails
if there are any: a number used twice, a part with no sections, a source
file with none, a section never ended, a section with no code (or an
exercise with some), a section cut in the middle of a construct, a
pointer to a section that does not exist, a function the prose names
but no section shows, and forward references.

A forward reference is a name the project defines (a function, macro,
variable, type, struct, field, enumerator or assembler label, from the
lguest files or from the patches) that a section uses, in its prose or
its code, before the section that introduces it.  A name is introduced
by the first section whose code holds its definition; a name whose
definition the tour never shows (the patches' names, say) is introduced
by the first section that names it in prose.  A section may use a name
early if its prose (its tagged comment, or a comment in its code) points
to the section that introduces it by tag: "we meet interrupt_pending()
in H:230".  In prose, only what looks like code counts as a name: a word
with an underscore, a digit or a capital inside it, a word followed by
"()", and the word after "struct", "union", "enum", "." or "->".  A
field is looked up in the struct its variable is declared with, where
the section shows the declaration.  The Launcher is a program of its
own: its code sees only its own names and the user API header's, and
the kernel's code never sees the Launcher's.
"""
import argparse
import glob
import html
import importlib.util
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
EXERCISES = "M"
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

# C's namespaces: ordinary names, struct members, and struct tags.
ORD, FIELD, TAG = "ordinary", "field", "tag"
ANY_NS = (ORD, FIELD, TAG)


def scope_of(path):
    """Whose names a file's code sees: the Launcher's, the kernel's, or
    (the user API header) only its own."""
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
        self.code = []          # (line number, text), or (None, "[...]")
        self.ended = False
        self.order = 0

    @property
    def path(self):
        return self.source.path

    @property
    def tag(self):
        return f"{self.part}:{self.number:03d}"

    def where(self):
        return f"{self.tag} ({self.path}:{self.line})"

    def key(self):
        return (self.number, self.path, self.line)

    def has_code(self):
        """Is there more than comments in the code it shows?"""
        return any(self.source.clean[n - 1].strip() for n, _ in self.code if n)

    def shown(self):
        return {n for n, _ in self.code if n is not None}

    def paragraphs(self):
        return [p for p in "\n".join(self.text).strip().split("\n\n") if p.strip()]

    def prose(self):
        """Everything the section says in words: its tagged comment, and
        the comments in the code it shows."""
        src = self.source
        return self.paragraphs() + [src.lines[n - 1][a:b] for n, _ in self.code if n
                                    for a, b in src.comments[n - 1]]


# ---------------------------------------------------------------------------
# Reading a source file: comments and strings apart from code, and how
# deep in braces (or assembler blocks) and conditionals each line is.
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


def blank_comments_and_strings(lines):
    """Each line with its comments and literals blanked out, and where
    its comments are: a list of (start, end) columns per line."""
    clean, spans = [], []
    in_comment = False
    for line in lines:
        out, where, i, n = [], [], 0, len(line)
        start = 0
        while i < n:
            if in_comment:
                end = line.find("*/", i)
                if end < 0:
                    out.append(" " * (n - i))
                    break
                out.append(" " * (end + 2 - i))
                where.append((start, end + 2))
                in_comment, i = False, end + 2
            elif line.startswith("/*", i):
                in_comment, start = True, i
                out.append("  ")
                i += 2
            elif line.startswith("//", i):
                where.append((i, n))
                out.append(" " * (n - i))
                break
            elif line[i] in "\"'":
                j, quote = i + 1, line[i]
                while j < n and line[j] != quote:
                    j += 2 if line[j] == "\\" else 1
                j = min(j + 1, n)
                out.append(quote + " " * (j - i - 2) + (quote if j - i >= 2 else ""))
                i = j
            else:
                out.append(line[i])
                i += 1
        if in_comment:
            where.append((start, n))
        clean.append("".join(out)[:n])
        spans.append(where)
    return clean, spans


def conditionals(clean):
    """(#if line, [#else lines], #endif line) for each conditional."""
    stack, found = [], []
    for i, line in enumerate(clean):
        if PP_IF.match(line):
            stack.append((i, []))
        elif PP_ELSE.match(line) and stack:
            stack[-1][1].append(i)
        elif PP_ENDIF.match(line) and stack:
            start, elses = stack.pop()
            found.append((start, elses, i))
    return found


def hidden_lines(clean):
    """Lines no reader needs: includes, the header guard, and the fences
    that keep C out of the assembler."""
    hidden = {i for i, line in enumerate(clean) if BOILERPLATE.match(line)}
    for start, elses, end in conditionals(clean):
        guard = re.match(r"^\s*#\s*ifndef\s+(\w+)\s*$", clean[start])
        if guard and start + 1 < len(clean) and \
           re.match(r"^\s*#\s*define\s+%s\s*$" % guard.group(1), clean[start + 1]):
            hidden |= {start, start + 1, end}
        elif "__ASSEMBLY__" in PP_IF.match(clean[start]).group(2) and not elses:
            hidden |= {start, end}
    return hidden


def nesting(src):
    """For each line boundary: the brace (or assembler block) depth, the
    depth in conditionals, and whether the line before it goes on."""
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
    stripped = line.strip()
    if stripped.startswith("*") and not stripped.startswith("*/"):
        return stripped[2:] if stripped[1:2] == " " else stripped[1:]
    return stripped


def read_sections(src, problems):
    sections = []
    lines, n, i = src.lines, len(src.lines), 0
    while i < n:
        m = OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        sec = Section(m.group(1), int(m.group(2)), src, i + 1)
        sections.append(sec)
        if src.depth[i] or src.cont[i]:
            problems.append(f"{src.path}:{i + 1}: {sec.tag} sits inside a construct: move "
                            "it above the function or declaration it explains")
        if m.group(3).strip():
            sec.text.append(m.group(3).strip())
        i += 1
        while i < n and not OPEN.match(lines[i]):
            i += 1
            if lines[i - 1].strip() == ":*/":
                sec.ended = True
                break
            if "*/" in lines[i - 1]:
                problems.append(f"{src.path}:{sec.line}: {sec.tag} ends with '*/', not ':*/'")
                sec.ended = True
                break
            sec.text.append(comment_body(lines[i - 1]))
        if not sec.ended:
            problems.append(f"{src.path}:{sec.line}: {sec.tag} is never ended with ':*/'")
            continue
        start = i
        while i < n and not OPEN.match(lines[i]) and lines[i].strip() != END:
            i += 1
        take_code(src, sec, start, i, problems)
    return sections


def take_code(src, sec, start, end, problems):
    """The code of lines [start, end), which must be whole constructs."""
    if src.depth[end] != src.depth[start] or src.cont[end] or \
       src.pp[end] != src.pp[start] or min(src.pp[start:end + 1]) < src.pp[start]:
        problems.append(f"{src.path}:{end + 1}: {sec.tag} (from line {sec.line}) stops in "
                        "the middle of a construct: move the next tag, or end the "
                        "section with '/*:*/' after the construct")
    code = []
    for j in range(start, end):
        text = src.lines[j]
        if j in src.hidden or not text.strip() and (not code or not code[-1][1].strip()):
            continue
        code.append((j + 1, text))
    while code and not code[-1][1].strip():
        code.pop()
    sec.code = elide(src, code)


def elide(src, code):
    """Code longer than LONGEST lines, cut after the last whole construct
    that fits (a blank line with nothing open), and a line saying what
    is left out."""
    if len(code) <= LONGEST:
        return code
    base = src.pp[code[0][0] - 1]
    ends = [k for k, (n, text) in enumerate(code[:LONGEST + 1])
            if not text.strip() and src.depth[n] == 0 and not src.cont[n - 1]
            and src.pp[n] == base]
    if not ends:
        return code
    kept, rest = code[:ends[-1]], code[ends[-1] + 1:]
    names = []
    for n, _ in rest:
        line = src.clean[n - 1]
        m = re.match(r"^[A-Za-z_].*?\b([A-Za-z_]\w*)\s*\(", line)
        if m and src.depth[n - 1] == 0 and not line.rstrip().endswith(";"):
            names.append(m.group(1) + "()")
    what = ": " + ", ".join(names) if names else ""
    return kept + [(None, f"[... {len(rest)} more lines{what} "
                          f"({src.path}:{rest[0][0]}-{rest[-1][0]}) ...]")]


# ---------------------------------------------------------------------------
# The project's own names, and where each is defined.
# ---------------------------------------------------------------------------

def c_tokens(src):
    """(token, line) for the C of a file, leaving out preprocessor lines;
    and (name, line) for the macros it defines."""
    toks, macros = [], []
    directive = False
    for i, line in enumerate(src.clean):
        if directive or line.lstrip().startswith("#"):
            m = re.match(r"^\s*#\s*define\s+(\w+)", line)
            if m and not directive:
                macros.append((m.group(1), i + 1))
            directive = line.rstrip().endswith("\\")
            continue
        toks += [(m.group(), i + 1)
                 for m in re.finditer(r"[A-Za-z_]\w*|->|[^\s\w]|\d\w*", line)]
    return toks, macros


def skip_group(toks, i):
    """The index just after the bracketed group that opens at toks[i]."""
    opening = toks[i][0]
    close = {"(": ")", "[": "]", "{": "}"}[opening]
    depth = 0
    for j in range(i, len(toks)):
        if toks[j][0] == opening:
            depth += 1
        elif toks[j][0] == close:
            depth -= 1
            if depth == 0:
                return j + 1
    return len(toks)


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
    function; the variable of DEFINE_MUTEX(name) and their like; else the
    last name before any "[", ":" or "=", leaving out attributes
    (__aligned(8), __user and the like)."""
    for k in range(len(toks) - 2):
        if toks[k][0] == "(" and toks[k + 1][0] == "*" and is_name(toks[k + 2][0]):
            return toks[k + 2]
    m = re.match(r"(DECLARE|DEFINE)_\w+$", toks[0][0]) if toks else None
    if m and len(toks) > 2 and toks[1][0] == "(":
        args = split_top(toks[2:skip_group(toks, 1) - 1], ",")
        pick = args[0] if m.group(1) == "DECLARE" else args[-1]
        return pick[-1] if pick and is_name(pick[-1][0]) else None
    name, k = None, 0
    while k < len(toks) and toks[k][0] not in "[:=":
        if toks[k][0] in "({":
            k = skip_group(toks, k)
            continue
        if is_name(toks[k][0]) and not toks[k][0].startswith("__"):
            name = toks[k]
        k += 1
    return name


def declared_type(toks):
    """The struct a declaration's type names, if it names one."""
    for k in range(len(toks) - 1):
        if toks[k][0] in ("struct", "union") and is_name(toks[k + 1][0]):
            return toks[k + 1][0]
    return None


def function_name(head):
    """The name in "type name(args) attributes": the one before the first
    parenthesis that is not an attribute's."""
    for k, t in enumerate(head):
        if t[0] == "(" and k and is_name(head[k - 1][0]) and \
           head[k - 1][0] not in ("__attribute__", "__aligned", "__printf", "__section"):
            return head[k - 1]
    return None


class CDefinitions:
    """What a C file defines at file level: functions, variables, types,
    structs with their fields, enumerators and macros."""

    def __init__(self, src):
        self.src, self.defs = src, []
        toks, macros = c_tokens(src)
        for name, line in macros:
            self.add((name, line), "macro", ORD)
        i = 0
        while i < len(toks):
            i = self.external(toks, i)

    def add(self, tok, kind, ns, typ=None, owner=None):
        if tok and is_name(tok[0]):
            d = Definition(tok[0], kind, ns, self.src.path, tok[1], self.src.scope)
            d.type, d.owner = typ, owner
            self.defs.append(d)

    def anonymous(self, tok):
        """A name for a struct that has none: where it is."""
        return f"{self.src.path}:{tok[1]}"

    def external(self, toks, i):
        """One file-level declaration or definition from toks[i]; returns
        where the next one starts."""
        j, head = i, []
        while j < len(toks) and toks[j][0] not in ";{":
            end = skip_group(toks, j) if toks[j][0] in "([" else j + 1
            head += toks[j:end]
            j = end
        if j >= len(toks):
            return j
        words = [t[0] for t in head]
        if toks[j][0] == ";":
            self.declaration(head, words)
            return j + 1
        end = skip_group(toks, j)
        kinds = ("struct", "union", "enum")
        if words and words[-1] in kinds or len(words) >= 2 and words[-2] in kinds:
            named = words[-1] not in kinds
            kind = words[-2] if named else words[-1]
            typ = head[-1][0] if named else self.anonymous(toks[j])
            if named:
                self.add(head[-1], kind, TAG)
            self.members(toks[j + 1:end - 1], kind, typ)
            k = end
            while k < len(toks) and toks[k][0] != ";":
                k += 1
            tail = toks[end:k]
            if words[0] == "typedef":
                self.add(declarator_name(tail), "typedef", ORD)
            else:
                for d in split_top(tail, ","):
                    if any(is_name(t[0]) and not t[0].startswith("__") for t in d):
                        self.add(declarator_name(d), "variable", ORD, typ)
            return k + 1
        if "=" in words:
            self.add(declarator_name(head[:words.index("=")]), "variable", ORD,
                     declared_type(head))
            while end < len(toks) and toks[end][0] != ";":
                end += 1
            return end + 1
        if words and words[-1] == ")":
            self.add(function_name(head), "function", ORD)
        return end

    def declaration(self, head, words):
        """A file-level declaration ending in ";": variables, a typedef,
        or nothing new (a prototype, an extern, a macro's use)."""
        if not words or "extern" in words:
            return
        if words[0] == "typedef":
            self.add(declarator_name(head[1:]), "typedef", ORD)
            return
        if len(words) == 2 and words[0] in ("struct", "union", "enum"):
            return
        maker = [k for k, w in enumerate(words[:2]) if re.match(r"(DECLARE|DEFINE)_\w+$", w)]
        if maker:
            self.add(declarator_name(head[maker[0]:]), "variable", ORD)
            return
        if "(" in words:
            k = words.index("(")
            if "=" not in words[:k] and not (k + 1 < len(words) and words[k + 1] == "*"):
                return
        for d in split_top(head, ","):
            self.add(declarator_name(d), "variable", ORD, declared_type(head))

    def members(self, body, kind, owner):
        """The fields of a struct or union body, the enumerators of an
        enum's.  A nested struct's fields belong to the outer one too (C
        lets an anonymous one's be used so; for a named one it is near
        enough)."""
        if kind == "enum":
            for item in split_top(body, ","):
                self.add(item[0], "enumerator", ORD)
            return
        i = 0
        while i < len(body):
            j, decl, inner = i, [], None
            while j < len(body) and body[j][0] != ";":
                if body[j][0] == "{":
                    end = skip_group(body, j)
                    inner = self.anonymous(body[j])
                    self.members(body[j + 1:end - 1], "struct", owner)
                    self.members(body[j + 1:end - 1], "struct", inner)
                    j = end
                    continue
                decl.append(body[j])
                j += 1
            typ = inner or declared_type(decl)
            for d in split_top(decl, ","):
                self.add(declarator_name(d), "field", FIELD, typ, owner)
            i = j + 1


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


def definitions(src):
    """What a file defines, leaving out what the reader never sees."""
    found = asm_definitions(src) if src.asm else CDefinitions(src).defs
    return [d for d in found if d.line - 1 not in src.hidden]


PATCH_DEFS = re.compile(r"^\+\s*(?:#\s*define\s+(\w+)|"
                        r"(?:OFFSET|DEFINE|DEFINE_ASM_FUNC)\((\w+),)")


def patch_definitions(tree):
    """The names the patches add to the kernel: the tour shows none of
    their code, so prose has to introduce them."""
    defs = []
    for path in sorted(glob.glob(os.path.join(tree, PATCHES))):
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                m = PATCH_DEFS.match(line)
                if m:
                    defs.append(Definition(m.group(1) or m.group(2), "macro", ORD,
                                           os.path.relpath(path, tree), n, "kernel"))
    return defs


# ---------------------------------------------------------------------------
# Names in use: in code, by C's namespaces; in prose, what looks like code.
# ---------------------------------------------------------------------------

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
    if re.search(r"(^|[{,(])\s*\.\s*$", before):
        return None
    m = CHAIN.search(before)
    if not m or before[:m.start()].rstrip().endswith(("->", ".", ")")):
        return []
    return [m.group(1)] + re.findall(r"[A-Za-z_]\w*", m.group(2))


DIRECTIVE = re.compile(r"^\s*#\s*(include|if|ifdef|ifndef|endif|else|elif|undef)\b")


def code_names(line, asm):
    """(start, end, name, namespaces, path) for each name in a blanked
    code line; path is the access path before a field (access_path())."""
    m = DIRECTIVE.match(line)
    skip = m.end() if m else 0
    for m in IDENT.finditer(line, skip):
        before = line[:m.start()]
        tail = before.rstrip()
        if asm:
            directive = tail.endswith(".") and not tail[:-1].strip()
            if not tail.endswith("%") and not directive:
                yield m.start(), m.end(), m.group(), (ORD,), None
        elif tail.endswith("->") or tail.endswith(".") and not tail.endswith(".."):
            yield m.start(), m.end(), m.group(), (FIELD,), access_path(before)
        elif tail.endswith(("struct", "union", "enum")) and \
                re.search(r"\b(struct|union|enum)$", tail):
            yield m.start(), m.end(), m.group(), (TAG,), None
        elif m.group() not in C_KEYWORDS:
            yield m.start(), m.end(), m.group(), (ORD,), None


def prose_names(text):
    """(start, end, name, namespaces, path) for what looks like code in
    prose: see the top of this file."""
    for m in IDENT.finditer(text):
        name, a, b = m.group(), m.start(), m.end()
        near = text[max(0, a - 12):a]
        if re.match(r"\.[chSo]\b|\.ko\b|\.py\b|/", text[b:b + 4]) or near.endswith("/"):
            continue
        if re.match(r"\s*\(\)", text[b:b + 4]):
            yield a, b, name, (ORD,), None
        elif re.search(r"\b(struct|union|enum)\s+$", near):
            yield a, b, name, (TAG,), None
        elif re.search(r"(->|\w\.)$", near):
            yield a, b, name, (FIELD,), access_path(text[max(0, a - 200):a]) or []
        elif "_" in name or re.search(r"\d|.[A-Z]", name):
            yield a, b, name, ANY_NS, None


UNKNOWN, OUTSIDE = "unknown", "outside"
LOCAL_STRUCT = re.compile(r"\b(?:struct|union)\s+(\w+)"
                          r"(?:\s|\*|\bconst\b|\b__user\b|\b__iomem\b)*"
                          r"([A-Za-z_]\w*)\s*(?=[,;=)\[])")
LOCAL_OTHER = re.compile(r"\b([A-Za-z_]\w*)\s+(?:\*\s*)*([A-Za-z_]\w*)\s*(?=[,;=)\[])")
NOT_TYPES = C_KEYWORDS - frozenset("""char double float int long short signed
    unsigned void bool _Bool""".split())


def local_types(section):
    """[(line, variable, struct or OUTSIDE)]: what the section's code
    declares, parameters and locals, and their types."""
    src, found = section.source, []
    for n, _ in section.code:
        if n is None or src.asm:
            continue
        line = src.clean[n - 1]
        structs = {m.group(2): m.group(1) for m in LOCAL_STRUCT.finditer(line)}
        found += [(n, var, typ) for var, typ in structs.items()]
        found += [(n, m.group(2), OUTSIDE) for m in LOCAL_OTHER.finditer(line)
                  if m.group(1) not in NOT_TYPES and m.group(2) not in structs
                  and m.group(2) not in C_KEYWORDS]
    return found


class Names:
    """The project's definitions, and the section that introduces each."""

    def __init__(self, defs, sections):
        self.by_name, self.fields, self.structs = {}, {}, {}
        for d in defs:
            self.by_name.setdefault(d.name, []).append(d)
            if d.kind == "field":
                self.fields.setdefault((d.owner, d.scope), {}).setdefault(d.name, d)
            if d.ns == TAG:
                self.structs.setdefault(d.name, set()).add(d.scope)
        self.locals = {s: local_types(s) for s in sections}
        self.prose_first = {}
        for s in sections:
            for text in s.prose():
                for _, _, name, _, _ in prose_names(text):
                    self.prose_first.setdefault(name, s)

    def struct(self, tag, scope):
        """The struct as the project knows it, or OUTSIDE if not ours."""
        if tag is None:
            return OUTSIDE
        if ":" in tag or self.structs.get(tag, set()) & set(visible(scope)):
            return tag
        return OUTSIDE

    def member(self, owner, name, scope):
        for sc in visible(scope):
            d = self.fields.get((owner, sc), {}).get(name)
            if d:
                return d
        return None

    def variable_type(self, name, section, line, prose):
        scope = section.source.scope
        found = [(n, t) for n, v, t in self.locals[section] if v == name]
        if found:
            before = [(n, t) for n, t in found if line is None or n <= line]
            t = (before or found)[-1][1]
            return OUTSIDE if t == OUTSIDE else self.struct(t, scope)
        defs = [d for d in self.by_name.get(name, ())
                if d.kind == "variable" and d.scope in visible(scope)]
        if defs:
            return self.struct(defs[0].type, scope)
        # Code declares what it uses; prose may name a variable of anything.
        return UNKNOWN if prose else OUTSIDE

    def designated_type(self, section, line):
        """The struct that an initializer ".f = x" on this line fills in."""
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
        """The definition a field access names: [it], [] if its struct is
        not the project's, None if we cannot tell."""
        scope = section.source.scope
        if path is None:
            t = self.designated_type(section, line)
        elif not path:
            return None
        else:
            t = self.variable_type(path[0], section, line, prose)
            for f in path[1:]:
                if t in (UNKNOWN, OUTSIDE):
                    break
                d = self.member(t, f, scope)
                t = self.struct(d.type, scope) if d else UNKNOWN
        if t == OUTSIDE:
            return []
        d = self.member(t, name, scope) if t != UNKNOWN else None
        return [d] if d else None

    def candidates(self, name, nss, section, prose, path=None, line=None):
        """The definitions a use of a name may mean, [] if none of ours."""
        scope = section.source.scope
        if nss == (FIELD,):
            exact = self.field(name, path, section, line, prose)
            if exact is not None:
                return exact
        defs = [d for d in self.by_name.get(name, ()) if d.ns in nss]
        mine = [d for d in defs if d.scope in visible(scope)]
        if not mine and prose and nss != (TAG,) and re.search(r"[_A-Z0-9]", name):
            mine = defs
        # Two things of one name: an ordinary name means this file's own.
        here = [d for d in mine if d.path == section.path and nss != (FIELD,)]
        return here or mine

    def introduction(self, defs, name):
        """The section that introduces a name with these definitions."""
        shown = [d.section for d in defs if d.section]
        if shown:
            return min(shown, key=lambda s: s.order)
        return self.prose_first.get(name)


def uses(section):
    """(name, namespaces, prose?, path, line) for each name a section uses."""
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


def forward_references(sections, names):
    problems = []
    tags = {s.tag for s in sections}
    for s in sections:
        pointers = {m.group() for text in s.prose() for m in TAG_REF.finditer(text)}
        problems += [f"{s.where()}: points to {tag}, which does not exist"
                     for tag in sorted(pointers - tags)]
        seen = set()
        for name, nss, prose, path, line in uses(s):
            if name in seen:
                continue
            defs = names.candidates(name, nss, s, prose, path, line)
            if not defs:
                continue
            seen.add(name)
            intro = names.introduction(defs, name)
            if intro is None:
                problems.append(f"{s.where()}: {name} is used, but no section shows its "
                                f"definition ({defs[0].where()}) or names it in prose")
            elif intro.order > s.order and intro.tag not in pointers:
                problems.append(f"{s.where()}: {name} is used before {intro.tag} introduces "
                                f"it ({intro.path}:{intro.line}): reorder, or point to "
                                f"{intro.tag} in the prose (\"{name}, which we meet in "
                                f"{intro.tag}\")")
    return problems


def unshown_functions(sections, names):
    """Functions the prose names but the tour never shows."""
    problems, seen = [], set()
    for s in sections:
        for para in s.paragraphs():
            for _, _, name, nss, path in prose_names(para):
                defs = names.candidates(name, nss, s, True, path)
                funcs = [d for d in defs if d.kind == "function"]
                if funcs and not any(d.section for d in defs) and name not in seen:
                    seen.add(name)
                    problems.append(f"{s.where()}: names {name}(), but no section "
                                    f"shows it ({funcs[0].where()})")
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
        for top, _, files in os.walk(tree):
            out += [os.path.relpath(os.path.join(top, f), tree) for f in files]
    return sorted(f for f in out if f.startswith(SOURCES)
                  and f.endswith((".c", ".h", ".S")))


class Tour:
    def __init__(self, tree):
        self.problems, self.sources, self.sections = [], [], []
        defs = patch_definitions(tree)
        for path in lguest_files(tree):
            with open(os.path.join(tree, path), encoding="utf-8") as f:
                src = Source(path, f.read().split("\n"))
            self.sources.append(src)
            found = read_sections(src, self.problems)
            if not found:
                self.problems.append(f"{path}: has no tagged comment: every lguest file "
                                     "is part of the journey")
            self.sections += found
            defs += definitions(src)
        order = {letter: k for k, (letter, _) in enumerate(PARTS)}
        self.sections.sort(key=lambda s: (order[s.part], s.key()))
        for k, s in enumerate(self.sections):
            s.order = k
        self.check_sections()
        shown = {(s.path, n): s for s in self.sections for n in s.shown()}
        for d in defs:
            d.section = shown.get((d.path, d.line))
        self.names = Names(defs, self.sections)

    def check_sections(self):
        seen = {}
        for s in self.sections:
            if s.tag in seen:
                self.problems.append(f"{s.path}:{s.line}: {s.tag} is used twice "
                                     f"(also {seen[s.tag]})")
            seen[s.tag] = f"{s.path}:{s.line}"
            if not s.ended:
                continue
            if s.part in EXERCISES and s.has_code():
                self.problems.append(f"{s.path}:{s.line}: {s.tag} is an exercise, but "
                                     "shows code: end it with '/*:*/', or move it")
            elif s.part not in EXERCISES and not s.has_code():
                self.problems.append(f"{s.path}:{s.line}: {s.tag} has no code beside it")
        for letter, title in PARTS:
            if not any(s.part == letter for s in self.sections):
                self.problems.append(f"part {letter} ({title}) has no sections")

    def check(self):
        return (self.problems + forward_references(self.sections, self.names)
                + unshown_functions(self.sections, self.names))

    def parts(self, letters):
        for letter, title in PARTS:
            if letter in letters:
                yield letter, title, [s for s in self.sections if s.part == letter]

    def link(self, section, name, nss, prose, path=None, line=None):
        """The section a name in this section leads to, if any."""
        defs = self.names.candidates(name, nss, section, prose, path, line)
        return self.names.introduction(defs, name) if defs else None

    def stats(self):
        code = sum(1 for s in self.sections for n, _ in s.code if n)
        prose = sum(1 for s in self.sections for t in s.text if t.strip())
        counts = ", ".join(f"{letter}:{sum(s.part == letter for s in self.sections)}"
                           for letter, _ in PARTS)
        return (f"{len(self.sections)} sections ({counts}); {prose} lines of prose, "
                f"{code} of code")


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
nav ol{padding-left:1.2em}nav li{margin:.6em 0}
nav .opener{color:#555;font-size:.92em}nav .tags{font-family:monospace;font-size:.8em}
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
    typewriter face when it stands in the section's prose."""
    target = tour.link(section, name, nss, prose, path, line)
    shown = html.escape(text)
    if not target:
        return shown
    if prose and line is None:
        shown = f"<code>{shown}</code>"
    return (f'<a class="name" href="#{tag_id(target.tag)}" title="{target.tag}: '
            f'{html.escape(target.path)}:{target.line}">{shown}</a>')


def prose_html(tour, section, text):
    """Prose, escaped, with its names and pointers linked."""
    spans = [(a, b, name_link(tour, section, text[a:b], n, nss, True, path))
             for a, b, n, nss, path in prose_names(text)]
    spans += [(m.start(), m.end(), f'<a href="#{tag_id(m.group())}">{m.group()}</a>')
              for m in TAG_REF.finditer(text)]
    out, at = [], 0
    for a, b, link in sorted(spans):
        if a >= at:
            out.append(html.escape(text[at:a]) + link)
            at = b
    return "".join(out) + html.escape(text[at:])


def paragraphs_html(tour, section):
    """Paragraphs; one whose lines are all indented is a display."""
    out = []
    for para in section.paragraphs():
        lines = para.split("\n")
        if all(line.startswith(("\t", "    ")) or not line.strip() for line in lines):
            out.append("<pre>" + prose_html(tour, section, "\n".join(
                line.strip() for line in lines)) + "</pre>")
        else:
            out.append("<p>" + prose_html(tour, section, " ".join(lines)) + "</p>")
    return "\n".join(out)


def code_links(tour, section, n):
    """The links for the names on file line n: {start: (end, html)}."""
    src = section.source
    text = src.lines[n - 1]
    links = {a: (b, name_link(tour, section, text[a:b], name, nss, False, path, n))
             for a, b, name, nss, path in code_names(src.clean[n - 1], src.asm)}
    for ca, cb in src.comments[n - 1]:
        for a, b, name, nss, path in prose_names(text[ca:cb]):
            links[ca + a] = (ca + b, name_link(tour, section, text[ca + a:ca + b],
                                               name, nss, True, path, n))
    return links


def highlighted(piece, col, links, literal):
    """One highlighted token's text, starting at column col, with the
    links that fall inside it."""
    out, k = [], 0
    while k < len(piece):
        hit = links.get(col + k)
        if hit and hit[0] - col <= len(piece) and not literal:
            out.append(hit[1])
            k = hit[0] - col
            continue
        nxt = min([a - col for a in links if k < a - col < len(piece)] + [len(piece)])
        out.append(html.escape(piece[k:nxt]))
        k = nxt
    return "".join(out)


def code_html(tour, section):
    """The section's code, highlighted by Pygments, its names linked."""
    from pygments.token import STANDARD_TYPES, Token
    shown = [n for n, _ in section.code if n is not None]
    text = "\n".join(t for n, t in section.code if n is not None) + "\n"
    out, row, col = [], 0, 0
    links = code_links(tour, section, shown[0])
    for ttype, value in highlighter(section.source).get_tokens(text):
        while ttype not in STANDARD_TYPES:
            ttype = ttype.parent
        css = STANDARD_TYPES[ttype]
        for piece in re.split(r"(\n)", value):
            if piece == "\n":
                out.append("\n")
                row, col = row + 1, 0
                links = code_links(tour, section, shown[row]) if row < len(shown) else {}
            elif piece:
                inner = highlighted(piece, col, links, ttype in Token.Literal.String)
                out.append(f'<span class="{css}">{inner}</span>' if css else inner)
                col += len(piece)
    body = "".join(out).rstrip("\n")
    for n, note in section.code:
        if n is None:
            body += f'\n<span class="elided">{html.escape(note)}</span>'
    return f"<pre>{body}</pre>"


def first_sentence(section):
    paras = section.paragraphs()
    text = " ".join(paras[0].split()) if paras else ""
    m = re.search(r"(.+?[.!?])(\s|$)", text)
    return m.group(1) if m else text


def contents_html(parts):
    """The contents: each part, its opening sentence, and its sections."""
    out = ["<nav><h2>Contents</h2><ol>"]
    for letter, title, part in parts:
        if not part:
            continue
        opener = part[0]
        tags = " ".join(f'<a href="#{tag_id(s.tag)}" title="{html.escape(first_sentence(s))}">'
                        f"{s.tag}</a>" for s in part)
        out.append(f'<li><a href="#part-{letter}"><b>{letter}: {html.escape(title)}</b></a> '
                   f'({len(part)} sections)<div class="opener">'
                   f'<a href="#{tag_id(opener.tag)}">{opener.tag}</a> '
                   f'{html.escape(first_sentence(opener))}</div>'
                   f'<div class="tags">{tags}</div></li>')
    out.append("</ol></nav>")
    return "\n".join(out)


def write_html(out, tour, letters):
    from pygments.formatters import HtmlFormatter
    parts = list(tour.parts(letters))
    pygments_style = HtmlFormatter(style="friendly").get_style_defs(".code pre")
    out.write('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
              f"<title>The lguest journey</title><style>{STYLE}{pygments_style}\n"
              ".code pre{background:transparent}</style></head><body>\n"
              "<header><h1>The lguest journey</h1>\n"
              "<p>lguest's source, read in order: each section's prose on the left, "
              "the code it explains on the right.  Every name the project defines "
              "links to the section that introduces it.</p>\n"
              f"{contents_html(parts)}</header>\n")
    for letter, title, part in parts:
        out.write(f'<section id="part-{letter}"><div class="part-head">'
                  f"<h2>{letter}: {html.escape(title)}</h2></div>\n")
        for s in part:
            kind = "section" if s.has_code() else "section exercise"
            code = code_html(tour, s) if s.has_code() else ""
            out.write(f'<div class="{kind}" id="{tag_id(s.tag)}"><div class="prose">'
                      f'<p><a class="tag" href="#{tag_id(s.tag)}">{s.tag}</a> '
                      f'<span class="where">{html.escape(s.path)}:{s.line}</span></p>\n'
                      f'{paragraphs_html(tour, s)}</div><div class="code">{code}'
                      "</div></div>\n")
        out.write("</section>\n")
    out.write("</body></html>\n")


def fail(why):
    print(f"journey: {why}", file=sys.stderr)
    return 1


def main():
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("tree", nargs="?", default=".")
    ap.add_argument("--part", default="".join(letter for letter, _ in PARTS),
                    help="letters of the parts to print (default: all)")
    ap.add_argument("--text", help="write the journey as text to FILE")
    ap.add_argument("--html", help="write the journey as one HTML page to FILE")
    ap.add_argument("--check", action="store_true",
                    help="only report problems: tags, cut constructs, forward references")
    args = ap.parse_args()
    letters = args.part.upper()
    wrong = sorted(set(letters) - {letter for letter, _ in PARTS})
    if wrong:
        return fail(f"--part {args.part}: there is no part {', '.join(wrong)} "
                    f"(the parts are {''.join(letter for letter, _ in PARTS)})")
    if not lguest_files(args.tree):
        return fail(f"{args.tree}: no lguest sources here (give the top of the project)")
    if args.html and not importlib.util.find_spec("pygments"):
        return fail("--html needs Pygments (on Debian: apt-get install python3-pygments)")

    tour = Tour(args.tree)
    if args.check:
        problems = tour.check()
        for p in problems:
            print(p)
        print(f"{tour.stats()}, {len(problems)} problems", file=sys.stderr)
        return 1 if problems else 0
    for p in tour.problems:
        print(f"journey: {p}", file=sys.stderr)
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
