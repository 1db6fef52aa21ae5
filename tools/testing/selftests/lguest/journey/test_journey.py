#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tests for Documentation/lguest/journey.py, on little trees made here.

Each test writes a few lguest-shaped files into a fresh directory, runs
the journey over it and looks at what it says.  Prints TAP.
"""
import os
import subprocess
import sys
import tempfile
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
JOURNEY = os.path.join(HERE, "../../../../../Documentation/lguest/journey.py")
sys.path.insert(0, os.path.dirname(JOURNEY))
import journey  # noqa: E402

# The smallest tour with every part in it, and nothing wrong.
BASE = {
    "arch/x86/lguest/boot.c": """\
        /*P:010
         * The opener.
        :*/
        #include <linux/kernel.h>
        static int opener_count;

        /*G:010
         * The Guest calls guest_helper(), and keeps a struct gthing.
        :*/
        struct gthing {
        	int gfield;
        };

        static int guest_helper(struct gthing *g)
        {
        	return g->gfield + opener_count;
        }
        """,
    "drivers/lguest/core.c": """\
        /*D:010
         * Drivers.
        :*/
        static int drv;

        /*L:010
         * The Launcher, from the Host's side.
        :*/
        static int lau;

        /*H:010
         * The Host.
        :*/
        static int host_value;

        /*S:010
         * The Switcher.
        :*/
        static int sw;

        /*M:010
         * An exercise.
        :*/
        """,
}


def tree(files):
    """A directory holding BASE overlaid with files (None deletes one)."""
    top = tempfile.mkdtemp(prefix="journey-test-")
    merged = dict(BASE)
    merged.update(files)
    for path, text in merged.items():
        if text is None:
            continue
        full = os.path.join(top, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(textwrap.dedent(text))
    return top


def problems(files):
    return journey.Tour(tree(files)).check()


def has(found, *words):
    """Is there a problem that mentions every one of these words?"""
    return any(all(w in p for w in words) for p in found)


def host(text):
    """BASE's drivers/lguest/core.c with text added to the Host part."""
    return {"drivers/lguest/core.c": BASE["drivers/lguest/core.c"] + text}


TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


@test
def a_clean_tour_passes():
    """a tour with nothing wrong has no problems, and --check exits 0"""
    top = tree({})
    run = subprocess.run([sys.executable, JOURNEY, "--check", top],
                         capture_output=True, text=True)
    return run.returncode == 0 and run.stdout == ""


@test
def a_problem_fails_check():
    """--check prints a problem on a line of its own and exits 1"""
    top = tree({"drivers/lguest/core.c": BASE["drivers/lguest/core.c"] +
                "\n/*H:005\n * Uses late_one().\n:*/\nstatic int x;\n" +
                "\n/*H:020\n * Here.\n:*/\nstatic void late_one(void)\n{\n}\n"})
    run = subprocess.run([sys.executable, JOURNEY, "--check", top],
                         capture_output=True, text=True)
    return run.returncode == 1 and run.stdout.startswith("H:005 ")


@test
def code_before_its_introduction():
    """a call in code before the section defining it is a forward reference"""
    found = problems(host("""
        /*H:020
         * Calls on ahead.
        :*/
        static int early(void)
        {
        	return later();
        }

        /*H:030
         * Defines it.
        :*/
        static int later(void)
        {
        	return 1;
        }
        """))
    return has(found, "H:020", "later", "H:030")


@test
def a_pointer_excuses_it():
    """the same, with the prose pointing at H:030, is fine"""
    found = problems(host("""
        /*H:020
         * Calls on ahead: we meet later() in H:030.
        :*/
        static int early(void)
        {
        	return later();
        }

        /*H:030
         * Defines it.
        :*/
        static int later(void)
        {
        	return 1;
        }
        """))
    return found == []


@test
def prose_counts_only_what_looks_like_code():
    """prose naming host_late_thing early is caught; plain words are not"""
    found = problems(host("""
        /*H:020
         * We read the value, then host_late_thing does the rest.
        :*/
        static int early;

        /*H:030
         * Here.
        :*/
        static int host_late_thing;
        static int read;
        """))
    return has(found, "H:020", "host_late_thing", "H:030") and \
        not has(found, " read ")


@test
def fields_follow_their_struct():
    """t->count is our struct's field, d->count a kernel struct's"""
    text = """
        /*H:020
         * Early.
        :*/
        static int early(struct irq_data *d, struct thing *t)
        {
        	return d->count + t->count;
        }

        /*H:030
         * The struct.
        :*/
        struct thing {
        	int count;
        };
        """
    found = problems(host(text))
    kernel_only = problems(host(text.replace(" + t->count", "")))
    return has(found, "H:020", "count", "H:030") and \
        not has(kernel_only, "count")


@test
def the_launcher_has_names_of_its_own():
    """the Launcher's struct device is not the kernel's"""
    found = problems({
        "tools/launcher/lguest.c": """\
            /*L:020
             * The Launcher's own device.
            :*/
            struct device {
            	int fd;
            };
            """,
        "arch/x86/lguest/boot.c": BASE["arch/x86/lguest/boot.c"] + """
            /*G:020
             * A kernel struct device.
            :*/
            static struct device *root;
            """})
    return found == []


@test
def a_tag_inside_a_function():
    """a tag inside a function is refused, and so is where it cuts"""
    found = problems(host("""
        /*H:020
         * A function...
        :*/
        static int f(void)
        {
        	/*H:030
        	 * ...cut in two.
        	:*/
        	return 0;
        }
        """))
    return has(found, "H:030", "inside a construct") and \
        has(found, "H:020", "middle of a construct")


@test
def an_ifdef_split_between_sections():
    """an #ifdef opened in one section and closed in the next is refused"""
    found = problems(host("""
        /*H:020
         * Opens it.
        :*/
        #ifdef CONFIG_X
        static int a;

        /*H:030
         * Closes it.
        :*/
        static int b;
        #endif
        """))
    return has(found, "H:020", "middle of a construct")


@test
def the_end_marker_ends_a_section():
    """code after /*:*/ is not shown, so what it defines is not introduced"""
    top = tree(host("""
        /*H:020
         * Shown.
        :*/
        static int shown;
        /*:*/
        static int hidden_thing;

        /*H:030
         * Uses it.
        :*/
        static int *p = &hidden_thing;
        """))
    tour = journey.Tour(top)
    h020 = next(s for s in tour.sections if s.tag == "H:020")
    text = "\n".join(t for _, t in h020.code)
    return "shown" in text and "hidden_thing" not in text and \
        has(tour.check(), "H:030", "hidden_thing", "no section shows")


@test
def includes_are_left_out():
    """P:010 shows its variable, not its #include"""
    tour = journey.Tour(tree({}))
    p010 = next(s for s in tour.sections if s.tag == "P:010")
    text = "\n".join(t for _, t in p010.code)
    return "opener_count" in text and "#include" not in text


@test
def sections_need_code_except_exercises():
    """a section with only a comment for code is refused, an M one with code too"""
    found = problems({"drivers/lguest/core.c":
                      BASE["drivers/lguest/core.c"].replace(
                          "static int host_value;", "/* Just words. */") +
                      "static int exercise_code;\n"})
    return has(found, "H:010", "no code") and has(found, "M:010", "exercise")


@test
def patch_names_need_prose():
    """a name from patches/ must be named in prose before code uses it"""
    patch = {"patches/0001-x.patch": "+#define X86_FEATURE_THING (1)\n"}
    use = host("""
        /*H:020
         * Uses a feature bit.
        :*/
        static int bit = X86_FEATURE_THING;
        """)
    found = problems({**patch, **use})
    said = {**patch, **host(use["drivers/lguest/core.c"][len(BASE["drivers/lguest/core.c"]):]
                            .replace("Uses a feature bit.",
                                     "Uses X86_FEATURE_THING, which a patch adds."))}
    return has(found, "H:020", "X86_FEATURE_THING", "no section") and \
        problems(said) == []


@test
def pointers_must_lead_somewhere():
    """a pointer to a section that does not exist is refused"""
    found = problems(host("""
        /*H:020
         * See H:999.
        :*/
        static int h;
        """))
    return has(found, "H:020", "H:999", "does not exist")


@test
def named_functions_must_be_shown():
    """prose naming a function no section shows is refused"""
    found = problems(host("""
        /*H:020
         * Calls offstage() (H:010).
        :*/
        static int h;
        /*:*/
        static void offstage(void)
        {
        }
        """))
    return has(found, "H:020", "offstage", "no section shows it")


@test
def long_sections_elide_whole_functions():
    """a section over LONGEST lines shows whole functions, then says [...]"""
    body = "".join(f"static int f{i}(void)\n{{\n\treturn {i};\n}}\n\n"
                   for i in range(journey.LONGEST // 4))
    tour = journey.Tour(tree(host("\n/*H:020\n * Many.\n:*/\n" + body)))
    h020 = next(s for s in tour.sections if s.tag == "H:020")
    last = h020.code[-1]
    shown = [t for n, t in h020.code if n]
    return last[0] is None and last[1].startswith("[...") and \
        len(shown) <= journey.LONGEST + 1 and shown[-1] == "}"


@test
def the_page_links_names_to_their_sections():
    """the HTML puts each section's code beside its prose, linked and coloured"""
    top = tree({})
    page = os.path.join(top, "journey.html")
    subprocess.run([sys.executable, JOURNEY, "--html", page, top], check=True)
    with open(page, encoding="utf-8") as f:
        text = f.read()
    return 'id="G-010"' in text and 'class="prose"' in text and \
        'class="code"' in text and '<span class="k' in text and \
        'href="#G-010"' in text and text.count('class="section') == 7


@test
def bad_input_gets_one_line():
    """a part that does not exist, or a tree with no lguest in it, gets
    one line on stderr and exit status 1"""
    runs = [subprocess.run([sys.executable, JOURNEY, *args], capture_output=True,
                           text=True)
            for args in (["--part", "PX", tree({})], [tempfile.mkdtemp()])]
    return all(r.returncode == 1 and r.stdout == "" and
               len(r.stderr.splitlines()) == 1 and r.stderr.startswith("journey: ")
               for r in runs)


def main():
    failed = 0
    for n, fn in enumerate(TESTS, 1):
        try:
            ok = fn()
        except Exception as e:  # a crash is a failure, said as one
            print(f"# {fn.__name__}: {type(e).__name__}: {e}")
            ok = False
        what = " ".join(fn.__doc__.split())
        print(f"{'ok' if ok else 'not ok'} {n} - journey: {what}")
        failed += not ok
    print(f"1..{len(TESTS)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
