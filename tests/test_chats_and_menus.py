"""Groups, command menus per scope, /help per role, /language, stale buttons."""

from __future__ import annotations

from bot.runner import publish_commands_for
from tests import seed
from tests.harness import STAFF_CHAT_ID


async def test_unknown_group_is_told_how_to_become_the_staff_group(bot, people) -> None:
    owner = people("Владелец")
    group = bot.fake.world.add_group(-1002000000002, "Чат родителей", {owner.id: "creator"})
    await bot.feed(bot.fake.my_chat_member_update(group, owner.user, "left", "member"))
    [told] = bot.fake.bot_messages(group.id)
    assert "STAFF_CHAT_ID=-1002000000002" in told.text

    await owner.send_in(group, "Привет всем")
    await bot.feed(bot.fake.my_chat_member_update(group, owner.user, "member", "left"))
    await bot.feed(bot.fake.my_chat_member_update(group, owner.user, "left", "member"))
    assert len(bot.fake.bot_messages(group.id)) == 1, "chatter and a second invitation: silence"

    await owner.send_in(group, "/pending")
    answer = bot.fake.last_bot_message(group.id).text
    assert answer.startswith("Эта группа — не группа сотрудников института")
    assert "STAFF_CHAT_ID=-1002000000002" in answer and "перезапускает" in answer


async def test_staff_group_greeting_and_chatter_ignored(bot, people) -> None:
    olga = people("Ольга", staff=True)
    staff_chat = bot.fake.world.chats[STAFF_CHAT_ID]
    await bot.feed(bot.fake.my_chat_member_update(staff_chat, olga.user, "left", "administrator"))
    assert "группа сотрудников" in bot.fake.last_bot_message(STAFF_CHAT_ID).text
    count = len(bot.fake.bot_messages(STAFF_CHAT_ID))
    await olga.send_in(staff_chat, "Коллеги, кто сегодня дежурит?")
    assert len(bot.fake.bot_messages(STAFF_CHAT_ID)) == count
    await olga.send_in(staff_chat, "/help")
    assert "/invite" in bot.fake.last_bot_message(STAFF_CHAT_ID).text


async def test_commands_are_published_per_scope_and_language(bot) -> None:
    await publish_commands_for(bot.app)
    private = bot.fake.commands_for({"type": "all_private_chats"})
    assert [c["command"] for c in private] == [
        "start", "help", "cancel", "language", "settings", "calendar", "export",
    ]  # fmt: skip
    assert private[1]["description"] == "Что умеет бот"
    english = bot.fake.commands_for({"type": "all_private_chats"}, "en")
    assert english[1]["description"] == "What the bot can do"
    staff = bot.fake.commands_for({"type": "chat", "chat_id": STAFF_CHAT_ID})
    assert "invite" in [c["command"] for c in staff]


async def test_help_differs_by_role(bot, people) -> None:
    await seed.schools(bot.app)
    guest = people("Гость")
    staff = people("Ольга", staff=True)
    coordinator = people("Мария")
    code = await seed.invitation(bot.app, "МАОУ Гимназия № 5")
    await coordinator.send(f"/start {code}")
    await coordinator.press("Даю согласие")
    await coordinator.send("Иванова Мария Петровна")
    await coordinator.send("Учитель")

    assert "Запросить доступ" in await guest.send("/help")
    assert "сотрудник института" in await staff.send("/help")
    help_text = await coordinator.send("❓ Помощь")
    assert "координатор подаёт заявки" in help_text
    assert len(help_text.splitlines()) == 3


async def test_language_follows_the_client_and_can_be_switched(bot, people) -> None:
    english = people("John", language="en")
    assert "invitation link" in await english.send("/start")
    russian = people("Иван", language="de")
    assert "ссылку-приглашение" in await russian.send("/start")

    await russian.send("/language")
    chooser = russian.last
    answer = await russian.press("English")
    assert "Language: English" in bot.fake.message(russian.id, chooser.message_id).text
    assert "The menu has been updated" in answer
    assert "🔑 Request access" in russian.reply_buttons()
    assert "invitation link" in await russian.send("/help")
    await russian.send("/language")
    await russian.press("Русский")
    assert "ссылку-приглашение" in await russian.send("/help")


async def test_old_buttons_and_free_text_always_get_an_answer(bot, people) -> None:
    guest = people("Гость")
    await guest.send("/start")
    answer = await guest.send("Здравствуйте, что тут делать?")
    assert "Я не понял сообщение" in answer
    assert "Такой команды нет" in await guest.send("/unknown")
    await guest.send("/language")
    language_message = guest.last
    await guest.press("Русский", message=language_message)

    # A button from a finished step (e.g. Cancel of a dialog already left) is answered.
    update = bot.fake.callback_update(
        guest.user, language_message, "nav:cancel", check_button=False
    )
    await bot.feed(update)
    query = bot.fake.callback_query(update["callback_query"]["id"])
    assert query.answered and "уже завершён" in query.answer_text
    update = bot.fake.callback_update(guest.user, language_message, "zzz:1", check_button=False)
    await bot.feed(update)
    query = bot.fake.callback_query(update["callback_query"]["id"])
    assert query.answered and "не действует" in query.answer_text


async def test_the_old_label_of_my_documents_still_opens_them(bot, coordinator) -> None:
    """«📂 Мои заявки» became «📂 Мои документы»; old reply keyboards still send the old label,
    and it works the same, even in the middle of a form."""
    maria = coordinator
    assert "📂 Мои документы" in maria.reply_buttons()
    assert "📂 Мои заявки" not in maria.reply_buttons()
    assert "Пока нет ни одного документа" in await maria.send("📂 Мои заявки")
    assert "Шаг 1 из" in await maria.send("📣 Анонс мероприятия")
    listing = await maria.send("📂 Мои заявки")  # leaves the question
    assert listing.startswith("Мои документы (всего 1)") and "Анонс мероприятия" in listing
    assert "черновик" in listing
