"""The README's pytest example runs as written (with the example clients' folder made absolute)."""

from __future__ import annotations

import re

import pytest

from conftest import CLIENTS, ROOT


def readme_example() -> str:
    text = (ROOT / "README.md").read_text()
    block = re.search(
        r"<!-- python example: begin[^>]*-->\n```python\n(.*?)```\n<!-- python example: end -->",
        text,
        re.S,
    )
    assert block, "README.md has no python example between its markers"
    return block.group(1).replace('"examples/clients/', f'"{CLIENTS}/')


def test_the_readme_example_passes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_example=readme_example())
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_the_readme_example_with_the_naive_teardown_fails_as_the_readme_shows(
    pytester: pytest.Pytester,
) -> None:
    example = readme_example()
    assert "teardown_robust.py" in example
    pytester.makepyfile(test_example=example.replace("teardown_robust.py", "teardown_naive.py"))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    assert re.search(r"10  \S+  111122223333 root  us-east-1  DeleteServiceLinkedRole  ok: DeletionTaskCreated", text), text
    assert re.search(r"12  \S+  111122223333 root  us-east-1  GetRole  ok", text), text
    assert "the database is kept in" in text
