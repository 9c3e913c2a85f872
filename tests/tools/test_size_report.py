"""tools/size_report.py lists the files and functions over their line limits."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("size_report", ROOT / "tools" / "size_report.py")
size_report = importlib.util.module_from_spec(spec)
spec.loader.exec_module(size_report)


def test_reports_long_files_and_functions(tmp_path, capsys):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "short.py").write_text("def f():\n    return 1\n")
    body = "".join(f"    x{i} = {i}\n" for i in range(5))
    (package / "long.py").write_text(f"@staticmethod\ndef g():\n{body}    return 0\n")
    assert size_report.long_files(package, 5) == [(8, "pkg/long.py")]
    assert size_report.long_functions(package, 6) == [(8, "pkg/long.py:2 g")]
    assert size_report.main([str(package), "--files", "5", "--functions", "6"]) == 1
    assert "pkg/long.py:2 g" in capsys.readouterr().out
    assert size_report.main([str(package), "--files", "100", "--functions", "100"]) == 0


def test_glassnet_has_no_file_over_400_lines_and_no_function_over_60():
    package = ROOT / "glassnet"
    assert size_report.long_files(package, 400) == [], "split these files by meaning"
    assert size_report.long_functions(package, 60) == [], "split these functions into named steps"
