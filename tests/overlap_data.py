"""Creators with planted follower samples, imported through the real import (tests of audience overlap)."""

from __future__ import annotations

import io
import json

from campaigns.demo.follower_samples import PlantedWorld, planted_world
from influencers import overlap
from influencers.importers import metrics_import
from influencers.models import Influencer
from tests.discovery_data import creator


def import_samples(records: list[dict]) -> object:
    body = json.dumps({"follower_samples": records}).encode()
    return metrics_import(source=io.BytesIO(body), fmt="json", filename="samples.json")


def sample_record(world: PlantedWorld, position: int, handle: str) -> dict:
    return {
        "platform": world.platform,
        "account": handle,
        "sample_rate": overlap.rate_of(world.levels[position]),
        "follower_ids": list(world.sample(position)),
    }


def planted(followers: list[int], *, group_size: int = 10, prefix: str = "pl") -> tuple[PlantedWorld, list[Influencer]]:
    """Creators with these follower counts on Instagram and their planted samples, imported."""
    world = planted_world(followers, group_size=group_size)
    creators = [creator(f"{prefix}{i}", followers=count) for i, count in enumerate(followers)]
    import_samples([sample_record(world, i, f"{prefix}{i}_instagram") for i in range(len(followers))])
    return world, creators
