"""Where the command line finds MNIST and Tiny Shakespeare, and the one message when it does not."""

import pytest

from glassnet.data import locate
from glassnet.data.locate import data_roots, find_data


def _fake_mnist(folder):
    folder.mkdir(parents=True)
    (folder / "train-images-idx3-ubyte.gz").write_bytes(b"")


def _clear(monkeypatch, cwd):
    """No GLASSNET_DATA, and glassnet's own folder moved to `cwd` (so that a real
    ../shared/data beside this clone is not found)."""
    monkeypatch.delenv("GLASSNET_DATA", raising=False)
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(locate, "SOURCE_TREE", cwd)


def test_order_data_dir_then_env_then_beside(tmp_path, monkeypatch):
    work = tmp_path / "project" / "work"
    work.mkdir(parents=True)
    _clear(monkeypatch, work)
    shared = tmp_path / "project" / "shared" / "data"
    _fake_mnist(shared / "mnist")
    assert find_data("mnist").resolve() == (shared / "mnist").resolve()  # ../shared/data
    env = tmp_path / "env"
    _fake_mnist(env / "mnist")
    monkeypatch.setenv("GLASSNET_DATA", str(env))
    assert find_data("mnist") == env / "mnist"
    given = tmp_path / "given"
    _fake_mnist(given)  # the data set's folder itself
    assert find_data("mnist", given) == given


def test_not_found_names_every_place_once(tmp_path, monkeypatch):
    _clear(monkeypatch, tmp_path)
    monkeypatch.setenv("GLASSNET_DATA", str(tmp_path / "env"))
    with pytest.raises(FileNotFoundError) as info:
        find_data("shakespeare")
    message = str(info.value)
    assert "\n" not in message
    assert f"{tmp_path / 'env' / 'tinyshakespeare'} ($GLASSNET_DATA)" in message
    assert f"{tmp_path / 'data' / 'tinyshakespeare'} (current folder)" in message
    assert message.count("GLASSNET_DATA") == 2  # where it looked, and what to set
    assert len(data_roots()) == len({p.resolve() for p, _ in data_roots()})


def test_a_given_folder_is_the_only_place(tmp_path, monkeypatch):
    _clear(monkeypatch, tmp_path)
    _fake_mnist(tmp_path / "env" / "mnist")
    monkeypatch.setenv("GLASSNET_DATA", str(tmp_path / "env"))
    parent = tmp_path / "parent"  # a parent of the data folder, not the data folder
    (parent / "data" / "mnist").mkdir(parents=True)
    with pytest.raises(FileNotFoundError) as info:
        find_data("mnist", parent)
    message = str(info.value)
    assert f"looked in {parent / 'mnist'} (--data-dir);" in message
    assert "$GLASSNET_DATA)" not in message


def test_unknown_data_set():
    with pytest.raises(ValueError, match="find_data: unknown data set 'cifar'"):
        find_data("cifar")
