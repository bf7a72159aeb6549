"""`--help` is fast, shows examples, and imports no heavy library."""

from __future__ import annotations

import json
import subprocess
import sys

from storylens.cli import COMMANDS

HEAVY = (
    "spacy",
    "torch",
    "sklearn",
    "trafilatura",
    "fastapi",
    "numpy",
    "model2vec",
    "dateparser",
    "datasketch",
)

PROBE = f"""
import json, sys
from click.testing import CliRunner
from storylens.cli import cli
runner = CliRunner()
out = {{}}
for args in [["--help"]] + [[name, "--help"] for name in sys.argv[1:]]:
    result = runner.invoke(cli, args)
    out[" ".join(args)] = [result.exit_code, result.output]
out["modules"] = sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})
print(json.dumps(out))
"""


def test_help_for_every_command_imports_nothing_heavy() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *COMMANDS], capture_output=True, text=True, check=True, timeout=120
    )
    out = json.loads(proc.stdout)
    assert out.pop("modules") == []
    for args, (code, text) in out.items():
        assert code == 0, f"{args}: {text}"
        if args != "--help":
            assert "Example" in text, f"{args} has no examples"
    assert all(name in out["--help"][1] for name in COMMANDS)


def test_python_dash_m() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "storylens", "--version"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and "0.1.0" in proc.stdout
