"""Runs that survive faults, tried as an operator would: real processes, real signals.

Every test starts ``statusrapport run`` as a subprocess with a unique marker in its environment
(inherited by workers, kernels, Quarto and the watchdog), hurts it at a named point, and then
checks: no process of the run alive after 10 s, no lock held, no staging folder, the published
reports and site byte-identical, and a next run that succeeds.

Small demo data (4 facilities, 2024–2025) keeps the runs short. Points inside a step are reached
with the ``STATUSRAPPORT_TEST_PAUSE`` hook (the run announces the point in a file and waits).

To keep the module cheap, the stop cases (SIGKILL, SIGTERM, SIGINT) run one after another on ONE
copy of the published workspace: each asserts that it leaves the workspace clean and
byte-identical, so the next case's run (which takes the lock, recovers, cleans staging and
plans before it reaches its point) is also the "next run" of the case before it, and the last
test of the chain runs to completion. Run a single case alone and only that last check is missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import pytest

from statusrapport import config, demo
from statusrapport.lifecycle import PAUSE_ENV, PAUSE_FILE_ENV, processes_with
from statusrapport.lock import is_locked

pytestmark = pytest.mark.slow

YEAR = 2025
MARK = "STATUSRAPPORT_TEST_MARK"
DATA: list[Path] = []


def snapshot(*folders: Path) -> dict[str, str]:
    digest = {}
    for folder in folders:
        if folder.exists():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    digest[str(path.relative_to(folder))] = hashlib.sha256(
                        path.read_bytes()
                    ).hexdigest()
    return digest


def published_state(work: Path) -> dict[str, object]:
    return {
        "reports": snapshot(work / "reports" / str(YEAR)),
        "site": snapshot(work / "_site"),
        "site_exists": (work / "_site").exists(),
    }


class Run:
    """One ``statusrapport run`` process on ``work``, marked so its descendants can be found."""

    def __init__(self, work: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.mark = uuid.uuid4().hex
        self.pause_file = work.parent / f"pause-{self.mark}"
        data = work / "raw" if (work / "raw").exists() else DATA[0]
        cmd = [
            sys.executable, "-m", "statusrapport", "run",
            "--data", str(data),
            "--reports", str(work / "reports"),
            "--site", str(work / "_site"),
            "--jobs", "2",
            # a test's own copy of the data is another folder than the published site's
            *(["--ny-data"] if DATA[:1] != [data] else []),
            *args,
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, MARK: self.mark, PAUSE_FILE_ENV: str(self.pause_file)} | (env or {}),
            start_new_session=True,  # like a cron job: its own process group
        )

    def wait_for_pause(self, timeout: float = 400) -> None:
        deadline = time.time() + timeout
        while not self.pause_file.exists():
            assert self.proc.poll() is None, self.proc.communicate()
            assert time.time() < deadline, "the run never reached the pause point"
            time.sleep(0.1)

    def finish(self, timeout: float = 1500) -> subprocess.CompletedProcess:
        out, err = self.proc.communicate(timeout=timeout)
        return subprocess.CompletedProcess(self.proc.args, self.proc.returncode, out, err)

    def alive(self) -> list[int]:
        return processes_with(MARK, self.mark)

    def assert_all_gone(self, within: float = 10.0) -> None:
        """No process of the run (workers, kernels, Quarto, watchdog) alive after ``within`` s."""
        deadline = time.time() + within
        while self.alive() and time.time() < deadline:
            time.sleep(0.1)
        left = self.alive()
        if left:
            names = [Path(f"/proc/{pid}/cmdline").read_bytes()[:120] for pid in left]
            for pid in left:  # do not leave them for the next test
                os.kill(pid, signal.SIGKILL)
            pytest.fail(f"processes of the run still alive after {within} s: {names}")


def run(work: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return Run(work, *args, env=env).finish()


def assert_clean(work: Path, before: dict[str, object]) -> None:
    assert not is_locked(work / ".build" / "run.lock")
    staging = [p.name for p in (work / ".build").iterdir() if p.is_dir()]
    assert staging == []
    assert published_state(work) == before


@pytest.fixture(scope="module")
def small_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("faultdata") / "data"
    demo.write_demo_data(folder, n_facilities=4, years=(2024, YEAR))
    DATA[:] = [folder]
    return folder


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, small_data: Path) -> Path:
    work = tmp_path_factory.mktemp("faultpub") / "work"
    work.mkdir()
    result = run(work)
    assert result.returncode == 0, result.stderr
    # the warm kernels' stderr is not hidden: they must have nothing to say (no TCP warning)
    assert "[IPKernelApp]" not in result.stderr and "without encryption" not in result.stderr
    return work


@pytest.fixture
def work(published: Path, tmp_path: Path) -> Path:
    target = tmp_path / "work"
    shutil.copytree(published, target, symlinks=True)
    return target


@pytest.fixture(scope="module")
def chain(published: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The one workspace the stop cases share, in order (see the module's docstring)."""
    target = tmp_path_factory.mktemp("faultchain") / "work"
    shutil.copytree(published, target, symlinks=True)
    return target


# --- signals -------------------------------------------------------------------------------


def test_sigkill_mid_execution_leaves_nothing_behind(chain: Path) -> None:
    work = chain
    before = published_state(work)
    proc = Run(work, "--force")
    deadline = time.time() + 400
    while not list((work / ".build").glob("run-*/reports/*/tilbud/*.ipynb")):
        assert time.time() < deadline and proc.proc.poll() is None, "never reached execution"
        time.sleep(0.05)
    assert len(proc.alive()) >= 4  # run, watchdog, workers, kernels
    proc.proc.send_signal(signal.SIGKILL)  # only the main process: the rest must follow it
    proc.finish(timeout=30)
    proc.assert_all_gone()
    assert_clean(work, before)


@pytest.mark.parametrize(
    ("point", "sig"),
    [
        ("validate", signal.SIGTERM),
        ("validate", signal.SIGINT),
        ("execute", signal.SIGTERM),
        ("execute", signal.SIGINT),
        ("render", signal.SIGTERM),
        ("publish-after-_site", signal.SIGTERM),
        ("publish-after-_site", signal.SIGINT),
    ],
)
def test_sigterm_and_sigint_stop_promptly_and_publish_nothing(
    chain: Path, point: str, sig: signal.Signals
) -> None:
    work = chain
    if point in ("render", "publish-after-_site"):
        # nothing changed but the site: the run goes straight to it
        (work / "_site").unlink(missing_ok=True)
    before = published_state(work)
    args = ("--force",) if point in ("validate", "execute") else ()
    proc = Run(work, *args, env={PAUSE_ENV: point})
    proc.wait_for_pause()
    stopped = time.perf_counter()
    if sig == signal.SIGINT:  # Ctrl-C: the terminal signals the whole foreground group
        os.killpg(proc.proc.pid, sig)
    else:  # systemd/cron time-out: the main process
        proc.proc.send_signal(sig)
    result = proc.finish(timeout=60)
    assert time.perf_counter() - stopped < 15
    assert result.returncode == 128 + sig
    assert "Kørslen blev stoppet" in result.stderr and "intet blev offentliggjort" in result.stderr
    assert "Traceback" not in result.stderr and "intern fejl" not in result.stderr
    proc.assert_all_gone()
    assert_clean(work, before)


def test_sigkill_between_publish_renames_rolls_back(chain: Path) -> None:
    work = chain
    (work / "_site").unlink(missing_ok=True)
    before = published_state(work)
    proc = Run(work, env={PAUSE_ENV: "publish-after-_site"})
    proc.wait_for_pause()
    assert (work / "_site").is_symlink()  # the site was flipped, the reports not yet
    proc.proc.send_signal(signal.SIGKILL)
    proc.finish(timeout=30)
    proc.assert_all_gone()  # the watchdog rolled the site back and removed staging
    assert_clean(work, before)


def test_after_every_stop_the_next_run_succeeds(chain: Path) -> None:
    """The last of the chain: after all the stops above, a plain run renders and publishes."""
    again = run(chain)
    assert again.returncode == 0, again.stderr
    assert (chain / "_site" / "index.html").exists()
    assert not is_locked(chain / ".build" / "run.lock")
    assert [p.name for p in (chain / ".build").iterdir() if p.is_dir()] == []


# --- kernels -------------------------------------------------------------------------------

KILL_ONCE = """import os, pathlib, signal
flag = pathlib.Path({flag!r})
if {always} or not flag.exists():
    flag.touch()
    os.kill(os.getpid(), signal.SIGKILL)
"""


def _plant(tmp_path: Path, stem: str, code: str) -> tuple[Path, int]:
    notebooks = tmp_path / "notebooks"
    shutil.copytree(config.NOTEBOOKS_DIR, notebooks)
    nb = nbformat.read(notebooks / f"{stem}.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(code))
    nbformat.write(nb, notebooks / f"{stem}.ipynb")
    return notebooks, len(nb.cells)


def test_a_killed_kernel_is_replaced_and_the_notebook_retried(work: Path, tmp_path: Path) -> None:
    code = KILL_ONCE.format(flag=str(tmp_path / "killed-once"), always=False)
    notebooks, _ = _plant(tmp_path, "tilsyn", code)
    result = run(work, "--no-render", env={"STATUSRAPPORT_NOTEBOOKS": str(notebooks)})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "killed-once").exists()
    assert "kernen døde" in result.stderr and "tilsyn.ipynb" in result.stderr
    # the retry's kernel (papermill's own) is as quiet as the warm ones: no ipykernel chatter
    assert "without encryption" not in result.stderr and "[IPKernelApp]" not in result.stderr
    last = json.loads((work / "reports" / "runs.jsonl").read_text().splitlines()[-1])
    assert last["retried"] == [f"reports/{YEAR}/tilsyn.ipynb"] and last["published"] is True


def test_a_kernel_that_dies_twice_fails_the_notebook_and_keeps_it(
    work: Path, tmp_path: Path
) -> None:
    before = published_state(work)
    code = KILL_ONCE.format(flag=str(tmp_path / "killed"), always=True)
    notebooks, n_cells = _plant(tmp_path, "tilsyn", code)
    result = run(work, "--no-render", env={"STATUSRAPPORT_NOTEBOOKS": str(notebooks)})
    assert result.returncode == 3, result.stderr
    assert "tilsyn.ipynb" in result.stderr and "kernen døde" in result.stderr
    assert f"celle {n_cells}" in result.stderr
    assert "Traceback" not in result.stderr and "without encryption" not in result.stderr
    kept = work / "reports" / "failed" / str(YEAR) / "tilsyn.ipynb"
    assert kept.exists() and "os.kill(os.getpid()" in kept.read_text()
    assert "Kernen døde under denne celle" in kept.read_text()
    assert published_state(work) == before


# --- the machine ---------------------------------------------------------------------------


def _in_namespace(
    script: str, tmp_path: Path, mark: str | None = None
) -> subprocess.CompletedProcess:
    """Run a shell script as root of a new user+mount namespace (mounts vanish with it)."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare mangler")
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("user/mount-namespaces er ikke tilladt her")
    return subprocess.run(
        ["unshare", "-rm", "sh", "-ec", script],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env={**os.environ, MARK: mark or uuid.uuid4().hex},
    )


def _cli(work: Path, *args: str) -> str:
    base = [sys.executable, "-m", "statusrapport", "run", "--data", str(DATA[0]), "--jobs", "2"]
    paths = ["--reports", str(work / "reports"), "--site", str(work / "_site")]
    return " ".join([*base, *paths, *args])


def test_disk_full_on_a_small_tmpfs_is_exit_7_before_any_work(
    small_data: Path, tmp_path: Path
) -> None:
    work = tmp_path / "disk"
    work.mkdir()
    last_run = json.dumps({"exit_code": 0, "staging_bytes": 30_000_000})
    result = _in_namespace(
        f"mount -t tmpfs -o size=40m tmpfs {work}\n"
        f"mkdir -p {work}/reports\n"
        f"echo '{last_run}' > {work}/reports/runs.jsonl\n"
        f"{_cli(work, '--no-render')}",
        tmp_path,
    )
    assert result.returncode == 7, result.stderr
    assert "For lidt fri plads" in result.stderr and "anslået ud fra sidste kørsel" in result.stderr
    assert "Kører" not in result.stdout and "Traceback" not in result.stderr


#: Shell: the files under a folder (symlinks followed) with their SHA-256, in a fixed order.
SUMS = "(cd {0} 2>/dev/null && find -L . -type f -exec sha256sum {{}} + | sort)"


def test_disk_full_during_the_run_is_exit_7_and_leaves_nothing(
    published: Path, tmp_path: Path
) -> None:
    """The disk fills up after the pre-flight check: while notebooks run, and while rendering.

    The published workspace is copied onto a small tmpfs; the run pauses at the step, the
    script fills the tmpfs and lets the run go on.
    """
    work, out, pause = tmp_path / "full", tmp_path / "out", tmp_path / "pause"
    work.mkdir()
    out.mkdir()
    mark = uuid.uuid4().hex

    def case(name: str, point: str, *args: str) -> str:
        return (
            # one worker: one kernel to start, one notebook run into the full disk
            f"{PAUSE_ENV}={point} {_cli(work, '--quiet', '--jobs', '1', *args)} "
            f"> {out}/{name}.out 2> {out}/{name}.err &\n"
            "pid=$!\n"
            f"while [ ! -e {pause} ] && kill -0 $pid 2>/dev/null; do sleep 0.1; done\n"
            f"head -c 100M /dev/zero > {work}/fyld 2>/dev/null || true\n"
            # space the run frees (e.g. replacing a staged notebook) is taken again at once
            "( while kill -0 $pid 2>/dev/null; do "
            f"head -c 1M /dev/zero >> {work}/fyld 2>/dev/null || true; sleep 0.05; done ) &\n"
            "hog=$!\n"
            f"rm -f {pause}\n"
            f"code=0; wait $pid || code=$?; echo $code > {out}/{name}.code\n"
            f"wait $hog || true; rm -f {work}/fyld\n"
            f"ls -A {work}/.build > {out}/{name}.build\n"
            f"{SUMS.format(work / 'reports' / str(YEAR))} > {out}/{name}.reports || true\n"
            f"{SUMS.format(work / '_site')} > {out}/{name}.site || true\n"
        )

    result = _in_namespace(
        f"mount -t tmpfs -o size=40m tmpfs {work}\n"
        f"cp -a {published}/. {work}/\n"
        f"export {PAUSE_FILE_ENV}={pause} STATUSRAPPORT_TEST_SPACE_ESTIMATE=1\n"
        + case("execute", "execute", "--force", "--no-render")
        + f"rm {work}/_site\n"  # nothing changed but the site: the run goes straight to it
        + case("render", "render"),
        tmp_path,
        mark=mark,
    )
    assert result.returncode == 0, result.stderr

    def sums(folder: Path) -> str:
        return subprocess.run(
            ["sh", "-c", SUMS.format(folder)], capture_output=True, text=True
        ).stdout

    for name, words, site in (
        ("execute", "blev fuld, mens notebooks kørte", sums(published / "_site")),
        ("render", "fuld", ""),
    ):
        err = (out / f"{name}.err").read_text()
        assert (out / f"{name}.code").read_text().strip() == "7", err
        assert "Disken" in err and words in err and "Intet er publiceret" in err, err
        assert "Traceback" not in err and "intern fejl" not in err
        assert (out / f"{name}.build").read_text().split() == ["run.lock"]  # staging removed
        assert (out / f"{name}.reports").read_text() == sums(published / "reports" / str(YEAR))
        assert (out / f"{name}.site").read_text() == site
    deadline = time.time() + 10
    while processes_with(MARK, mark) and time.time() < deadline:
        time.sleep(0.1)
    assert processes_with(MARK, mark) == []


def test_read_only_reports_folder_is_exit_8_before_any_work(
    small_data: Path, tmp_path: Path
) -> None:
    work = tmp_path / "ro"
    (work / "reports").mkdir(parents=True)
    result = _in_namespace(
        f"mount --bind {work}/reports {work}/reports\n"
        f"mount -o remount,bind,ro {work}/reports\n"
        f"{_cli(work, '--no-render')}",
        tmp_path,
    )
    assert result.returncode == 8, result.stderr
    assert f"Mappen {work / 'reports'} kan ikke skrives" in result.stderr
    assert "Kører" not in result.stdout and "Traceback" not in result.stderr


def test_unreadable_input_file_is_exit_9_and_names_it(small_data: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(small_data, data)
    os.chown(data / "tilsyn.csv", 54321, 54321)  # an owner unknown inside the namespace
    os.chmod(data / "tilsyn.csv", 0o600)
    work = tmp_path / "perm"
    work.mkdir()
    cli = _cli(work, "--no-render").replace(str(DATA[0]), str(data))
    result = _in_namespace(cli, tmp_path)
    assert result.returncode == 9, result.stderr
    assert "tilsyn.csv" in result.stderr and "må ikke læses" in result.stderr
    assert "intern fejl" not in result.stderr and "Traceback" not in result.stderr


def test_clock_earlier_than_the_data_is_exit_10(tmp_path: Path) -> None:
    today = time.gmtime()
    future = tmp_path / "work" / "raw"  # data reaching past today's year, as after a clock reset
    demo.write_demo_data(future, n_facilities=2, years=(today.tm_year - 1, today.tm_year + 1))
    result = run(tmp_path / "work", "--no-render")
    assert result.returncode == 10, result.stderr
    assert "Maskinens ur viser" in result.stderr and str(today.tm_year + 1) in result.stderr
    assert "Traceback" not in result.stderr


def test_site_on_another_file_system_is_published_atomically_twice(
    work: Path, tmp_path: Path
) -> None:
    """The site folder on a tmpfs (/dev/shm), staging on disk: no EXDEV, an atomic flip."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("ingen anden filsystem-mappe (/dev/shm) til rådighed")
    other = Path(shm / f"statusrapport-test-{uuid.uuid4().hex}")
    other.mkdir()
    try:
        site = other / "_site"
        for _ in range(2):  # the second run replaces the site published by the first
            cmd = Run(work, "--site", str(site))
            result = cmd.finish()
            assert result.returncode == 0, result.stderr
            assert site.is_symlink() and (site / "index.html").exists()
            manifest_path = work / "reports" / str(YEAR) / ".manifest.json"
            manifest = json.loads(manifest_path.read_text())
            manifest["site"] = "outdated"  # the next run re-renders the site (and only it)
            manifest_path.unlink()  # a published file is replaced, never edited in place
            manifest_path.write_text(json.dumps(manifest))
    finally:
        shutil.rmtree(other, ignore_errors=True)
