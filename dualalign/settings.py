"""Where dualalign keeps its data, and the environment variables it reads.

Precedence everywhere: command-line option > environment variable > default.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = ["ENVIRONMENT_VARIABLES", "bundled_path", "data_home"]

#: Every environment variable dualalign reads, with its meaning (the README lists the same).
ENVIRONMENT_VARIABLES: dict[str, str] = {
    "DUALALIGN_HOME": "data directory for graphs, runs, caches and registered diseases",
    "DUALALIGN_DEBUG": "any value: show tracebacks, as --debug",
    "DUALALIGN_STORE": "graph store: memory (default) or neo4j",
    "NEO4J_URI": "Neo4j Bolt URI (default bolt://127.0.0.1:7687)",
    "NEO4J_USERNAME": "Neo4j user (default neo4j)",
    "NEO4J_PASSWORD": "Neo4j password",
    "NEO4J_DATABASE": "Neo4j database (default neo4j)",
    "OPENAI_API_KEY": "key for --llm openai (not needed for a server on 127.0.0.1)",
    "OPENAI_BASE_URL": "OpenAI-compatible server URL for --llm openai (or --base-url)",
    "DUALALIGN_EMBED_MODEL": "embedding model folder for embed-lr and report (default MiniLM)",
    "DUALALIGN_FINETUNE_MODEL": "model folder the finetune classifier trains (default MiniLM)",
    "DUALALIGN_RAY_ADDRESS": "--ray-address for --executor ray: auto, local or HOST:PORT",
    "DUALALIGN_LLAMA_CPU": "local model's llama.cpp CPU path: auto (probed), safe or fast",
}


def data_home() -> Path:
    """Return the data directory: ``$DUALALIGN_HOME`` or the per-user data folder.

    The directory is created if needed.
    """
    raw = os.environ.get("DUALALIGN_HOME")
    home = Path(raw).expanduser() if raw else Path(platformdirs.user_data_dir("dualalign"))
    home.mkdir(parents=True, exist_ok=True)
    return home


def bundled_path(name: str) -> Path:
    """Locate a folder shipped with dualalign (``ontologies`` or ``cypher``).

    An installed wheel carries them inside the package; a source checkout has them at the top.
    """
    package_dir = Path(__file__).resolve().parent
    inside = package_dir / "_bundled" / name
    if inside.is_dir():
        return inside
    return package_dir.parent / name
