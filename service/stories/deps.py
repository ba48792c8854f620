"""What the story routes (the API's and the browser's page) keep per app,
so per server worker process, as FastAPI dependencies: the pages and
alignments written (``StoryPages``) and the versions read
(``StoryVersions``), each made on first use and bounded by its setting."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from service.platform.deps import SettingsDep, per_app
from service.stories.cache import StoryPages, StoryVersions

__all__ = ["StoryPagesDep", "StoryVersionsDep", "story_pages", "story_versions"]


async def story_pages(request: Request, settings: SettingsDep) -> StoryPages:
    """The app's kept story pages and alignments."""
    return per_app(
        request,
        "story_pages",
        StoryPages,
        lambda: StoryPages(max_bytes=settings.story_cache_bytes),
    )


async def story_versions(request: Request, settings: SettingsDep) -> StoryVersions:
    """The app's kept versions' texts and quotations, which every story
    read shares."""
    return per_app(
        request,
        "story_versions",
        StoryVersions,
        lambda: StoryVersions(max_bytes=settings.story_versions_cache_bytes),
    )


StoryPagesDep = Annotated[StoryPages, Depends(story_pages)]
StoryVersionsDep = Annotated[StoryVersions, Depends(story_versions)]
