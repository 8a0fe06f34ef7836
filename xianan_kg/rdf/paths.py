"""Where the project's inputs and outputs live, anchored to this file, never to the working directory."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY_DIR = ROOT / "ontology"
DATA_DIR = ROOT / "data"
SOURCE_FILE = DATA_DIR / "source" / "xianan-2023-review.zh.txt"
LINKS_DIR = DATA_DIR / "links"  # linksets to other datasets: loaded apart from the data, never reasoned over
QC_DIR = ONTOLOGY_DIR / "qc"
RULES_DIR = ONTOLOGY_DIR / "rules"  # OWL 2 RL rules as SPARQL Update (*.ru) and consistency checks (*.rq)
QUERIES_DIR = ROOT / "queries"
DIST_DIR = ROOT / "dist"

ONTOLOGY_FILES = ("xianan.ttl", "schemes.ttl", "alignments.ttl")
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"


def ontology_files() -> list[Path]:
    """The OWL ontology and its concept schemes, in a fixed order."""
    return [ONTOLOGY_DIR / name for name in ONTOLOGY_FILES]


def data_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """Every Turtle file of facts, sorted so that loading is deterministic."""
    # links/ are linksets, drafts/ are proposals not yet accepted (see data/drafts/README.md)
    return sorted(p for p in data_dir.rglob("*.ttl") if not {"links", "drafts"} & set(p.relative_to(data_dir).parts))
