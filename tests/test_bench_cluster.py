"""The bench's private PostgreSQL settings (bench/cluster.py): sized from the machine, written once."""

from __future__ import annotations

from pathlib import Path

from bench.cluster import BLOCK_START, GB, MB, parse_size, production_settings, settings_block, write_settings


def test_settings_are_sized_from_memory_and_cores() -> None:
    settings = {s.name: s.value for s in production_settings(memory=24 * GB, cpus=2)}
    assert settings["shared_buffers"] == "6GB"  # 25 %
    assert parse_size(settings["effective_cache_size"]) == int(24 * GB * 0.65) // MB * MB
    assert parse_size(settings["work_mem"]) == 61 * MB  # (24 GB - 6 GB) / 300
    assert settings["maintenance_work_mem"] == "1536MB"  # RAM / 16
    assert settings["random_page_cost"] == "1.1"
    assert settings["autovacuum"] == "on"
    assert settings["jit"] == "off"
    assert (settings["max_parallel_workers"], settings["max_parallel_workers_per_gather"]) == ("2", "1")
    big = {s.name: s.value for s in production_settings(memory=256 * GB, cpus=16)}
    assert big["shared_buffers"] == "64GB"
    assert big["maintenance_work_mem"] == "2GB"  # capped
    assert big["work_mem"] == "256MB"  # capped
    assert big["max_parallel_workers_per_gather"] == "8"


def test_the_settings_block_replaces_the_one_an_earlier_start_wrote(tmp_path: Path) -> None:
    conf = tmp_path / "postgresql.conf"
    conf.write_text("max_connections = 100\nshared_buffers = 128MB\n")
    write_settings(conf, settings_block(memory=4 * GB, cpus=2, port=5441, data_dir=tmp_path))
    write_settings(conf, settings_block(memory=8 * GB, cpus=2, port=5441, data_dir=tmp_path))
    text = conf.read_text()
    assert text.count(BLOCK_START) == 1
    # The block comes last, so its values win over initdb's defaults above it.
    assert text.rstrip().splitlines()[-1].startswith("# --- end")
    assert "shared_buffers = 2GB" in text
    assert "port = 5441" in text
