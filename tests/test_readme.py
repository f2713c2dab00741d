"""The README's Python examples run as written."""

import re
from pathlib import Path

README = Path(__file__).parent.parent / "README.md"


def test_in_a_notebook_section_runs() -> None:
    section = README.read_text().split("## In a notebook", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 3
    namespace: dict[str, object] = {}
    exec(compile("\n".join(blocks), str(README), "exec"), namespace)
    w = namespace["w"]
    assert w.test == "mannwhitney"  # type: ignore[attr-defined]
    assert len(namespace["cmp"].to_frame()) >= 2  # type: ignore[attr-defined]
