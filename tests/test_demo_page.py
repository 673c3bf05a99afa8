"""The demo's page without a browser: what it shows each person and what it draws of the bot's text.

The browser tests (test_demo_browser.py) drive the whole demo with the real bot; these check
the page's answers and its drawing of Telegram's entities, fast, on every machine.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.demo import cast
from bot.emulator import FakeTelegram
from bot.emulator.client import Client
from bot.emulator.client.render import to_html


class Page:
    """The page's HTTP side, and the bot's Bot API, on one emulator."""

    def __init__(self, fake: FakeTelegram, session: aiohttp.ClientSession) -> None:
        self.fake = fake
        self.session = session

    async def get(self, path: str) -> tuple[int, Any]:
        async with self.session.get(path) as response:
            if response.content_type != "application/json":
                return response.status, await response.text()
            return response.status, await response.json()

    async def bot(self, method: str, **params: Any) -> dict[str, Any]:
        async with self.session.post(f"/bot{cast.TOKEN}/{method}", json=params) as response:
            answer: dict[str, Any] = await response.json()
            return answer

    async def write(self, member: cast.Member, chat_id: int, text: str, **fields: str) -> None:
        given = {"as": str(member.id), "chat_id": str(chat_id), "text": text}
        form = aiohttp.FormData(given, default_to_multipart=True)  # as the page sends it
        for name, value in fields.items():
            form.add_field(name, value)
        async with self.session.post("/demo/send", data=form) as response:
            assert response.status == 200, await response.text()


@pytest.fixture
async def page() -> AsyncIterator[Page]:
    fake = FakeTelegram(cast.TOKEN)
    client = Client(fake, cast.populate(fake.world))
    await fake.start(extend=client.attach)
    async with aiohttp.ClientSession(fake.base_url) as session:
        yield Page(fake, session)
    await fake.stop()


async def test_each_person_sees_their_own_chats(page: Page) -> None:
    status, body = await page.get("/demo/people")
    assert status == 200
    roles = [person["role"] for person in body["people"]]
    assert roles.count("coordinator") == 2 and roles.count("staff") == 2
    assert {"mentor", "admin", "stranger"} <= set(roles)

    def titles(chats: list[dict[str, Any]]) -> list[str]:
        return [chat["title"] for chat in chats]

    _, staff = await page.get(f"/demo/people/{cast.OLGA.id}/chats")
    assert titles(staff) == ["Coordbot", cast.STAFF_GROUP, cast.CHANNEL]
    assert staff[1]["forum"], "the staff group is a forum with topics"
    _, stranger = await page.get(f"/demo/people/{cast.ANNA.id}/chats")
    assert titles(stranger) == ["Coordbot", cast.CHANNEL]
    status, _ = await page.get(f"/demo/chats/{cast.STAFF_CHAT_ID}?as={cast.ANNA.id}")
    assert status == 404, "a stranger cannot open the staff group"


async def test_the_command_menu_is_the_narrowest_scope_the_bot_set(page: Page) -> None:
    everyone = [{"command": "help", "description": "Что умеет бот"}]
    staff = [{"command": "pending", "description": "Ждут решения"}]
    await page.bot("setMyCommands", commands=everyone, scope={"type": "all_private_chats"})
    group_scope = {"type": "chat", "chat_id": cast.STAFF_CHAT_ID}
    assert (await page.bot("setMyCommands", commands=staff, scope=group_scope))["ok"]

    _, private = await page.get(f"/demo/chats/{cast.MARIA.id}?as={cast.MARIA.id}")
    assert [c["command"] for c in private["commands"]] == ["help"]
    _, group = await page.get(f"/demo/chats/{cast.STAFF_CHAT_ID}?as={cast.IGOR.id}")
    assert [c["command"] for c in group["commands"]] == ["pending"]


async def test_what_a_person_writes_reaches_the_bot_as_a_reply_in_its_topic(page: Page) -> None:
    topic = await page.bot("createForumTopic", chat_id=cast.STAFF_CHAT_ID, name="Анонсы")
    thread = topic["result"]["message_thread_id"]
    card = await page.bot(
        "sendMessage", chat_id=cast.STAFF_CHAT_ID, message_thread_id=thread, text="Анонс № 1"
    )
    message_id = card["result"]["message_id"]

    await page.write(cast.OLGA, cast.STAFF_CHAT_ID, "Уточните место", reply_to=str(message_id))

    updates = (await page.bot("getUpdates"))["result"]
    message = updates[-1]["message"]
    assert message["text"] == "Уточните место"
    assert message["from"]["id"] == cast.OLGA.id
    assert message["reply_to_message"]["message_id"] == message_id
    assert message["message_thread_id"] == thread
    _, shown = await page.get(f"/demo/chats/{cast.STAFF_CHAT_ID}?as={cast.OLGA.id}")
    assert shown["messages"][-1]["reply_to"]["snippet"] == "Анонс № 1"


async def test_a_form_the_page_would_not_send_is_refused_not_a_crash(page: Page) -> None:
    plain = {"as": str(cast.MARIA.id), "chat_id": str(cast.MARIA.id), "text": "Привет"}
    async with page.session.post("/demo/send", data=plain) as response:
        assert response.status == 400
    assert (await page.bot("getUpdates"))["result"] == []


async def test_the_reply_keyboard_is_the_bot_s_latest_until_removed(page: Page) -> None:
    menu = {"keyboard": [["📣 Анонс", "📂 Мои заявки"]], "resize_keyboard": True}
    await page.write(cast.MARIA, cast.MARIA.id, "/start")  # or the bot may not write to her
    assert (await page.bot("sendMessage", chat_id=cast.MARIA.id, text="Меню", reply_markup=menu))[
        "ok"
    ]
    _, chat = await page.get(f"/demo/chats/{cast.MARIA.id}?as={cast.MARIA.id}")
    assert chat["keyboard"]["rows"] == [["📣 Анонс", "📂 Мои заявки"]]

    removed = {"remove_keyboard": True}
    await page.bot("sendMessage", chat_id=cast.MARIA.id, text="Готово", reply_markup=removed)
    _, chat = await page.get(f"/demo/chats/{cast.MARIA.id}?as={cast.MARIA.id}")
    assert chat["keyboard"] is None


def test_entities_are_drawn_where_telegram_puts_them() -> None:
    text = "👤 Иванова: <ответ> важно"
    # Offsets count UTF-16 code units: the emoji before the bold name takes two.
    entities = [
        {"type": "bold", "offset": 3, "length": 7},
        {"type": "spoiler", "offset": 20, "length": 5},
    ]
    assert to_html(text, entities) == (
        '👤 <b>Иванова</b>: &lt;ответ&gt; <span class="spoiler" title="spoiler">важно</span>'
    )


def test_a_client_links_addresses_and_commands_itself_but_not_inside_code_or_tags() -> None:
    text = "Полный список — /pending, сайт https://edu.example.ru. Код </b> и /cancel"
    code = text.index("/cancel")
    drawn = to_html(text, [{"type": "code", "offset": code, "length": 7}])
    assert '<a class="command" href="#" data-command="/pending">/pending</a>,' in drawn
    assert 'href="https://edu.example.ru"' in drawn, "the full stop is not part of the link"
    assert "&lt;/b&gt;" in drawn
    assert "<code>/cancel</code>" in drawn


def test_a_quote_or_a_code_block_takes_its_line_break_with_it() -> None:
    text = "Было:\nцитата\nкод\nдальше"
    entities = [
        {"type": "blockquote", "offset": 6, "length": 6},
        {"type": "pre", "offset": 13, "length": 3},
    ]
    assert to_html(text, entities) == (
        'Было:\n<blockquote>цитата</blockquote><pre data-language="">код</pre>дальше'
    )
