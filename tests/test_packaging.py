"""pyproject.toml lists every package and every folder of server/'s templates and static files.

setuptools warns ("Package ... is absent from the `packages` configuration") about a folder of data files that
is not listed, and says a later version will leave it out of the wheel; a new folder under server/static/ fails
here first. tests/test_release_standalone.py installs the wheel for real and checks that no warning is printed and
that every file arrives.
"""

from __future__ import annotations

import tomllib

from xianan_kg.rdf import paths

SERVER = paths.ROOT / "server"


def listed_packages() -> set[str]:
    config = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(config["tool"]["setuptools"]["packages"])


def test_every_python_package_is_listed():
    found = {
        ".".join(init.parent.relative_to(paths.ROOT).parts) for init in (paths.ROOT / "xianan_kg").rglob("__init__.py")
    }
    found |= {"xianan_kg.server"}  # server/ is installed under that name (package-dir)
    assert found <= listed_packages(), sorted(found - listed_packages())


def test_every_folder_of_templates_and_static_files_is_listed():
    folders = {
        file.parent
        for top in ("templates", "static")
        for file in (SERVER / top).rglob("*")
        if file.is_file() and "__pycache__" not in file.parts
    }
    wanted = {".".join(("xianan_kg", "server", *folder.relative_to(SERVER).parts)) for folder in folders}
    assert wanted <= listed_packages(), sorted(wanted - listed_packages())
