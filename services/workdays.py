"""Working days: Russia's public holidays and their transfers, and a deployment's own changes.

The production calendar comes from the `holidays` package (Russia: holidays, the days off
they are moved to, and the Saturdays made working days by the Government's decree). A
deployment adds what the package does not know yet or what its region decides: extra days
off (`EXTRA_DAYS_OFF`) and extra working days, such as a working Saturday
(`EXTRA_WORKING_DAYS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays


@lru_cache(maxsize=8)
def _russia(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("RU", years=year)


@dataclass(frozen=True)
class WorkingCalendar:
    days_off: frozenset[date] = frozenset()
    """Days off besides the federal ones (a regional holiday, a day the institute is closed)."""
    working_days: frozenset[date] = frozenset()
    """Working days besides Monday to Friday (a working Saturday the package does not know)."""

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off:
            return False
        return bool(_russia(day.year).is_working_day(day))

    def holiday(self, day: date) -> str | None:
        """The federal holiday or transferred day off it is, if any (for the operator)."""
        found = _russia(day.year).get(day)
        return str(found) if found else None
