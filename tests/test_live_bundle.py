"""The live view's modules joined into one (ui/live_bundle.py): every module the entry
reaches, each after the ones it imports, no import left, main.js's exports kept; and what
the bundler cannot join safely is refused, never guessed."""

from pathlib import Path

import pytest

from ui.live_bundle import bundle

LIVE = Path(__file__).resolve().parents[1] / "ui" / "live"


def sources() -> dict[str, str]:
    return {p.name: p.read_text() for p in LIVE.glob("*.js")}


def test_the_live_view_bundles_every_module_in_run_order():
    text = bundle(sources())
    order = [line[8:] for line in text.splitlines() if line.startswith("// ---- ")]
    assert sorted(order) == sorted(sources())  # every module is reached from main.js
    assert order[-1] == "main.js"
    for name in order:  # each after every module it imports
        for other in sources():
            if f'from "./{other}"' in sources()[name]:
                assert order.index(other) < order.index(name), (other, name)
    lines = text.splitlines()
    assert not [line for line in lines if line.lstrip().startswith("import")]
    assert [line for line in lines if line.startswith("export")] == [
        "export default function (component) {", "export { fmtG };"]


def test_what_cannot_be_joined_is_refused():
    ok = {"main.js": 'import { a } from "./a.js";\nexport default function () { a(); }\n',
          "a.js": "export function a() {}\n"}
    assert "function a()" in bundle(ok)
    with pytest.raises(ValueError, match="declared in"):
        bundle({**ok, "main.js": ok["main.js"] + "function a() {}\n"})
    with pytest.raises(ValueError, match="renamed"):
        bundle({**ok, "main.js": 'import { a as b } from "./a.js";\n'})
    with pytest.raises(ValueError, match="missing"):
        bundle({"main.js": 'import { a } from "./gone.js";\n'})
    with pytest.raises(ValueError, match="cycle"):
        bundle({"main.js": 'import { a } from "./a.js";\n',
                "a.js": 'import { m } from "./main.js";\nexport function a() {}\n'})
    with pytest.raises(ValueError, match="cannot take"):
        bundle({"main.js": 'import * as x from "./a.js";\n', "a.js": ""})
