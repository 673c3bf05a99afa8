"""`make demo` in a browser: people act in the page, the real bot answers through the emulator.

One Chromium and one demo (`python -m bot.demo`, the bot's date 23.11.2026) for the module;
each test opens pages of its own. Screenshots of every step go to
`test-artifacts/browser/<test>/`. The demo's story (see `bot/demo/story.py`) has left a
submission in each state; the tests add their own.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bot.demo import cast
from tests import browser

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

STEP = 15_000
"""Milliseconds to wait for the bot's answer to one step (it paces itself like for Telegram)."""
STAFF_GROUP = "Сотрудники института"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Module-scoped: Playwright's sync API runs an event loop in this thread while it lives,
    and the async tests that follow in the same worker need the thread free of it."""
    if reason := browser.missing():
        if browser.required():
            pytest.fail(f"{reason}; {browser.REQUIRE_VARIABLE}=1 requires it", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(browser.CHROMIUM), args=browser.CHROMIUM_FLAGS
        )
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def demo(chromium: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with browser.demo(tmp_path_factory.mktemp("demo")) as address:
        yield address


class Screen:
    """One browser tab: choose a person and a chat, write, tap, read; a screenshot a step."""

    def __init__(self, page: Page, address: str, shots: Path, tab: str = "") -> None:
        self.page = page
        self.address = address
        self.shots = shots
        self.tab = tab

    def open(self) -> Screen:
        self.page.goto(self.address)
        self.page.locator("#people-list li").first.wait_for()
        return self

    def shot(self, name: str) -> None:
        count = len(list(self.shots.glob("*.png"))) + 1
        self.page.screenshot(path=self.shots / f"{count:02d}-{self.tab}{name}.png")

    def act_as(self, name: str) -> None:
        self.page.locator("#people-list li", has_text=name).click()
        self.expect(self.page.locator("#people-list li.active"), name)
        # their own chats listed (a private chat's id is the person's), not the last person's
        person = self.page.locator("#people-list li.active").get_attribute("data-person")
        self.page.locator(f'#chat-list li[data-chat="{person}"]').wait_for(timeout=STEP)

    def chat(self, title: str) -> None:
        self.page.locator("#chat-list li", has_text=title).click()
        self.expect(self.page.locator("#chat-title"), title)

    @property
    def messages(self) -> Locator:
        return self.page.locator("#messages .row")

    def message(self, text: str) -> Locator:
        """The newest message that contains `text`."""
        return self.messages.filter(has_text=text).last

    def write(self, text: str) -> None:
        self.page.locator("#text").fill(text)
        self.page.locator("#text").press("Enter")

    def tap(self, label: str) -> None:
        """A button of the reply keyboard (the menu at the bottom)."""
        self.page.locator("#keyboard button", has_text=label).click()

    def press(self, label: str, message: Locator | None = None) -> None:
        """An inline button under the newest message that has one (or under `message`)."""
        scope = message if message is not None else self.messages.filter(has=self._button(label))
        scope.last.locator(".inline-kb button", has_text=label).first.click()

    def _button(self, label: str) -> Locator:
        return self.page.locator(".inline-kb button", has_text=label)

    def answered(self, text: str) -> Locator:
        """Wait until the bot's newest message contains `text`."""
        last = self.page.locator("#messages .row:not(.out)").last
        self.expect(last, text)
        return last

    def expect(self, locator: Locator, text: str) -> None:
        from playwright.sync_api import expect

        expect(locator).to_contain_text(text, timeout=STEP)


@pytest.fixture
def screens(chromium: Browser, demo: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """`screens(tab="a/")`: a new tab (a context of its own, like another computer)."""
    shots = browser.artifacts(request.node.name)
    contexts = []

    def make(tab: str = "") -> Screen:
        context = chromium.new_context(
            viewport={"width": 1400, "height": 900}, locale="ru-RU", timezone_id="Europe/Moscow"
        )
        contexts.append(context)
        return Screen(context.new_page(), demo, shots, tab).open()

    yield make
    for context in contexts:
        context.close()


def test_an_announcement_from_the_coordinator_to_the_staff_and_back(screens) -> None:
    title = "Открытый урок «Цифровая лаборатория»"
    screen = screens()
    screen.act_as("Мария Иванова")
    screen.chat("Coordbot")
    screen.shot("coordinator")

    screen.tap("Анонс мероприятия")
    screen.answered("Шаг 1 из 7")
    screen.write(title)
    screen.answered("Шаг 2 из 7")
    screen.press("семинар")
    screen.answered("Шаг 3 из 7")
    screen.shot("form-of-the-event")
    screen.write("18.12.2026 10:00")
    screen.answered("Шаг 4 из 7")
    screen.write("Кабинет 12, ул. Ленина, 12")
    screen.answered("Шаг 5 из 7")
    screen.write("Учителя физики")
    screen.answered("Шаг 6 из 7")
    screen.press("Пропустить")
    screen.answered("Шаг 7 из 7")
    screen.write("Покажем цифровую лабораторию на уроке физики.")
    screen.answered("Проверьте перед отправкой")
    screen.shot("preview")
    screen.press("Отправить")
    sent = screen.answered("Отправлено в институт").inner_text()
    number = re.search(r"№ (\d+)", sent)
    assert number, sent
    screen.shot("sent")

    screen.act_as("Ольга Кузнецова")
    screen.chat(STAFF_GROUP)
    card = screen.message(title)
    screen.expect(card, "Статус: отправлено")
    screen.shot("card-in-the-staff-group")
    screen.press("Одобрить", card)
    screen.expect(screen.message(title), "Статус: одобрено")
    screen.shot("approved")

    screen.act_as("Мария Иванова")
    screen.chat("Coordbot")
    screen.answered(f"Одобрено: анонс мероприятия № {number[1]}")
    screen.shot("the-coordinator-is-told")
    screen.chat("Канал института")
    screen.expect(screen.message(title), "18.12.2026")
    screen.shot("published-in-the-channel")
    screen.chat("Coordbot")

    screen.page.locator("#clock-date").fill("2026-12-17")
    screen.page.locator("#clock-go").click()
    screen.expect(screen.page.locator("#clock-now"), "17 декабря 2026")
    screen.answered(f"Завтра: «{title}»")
    screen.shot("the-eve-of-the-event")

    screen.page.locator("#plus-day").click()
    screen.expect(screen.page.locator("#clock-now"), "18 декабря 2026")


def test_two_tabs_see_a_decision_travel_live(screens) -> None:
    staff = screens(tab="staff-")
    staff.act_as("Игорь Соколов")
    staff.chat(STAFF_GROUP)
    coordinator = screens(tab="coordinator-")
    coordinator.act_as("Алексей Смирнов")
    coordinator.chat("Coordbot")
    before = coordinator.messages.count()
    staff.shot("card")
    coordinator.shot("before")

    title = "Практикум «Робототехника в 5 классе»"
    staff.press("На доработку", staff.message(title))
    staff.press("Отмена", staff.message("выберите причину"))
    staff.expect(staff.page.locator("#toasts"), "Отменено")
    staff.shot("toast")
    staff.press("Беру в работу", staff.message(title))
    staff.expect(staff.message(title), "Рассматривает: Игорь")
    staff.press("Одобрить", staff.message(title))
    staff.expect(staff.message(title), "Статус: одобрено")
    coordinator.answered("Одобрено:")
    assert coordinator.messages.count() > before
    staff.shot("approved")
    coordinator.shot("told-without-reloading")


def test_the_bot_s_html_keyboards_and_answers_render_as_in_telegram(screens, demo) -> None:
    screen = screens()
    screen.act_as("Анна Новикова")
    screen.chat("Coordbot")
    screen.write("/start")
    screen.answered("доступ")
    html = (
        "<b>Жирный</b>, <i>курсив</i>, <u>подчёркнутый</u>, <s>зачёркнутый</s>, "
        '<a href="https://example.org/">ссылка</a>, <code>код</code>, '
        "<tg-spoiler>скрытый</tg-spoiler>\n<blockquote>Цитата</blockquote>\n<pre>блок кода</pre>"
    )
    markup = {"inline_keyboard": [[{"text": "Старая кнопка", "callback_data": "gone:1"}]]}
    bot_api(demo, "sendMessage", chat_id=cast.ANNA.id, text=html, parse_mode="HTML",
            reply_markup=markup)  # fmt: skip
    message = screen.message("Жирный")
    for selector, text in (
        ("b", "Жирный"),
        ("i", "курсив"),
        ("u", "подчёркнутый"),
        ("s", "зачёркнутый"),
        ("a[href='https://example.org/']", "ссылка"),
        ("code", "код"),
        (".spoiler", "скрытый"),
        ("blockquote", "Цитата"),
        ("pre", "блок кода"),
    ):
        screen.expect(message.locator(selector), text)
    message.locator(".spoiler").click()
    assert "revealed" in (message.locator(".spoiler").get_attribute("class") or "")
    screen.shot("formatting")

    screen.press("Старая кнопка", message)  # the bot knows no such button: it says so
    screen.expect(screen.page.locator("#alert[open]"), "кнопка уже не действует")
    screen.shot("alert-for-an-old-button")
    screen.page.locator("#alert button").click()

    screen.page.locator("#commands-button").click()
    screen.expect(screen.page.locator("#commands"), "/help")
    screen.shot("command-menu")
    screen.page.locator("#commands li", has_text="/help").click()
    help_text = screen.answered("/language")
    cancel = help_text.locator("a.command", has_text="/cancel")  # a client links them itself
    screen.expect(cancel, "/cancel")
    screen.shot("help")


def test_files_go_both_ways(screens, demo, tmp_path) -> None:
    screen = screens()
    screen.act_as("Ольга Кузнецова")
    screen.chat(STAFF_GROUP)
    document = screen.page.locator("a.doc", has_text="digital-lesson.pdf").last
    response = screen.page.request.get(demo.rstrip("/") + document.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF-")
    album = screen.messages.filter(has=screen.page.locator("a.doc")).last
    assert album.locator("a.doc").count() == 2, "the two files of the materials are one album"
    album.scroll_into_view_if_needed()
    screen.shot("album-of-documents")

    screen.act_as("Дмитрий Волков")
    screen.chat("Coordbot")
    schools = tmp_path / "schools.csv"
    schools.write_text("name;district\nМБОУ СОШ № 40;Северный район\n", encoding="utf-8")
    screen.page.locator("#file").set_input_files(schools)
    screen.page.locator("#send").click()
    screen.answered("Добавлено: 1")
    screen.expect(screen.message("schools.csv"), "schools.csv")
    screen.shot("administrator-sent-a-file")


def test_a_coordinator_attaches_a_photo_from_the_computer(screens, demo, tmp_path) -> None:
    from PIL import Image

    screen = screens()
    screen.act_as("Алексей Смирнов")
    screen.chat("Coordbot")
    screen.tap("Материалы")
    screen.answered("Шаг 1 из")
    screen.write("Фотоотчёт о практикуме")
    screen.answered("Шаг 2 из")
    screen.press("публикация")
    screen.answered("Шаг 3 из")
    screen.press("Пропустить")
    screen.answered("Шаг 4 из")
    photo = tmp_path / "practicum.png"
    Image.new("RGB", (320, 200), (51, 144, 236)).save(photo)
    screen.page.locator("#file").set_input_files(photo)
    screen.expect(screen.page.locator("#file-chip"), "practicum.png")
    screen.page.locator("#send").click()
    screen.answered("Принят 1 файл")
    image = screen.page.locator("#messages .row.out img").last
    image.wait_for()
    response = screen.page.request.get(demo.rstrip("/") + image.get_attribute("src"))
    assert response.ok and response.headers["content-type"] == "image/png"
    screen.shot("photo-attached")
    screen.press("Отмена")
    screen.answered("Черновик сохранён")


def test_a_refused_call_shows_as_a_red_notice(screens, demo) -> None:
    screen = screens()
    screen.act_as("Мария Иванова")
    screen.page.locator("#langs button", has_text="EN").click()  # the page in English
    screen.expect(screen.page.locator("#people h2"), "People")
    screen.expect(screen.page.locator("#people-list li.active"), "Coordinator")
    status, answer = bot_api(demo, "sendMessage", chat_id=cast.MARIA.id, text="<b>не закрыт",
                             parse_mode="HTML")  # fmt: skip
    assert status == 400 and "can't parse entities" in answer["description"]
    notice = screen.page.locator("#notices .notice.refused").first
    screen.expect(notice, "Telegram refused a call: sendMessage")
    screen.expect(notice, "can't parse entities")
    screen.shot("refused-call")


def bot_api(demo: str, method: str, **params: Any) -> tuple[int, dict[str, Any]]:
    """A call to the emulator's Bot API with the demo bot's token, as the bot makes them."""
    request = urllib.request.Request(
        f"{demo}bot{cast.TOKEN}/{method}",
        data=json.dumps(params).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
