"""The GitHub workflow: actions pinned by commit, least permissions, pip cached, publishing only from main."""

import re
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

WORKFLOW = Path(__file__).resolve().parents[1] / ".github" / "workflows" / "book.yml"
MAIN_PUSH = "github.event_name == 'push' && github.ref == 'refs/heads/main'"


@pytest.fixture(scope="module")
def workflow():
    return yaml.safe_load(WORKFLOW.read_text())


def steps(workflow):
    return [(name, step) for name, job in workflow["jobs"].items() for step in job["steps"]]


def test_every_action_is_pinned_to_a_full_commit_with_its_release_named():
    uses = re.findall(r"^\s*(?:- )?uses: (\S+)(.*)$", WORKFLOW.read_text(), re.M)
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r" # v\d+\.\d+\.\d+", comment), (action, comment)


def test_permissions_are_granted_per_job_and_pages_only_to_deploy(workflow):
    assert workflow["permissions"] == {}
    assert workflow["jobs"]["test"]["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_only_a_push_to_main_uploads_and_deploys(workflow):
    assert workflow["jobs"]["deploy"]["if"] == MAIN_PUSH
    uploads = [step for _, step in steps(workflow) if "upload-pages-artifact" in step.get("uses", "")]
    assert len(uploads) == 1 and uploads[0]["if"] == MAIN_PUSH


def test_pip_downloads_are_cached(workflow):
    (setup,) = [step for _, step in steps(workflow) if "actions/setup-python" in step.get("uses", "")]
    assert setup["with"]["cache"] == "pip"
    assert "requirements.txt" in setup["with"]["cache-dependency-path"]


def test_checkout_keeps_no_credentials(workflow):
    (checkout,) = [step for _, step in steps(workflow) if "actions/checkout" in step.get("uses", "")]
    assert checkout["with"]["persist-credentials"] is False
