"""The message that hands out an invitation: who it is for, its one-time link, until when."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Bot

from handlers.ui.render import render
from services.people.community import CommunityInvitation
from services.people.districts import DistrictInvitation
from services.people.invitations import IssuedInvitation, deep_link

Invitation = IssuedInvitation | DistrictInvitation | CommunityInvitation


async def invite_link(bot: Bot, invitation: Invitation, zone: ZoneInfo) -> str:
    username = (await bot.me()).username or ""
    link = deep_link(username, invitation.code)
    return render("invite_link.html.j2", invite=invitation, link=link, zone=zone)
