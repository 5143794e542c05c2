"""docs/check.md's examples, run against a real server: each shown output is what they print, so
the page cannot drift from the checker."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

from tests.app.helpers import ROOT, server_process
from tests.servers import free_port

DOC = Path(ROOT / "docs" / "check.md").read_text()
BLOCK = re.compile(r"```(python|text)\n(.*?)```", re.DOTALL)
DOC_BASE = 'BASE = "http://127.0.0.1:8000"'


def test_the_docs_examples_print_what_the_doc_shows() -> None:
    blocks = BLOCK.findall(DOC)
    assert [kind for kind, _ in blocks].count("python") == 5
    assert DOC_BASE in blocks[0][1]
    port = free_port()
    namespace: dict[str, object] = {}
    compared = 0
    with server_process(port, PERSIST="false"):
        for index, (kind, code) in enumerate(blocks):
            if kind != "python":
                continue
            code = code.replace(DOC_BASE, f'BASE = "http://127.0.0.1:{port}"')
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                exec(compile(code, f"docs/check.md block {index}", "exec"), namespace)
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if following is not None and following[0] == "text":
                assert printed.getvalue() == following[1]
                compared += 1
    assert compared == 5
    assert "diff_of_output" in blocks[3][1]  # the mistake named, in the shown verdict
