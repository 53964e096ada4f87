"""The live view's ES modules (``ui/live/*.js``) joined into one module, ``bundle.js``.

A first load fetched main.js, then the modules it imports, then theirs: three round trips
one after another over the browser's six connections to the server, and plotly.js only
after all of them (it is loaded as main.js runs). One file is one request. The modules are
written to allow this without a build tool: every import is ``import { a, b } from
"./x.js";`` (no renaming), every top-level name is unique across them, and a module runs
after the modules it imports, as the browser would run them. :func:`bundle` checks that
and refuses anything else, so a module written otherwise fails at start-up (and in
``tests/test_live_bundle.py``), never in a browser.
"""

from __future__ import annotations

import re

ENTRY = "main.js"
_IMPORT = re.compile(r'^import \{([^}]*)\} from "\./([\w-]+\.js)";[^\n]*\n', re.M)
_REEXPORT = re.compile(r'^export \{([^}]*)\} from "\./([\w-]+\.js)";[^\n]*\n', re.M)
_ANY_IMPORT = re.compile(r"^\s*(import\b|export\s+\*|export\s*\{[^}]*\}\s*from)", re.M)
_EXPORT = re.compile(r"^export (?=(async )?function |const |let |class )", re.M)
_DECLARED = re.compile(r"^(?:export )?(?:async )?(?:function\*? ?|const |let |class )"
                       r"([A-Za-z_$][\w$]*)", re.M)


def _names(listed: str) -> list[str]:
    names = [n.strip() for n in listed.split(",") if n.strip()]
    if any(" as " in n for n in names):
        raise ValueError(f"renamed import or export in {{{listed}}}: not bundled")
    return names


def _order(sources: dict[str, str], entry: str) -> list[str]:
    """Modules in the order the browser runs them: each after the ones it imports, in
    import order (depth first, post-order from ``entry``)."""
    done: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in done:
            return
        if name in path:
            raise ValueError(f"import cycle: {' -> '.join((*path, name))}")
        if name not in sources:
            raise ValueError(f"{path[-1] if path else '?'} imports {name}, which is missing")
        text = sources[name]
        for m in sorted([*_IMPORT.finditer(text), *_REEXPORT.finditer(text)],
                        key=lambda m: m.start()):
            visit(m.group(2), (*path, name))
        done.append(name)
    visit(entry, ())
    return done


def bundle(sources: dict[str, str], entry: str = ENTRY) -> str:
    """The modules ``sources`` (file name -> text) that ``entry`` reaches, as one module
    exporting what ``entry`` exports."""
    order = _order(sources, entry)
    seen: dict[str, str] = {}
    parts = []
    for name in order:
        text = sources[name]
        for m in _IMPORT.finditer(text):
            _names(m.group(1))
        body = _IMPORT.sub("", text)
        reexports = [n for m in _REEXPORT.finditer(body) for n in _names(m.group(1))]
        body = _REEXPORT.sub("", body)
        if _ANY_IMPORT.search(body):
            raise ValueError(f"{name}: an import the bundle cannot take")
        for declared in _DECLARED.findall(body):
            if declared in seen:
                raise ValueError(f"{declared} is declared in {seen[declared]} and {name}")
            seen[declared] = name
        if name != entry:
            body = _EXPORT.sub("", body)
            if re.search(r"^export\b", body, re.M):
                raise ValueError(f"{name}: an export the bundle cannot take")
        elif reexports:
            body += f"export {{ {', '.join(reexports)} }};\n"
        parts.append(f"// ---- {name}\n{body}")
    return "".join(parts)
