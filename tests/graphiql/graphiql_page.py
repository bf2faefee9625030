"""What a user sees and does in GraphiQL 3, read from the page (CodeMirror 5 editors)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

_EDITOR_VALUE = "(selector) => document.querySelector(selector).CodeMirror.getValue()"
QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
# The tool pane below the query holds the variables and headers editors; the shown one
# is the open tab.
OPEN_TOOL_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"
RUN_BUTTON = ".graphiql-execute-button"
RESPONSE = ".graphiql-response"


def open_graphiql(page: Page, url: str) -> None:
    """Load GraphiQL at ``url`` and wait until its editors are up."""
    page.goto(url)
    expect(page.locator(RUN_BUTTON)).to_be_visible()
    expect(page.locator(QUERY_EDITOR)).to_be_visible()


def query_text(page: Page) -> str:
    """The text in the query editor."""
    value: str = page.evaluate(_EDITOR_VALUE, QUERY_EDITOR)
    return value


def open_tool_tab(page: Page) -> str:
    """The name of the open tab below the query ("Variables" or "Headers")."""
    return page.locator(".graphiql-editor-tools button.active").inner_text().strip()


def open_tool_text(page: Page) -> str:
    """The text in the open tool tab's editor."""
    value: str = page.evaluate(_EDITOR_VALUE, OPEN_TOOL_EDITOR)
    return value


def set_query(page: Page, text: str) -> None:
    """Replace the query as if the user had typed it."""
    page.evaluate(
        "([selector, text]) => document.querySelector(selector).CodeMirror.setValue(text)",
        [QUERY_EDITOR, text],
    )


def run(page: Page) -> None:
    """Click Run."""
    page.locator(RUN_BUTTON).click()
