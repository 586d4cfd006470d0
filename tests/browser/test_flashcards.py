"""The flashcards page: deal, reveal, grade, reload and the schedule persists; keyboard only; offline; export/import."""

from __future__ import annotations

import json

import pytest

from .conftest import site_dir

pytestmark = pytest.mark.browser
PATH = "chapters/flashcards.html"
KEY = "mlnotes.flashcards.v1"


def open_cards(page):
    page.goto(f"{page.origin}/{PATH}", wait_until="load")
    page.wait_for_selector("#mlx-flashcards[data-ready='1']", timeout=15000)
    page.evaluate("() => window.MathJax && window.MathJax.startup && window.MathJax.startup.promise")
    page.wait_for_load_state("networkidle")


def deck(page) -> dict:
    return json.loads(page.locator("#mlx-flashcards-deck").text_content())


def dealt(page) -> str:
    return page.locator(".mlx-fc-card").get_attribute("data-card")


def stored(page) -> dict:
    return page.evaluate(f"() => JSON.parse(localStorage.getItem('{KEY}') || '{{}}')")


def minutes_until_due(page, card_id: str) -> float:
    return page.evaluate("([key, id]) => (new Date(JSON.parse(localStorage.getItem(key)).cards[id].due) - Date.now())"
                         " / 60000", [KEY, card_id])


@pytest.fixture
def cards(page):
    if not (site_dir() / PATH).exists():
        pytest.fail(f"{PATH} is missing from the site at {site_dir()}")
    page.clock.install()
    open_cards(page)
    return page


def test_deal_reveal_grade_reload_and_the_schedule_persists(cards):
    page = cards
    order = [c["id"] for c in deck(page)["cards"]]
    assert len(order) > 200 and dealt(page) == order[0], "a new deck starts with the book's first question"
    answer, grades = page.locator(".mlx-fc-answer"), page.locator(".mlx-fc-grade")
    assert answer.is_hidden() and all(grades.nth(i).is_hidden() for i in range(4)), "question first"
    page.keyboard.press("Space")
    assert answer.is_visible() and [grades.nth(i).is_visible() for i in range(4)] == [True] * 4
    labels = [grades.nth(i).inner_text() for i in range(4)]
    assert [x.split(" ")[0] for x in labels] == ["Again", "Hard", "Good", "Easy"], labels
    page.wait_for_function("() => document.querySelector('.mlx-fc-card mjx-container')")  # math typeset
    text = page.locator(".mlx-fc-card").inner_text()
    assert "\\(" not in text and "$" not in text, text

    page.keyboard.press("3")  # good
    assert dealt(page) == order[1], "after grading, the next new card"
    good = minutes_until_due(page, order[0])
    page.keyboard.press("Space")
    page.keyboard.press("1")  # again: "a card you missed comes back within minutes"
    again = minutes_until_due(page, order[1])
    assert 0 < again <= 10 and again < good, (again, good)

    page.reload(wait_until="load")
    page.wait_for_selector("#mlx-flashcards[data-ready='1']")
    state = stored(page)
    assert set(state["cards"]) == {order[0], order[1]} and state["reviews"] == 2
    assert dealt(page) == order[2], "graded cards wait for their time: the next new card is dealt"
    assert page.locator(".mlx-fc-stats").inner_text().startswith(f"0 due · {len(order) - 2} new · 2 scheduled")

    page.clock.fast_forward(int(again * 60_000) + 1000)  # the missed card falls due: it comes first
    page.reload(wait_until="load")
    page.wait_for_selector("#mlx-flashcards[data-ready='1']")
    assert dealt(page) == order[1]
    assert page.log.errors == [] and page.log.failed == [], (page.log.errors, page.log.failed)
    assert page.log.offsite == [], page.log.offsite


def test_the_wait_grows_from_minutes_to_days_and_weeks(cards):
    page = cards
    first = dealt(page)
    page.keyboard.press("Space")
    page.keyboard.press("4")  # easy on a new card
    wait = minutes_until_due(page, first)
    assert wait >= 24 * 60, "an easy card waits days"
    page.clock.fast_forward(int(wait * 60_000) + 1000)  # its day comes: it is dealt first, and known again
    page.reload(wait_until="load")
    page.wait_for_selector("#mlx-flashcards[data-ready='1']")
    assert dealt(page) == first
    page.keyboard.press("Space")
    page.keyboard.press("3")  # good
    again = minutes_until_due(page, first)
    assert again > wait and again >= 7 * 24 * 60, (wait, again)  # "from minutes to days and then weeks"


def test_filter_by_chapter_is_labelled_and_kept(cards):
    page = cards
    select = page.locator("#mlx-fc-filter")
    assert page.locator("label[for='mlx-fc-filter']").count() == 1
    chapter = deck(page)["chapters"][3]
    select.select_option(chapter["id"])
    ids = {c["id"] for c in deck(page)["cards"] if c["chapter"] == chapter["id"]}
    assert dealt(page) in ids
    page.keyboard.press("Space")
    page.keyboard.press("2")
    assert dealt(page) in ids
    page.reload(wait_until="load")
    page.wait_for_selector("#mlx-flashcards[data-ready='1']")
    assert select.input_value() == chapter["id"] and dealt(page) in ids


def test_keys_do_nothing_while_typing_or_before_the_answer(cards):
    page = cards
    first = dealt(page)
    page.keyboard.press("3")  # grading before revealing does nothing
    assert dealt(page) == first and stored(page).get("cards", {}) == {}
    page.locator("#mlx-fc-filter").focus()
    page.keyboard.press("Space")  # a space in the chapter list is the list's, not a reveal
    assert page.locator(".mlx-fc-answer").is_hidden()


def test_export_and_import_progress_as_a_file(cards, tmp_path):
    page = cards
    first = dealt(page)
    page.keyboard.press("Space")
    page.keyboard.press("3")
    with page.expect_download() as info:
        page.locator(".mlx-fc-export").click()
    path = tmp_path / "progress.json"
    info.value.save_as(path)
    data = json.loads(path.read_text())
    assert data["app"] == "mlnotes-flashcards" and list(data["cards"]) == [first]

    page.evaluate(f"() => localStorage.removeItem('{KEY}')")
    page.reload(wait_until="load")
    page.wait_for_selector("#mlx-flashcards[data-ready='1']")
    assert dealt(page) == first, "progress cleared: the first card is new again"
    page.locator("#mlx-fc-import").set_input_files(str(path))
    page.wait_for_function("() => document.querySelector('.mlx-fc-note').textContent.startsWith('Imported')")
    assert list(stored(page)["cards"]) == [first] and dealt(page) != first

    bad = tmp_path / "bad.json"
    bad.write_text('{"cards": 3}')
    page.locator("#mlx-fc-import").set_input_files(str(bad))
    page.wait_for_function("() => document.querySelector('.mlx-fc-note').textContent.startsWith('Import failed')")
    assert list(stored(page)["cards"]) == [first]
    assert page.log.errors == [], page.log.errors
