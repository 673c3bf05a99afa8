"""Russian as a coordinator would write it: counted words agree with their number, no
«одобрен(а)»-style hacks, the bot speaks as «я», and no button is wider than a phone."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from aiogram.utils.i18n import I18n
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from bot.app import create_i18n
from handlers.reminders.texts import make_renderer
from handlers.review.decisions import reasons
from handlers.ui.render import render, render_plain
from services.people.schools_import import ImportReport, RowError, RowProblem
from storage.models import Reminder

ROOT = Path(__file__).resolve().parent.parent
ZONE = ZoneInfo("Europe/Moscow")
COUNTS = (1, 2, 5, 11, 21, 22)
DAYS = {1: "1 день", 2: "2 дня", 5: "5 дней", 11: "11 дней", 21: "21 день", 22: "22 дня"}


@pytest.fixture(scope="module")
def russian() -> Iterator[I18n]:
    i18n = create_i18n()
    with i18n.context(), i18n.use_locale("ru"):
        yield i18n


def _reminder(rule: str, payload: dict[str, object]) -> Reminder:
    return Reminder(
        key=rule, rule=rule, subject="s", chat_id=1, payload=json.dumps(payload, ensure_ascii=False)
    )


# --- plural forms -------------------------------------------------------------------------


@pytest.mark.parametrize("n", COUNTS)
def test_days_waiting_agree_with_their_number(russian: I18n, n: int) -> None:
    line = SimpleNamespace(
        number=7, kind="Заявка", school="Лицей", age=n, claimed=None, late=False, undelivered=False
    )
    shown = render("pending.html.j2", lines=[line], total=1, blocked=[])
    assert f"№ 7 · Заявка · Лицей · {DAYS[n]}" in shown
    assert "дн." not in shown


@pytest.mark.parametrize("n", COUNTS)
def test_the_lead_time_of_an_announcement_agrees(russian: I18n, n: int) -> None:
    warning = render("announcement_late.html.j2", lead_days=n, deadline="01.12.2026")
    assert f"не позднее чем за {DAYS[n]} до мероприятия" in warning
    assert f"не позднее чем за {DAYS[n]} до мероприятия" in reasons(n)[3]


@pytest.mark.parametrize("n", COUNTS)
async def test_the_staff_digest_and_the_overdue_summary_agree(russian: I18n, n: int) -> None:
    text_of = make_renderer(russian, ZONE)
    oldest = [{"id": 3, "kind": "announcement", "school": "Лицей", "days": n}]
    digest, _ = await text_of(
        _reminder(
            "staff_digest", {"counts": {"announcement": 1}, "oldest": oldest, "highlight": 99}
        ),
        "ru",
    )
    assert f"№ 3 · Анонс мероприятия · Лицей · {DAYS[n]}" in digest
    names = [f"Школа № {k}" for k in range(1, n + 1)]
    summary, _ = await text_of(
        _reminder(
            "report_overdue_staff",
            {"closes": "2027-07-10", "schools": list(range(n)), "names": names},
        ),
        "ru",
    )
    schools = {
        1: "Не отчиталась 1 школа:",
        2: "Не отчитались 2 школы:",
        5: "Не отчитались 5 школ:",
        11: "Не отчитались 11 школ:",
        21: "Не отчиталась 21 школа:",
        22: "Не отчитались 22 школы:",
    }
    assert schools[n] in summary
    assert all(f"• {name}\n" in summary + "\n" for name in names), "the schools are named"


@pytest.mark.parametrize("n", COUNTS)
def test_skipped_rows_of_a_school_list_agree(russian: I18n, n: int) -> None:
    errors = [RowError(line, RowProblem.NO_NAME) for line in range(2, n + 2)]
    report = ImportReport(created=0, updated=0, unchanged=0, errors=errors)
    shown = render_plain("import_report.j2", report=report)
    rows = {
        1: "Пропущена 1 строка с ошибками.",
        2: "Пропущены 2 строки с ошибками.",
        5: "Пропущено 5 строк с ошибками.",
        11: "Пропущено 11 строк с ошибками.",
        21: "Пропущена 21 строка с ошибками.",
        22: "Пропущены 22 строки с ошибками.",
    }
    assert rows[n] in shown


@pytest.mark.parametrize("n", COUNTS)
def test_earlier_entries_of_the_audit_log_agree(russian: I18n, n: int) -> None:
    shown = render(
        "audit.html.j2",
        kind="Заявка",
        number=1,
        school="Лицей",
        status="одобрено",
        more=n,
        lines=[],
    )
    entries = {1: "запись", 2: "записи", 5: "записей", 11: "записей", 21: "запись", 22: "записи"}
    assert f"…раньше ещё {n} {entries[n]} (все — в /export audit)." in shown


@pytest.mark.parametrize("n", COUNTS)
def test_schools_matching_a_search_agree(russian: I18n, n: int) -> None:
    found = SimpleNamespace(total=n, candidates=[])
    shown = render("school_lookup_failed.html.j2", found=found, needle="СОШ")
    schools = {
        1: "подходит 1 школа",
        2: "подходят 2 школы",
        5: "подходят 5 школ",
        11: "подходят 11 школ",
        21: "подходит 21 школа",
        22: "подходят 22 школы",
    }
    assert f"Под «СОШ» {schools[n]}. Укажите номер:" in shown


def test_status_reminders_name_the_months(russian: I18n) -> None:
    grant = SimpleNamespace(
        problem=None,
        extension=False,
        school_name="Лицей № 2",
        status=SimpleNamespace(
            granted_on=date(2026, 9, 1), expires_on=date(2029, 8, 31), platform_id=None
        ),
        network=[],
        expiry_months=(6, 3, 1),
        certificate_due=None,
        roadmap=False,
    )
    shown = render("granted.html.j2", grant=grant, number=5)
    assert "о сроке я напомню за 6, 3 и 1 месяц." in shown
    assert "Статус площадки школы «Лицей № 2» записан с 01.09.2026." in shown
    grant.expiry_months = (3,)
    assert "о сроке я напомню за 3 месяца." in render("granted.html.j2", grant=grant, number=5)


def test_every_plural_of_the_russian_catalogue_has_its_three_forms() -> None:
    with (ROOT / "locales" / "ru" / "LC_MESSAGES" / "coordbot.po").open("rb") as file:
        catalogue = read_po(file)
    plurals = [m for m in catalogue if isinstance(m.id, tuple)]
    assert len(plurals) >= 15
    for message in plurals:
        forms = message.string
        assert len(forms) == 3 and all(forms), f"translate the three forms of {message.id[0]!r}"
        wanted = set(re.findall(r"%\(\w+\)s|\{\w+\}", message.id[1]))
        for form in forms:
            assert set(re.findall(r"%\(\w+\)s|\{\w+\}", form)) == wanted, form


# --- the catalogue: no hacks, one voice, no bare counts ------------------------------------


def _msgids() -> list[str]:
    """Every msgid (and plural) of the code, as `make extract` finds them."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "__": None, "lazy_gettext": None}
    found: list[str] = []
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=keywords
    ):
        found += [message] if isinstance(message, str) else list(message)
    return found


GENDER_HACK = re.compile(r"\w\((?:а|на|ы|и|о|ла|ло|ен|ны|ая|ое|ий)\)")
WE_OR_THE_BOT = re.compile(
    r"(?<!\w)(?:мы|нам|нас|нами|наш|наша|наше|наши|нашего|нашей|нашему|нашим|нашими|наших|нашу)"
    r"(?!\w)|(?<!\w)бот(?:а|у)?\s+(?:не\s+)?(?:может|сообщит|напомнит|пришлёт|напишет|отправит|спросит)"
    r"|этого\s+бота",
    re.IGNORECASE,
)
BARE_COUNT = re.compile(
    r"(?:%\(\w+\)s|\{\w+\})\s*(?:дн|мес)\.|\(их %\(|"
    r"(?:школ|строк|записей|дней|заявок|файлов|мероприятий|претендентов):\s*(?:%\(\w+\)s|\{\w+\})"
)


def test_no_gender_hacks_in_the_texts() -> None:
    messages = _msgids()
    assert len(messages) > 500
    assert [m for m in messages if GENDER_HACK.search(m)] == []


def test_the_bot_speaks_as_i() -> None:
    assert [m for m in _msgids() if WE_OR_THE_BOT.search(m)] == []


def test_no_count_is_left_without_its_plural_form() -> None:
    assert [m for m in _msgids() if BARE_COUNT.search(m)] == []


def test_decisions_put_the_state_first(russian: I18n) -> None:
    submission = SimpleNamespace(id=5, school=SimpleNamespace(name="МБОУ «СОШ № 5»"))
    approved = render(
        "decision_notice.html.j2",
        s=submission,
        status="approved",
        comment="",
        kind="Методические материалы",
        published=False,
        mentor=True,
    )
    assert approved.startswith("Школа МБОУ «СОШ № 5»:\n✅ Одобрено: методические материалы № 5.")
    sent = render("submission_sent.html.j2", kind="Анонс мероприятия", number=3, late=True)
    assert sent.startswith("✅ Отправлено в институт: анонс мероприятия № 3.")
    assert "«подано с опозданием»" in sent and "«📂 Мои документы»" in sent
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    claimed = SimpleNamespace(
        decided_at=None, claimed_at=now, claimed_by_name="Мария Иванова", status="in_review"
    )
    assert "Уже рассматривает: Мария Иванова, с 01.12.2026 12:00." in render(
        "review_already.j2", s=claimed, zone=ZONE
    )
