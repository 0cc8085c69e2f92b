import io
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests.accounts import editorial_group, signed_in_editor

# The tests' statement timeout on PostgreSQL. Longer than the site's 5 s: a test's rows are in
# its own transaction, never analysed, so PostgreSQL plans with default estimates, and on a
# loaded CI machine one facet query planned that way passed 5 s. The site's own timeout is
# tested on a running site (tests/test_faults.py).
TEST_STATEMENT_TIMEOUT_MS = 30_000


def use_statement_timeout(on):
    """Give the PostgreSQL connections a statement timeout (TEST_STATEMENT_TIMEOUT_MS), or not."""
    from django.conf import settings
    from django.db import connections

    for connection in connections.all():
        if connection.vendor != "postgresql":
            continue
        options = connection.settings_dict.setdefault("OPTIONS", {})
        others = re.sub(r"-c statement_timeout=\d+", "", options.get("options", "")).strip()
        if on and settings.DB_STATEMENT_TIMEOUT_MS:
            others = f"{others} -c statement_timeout={TEST_STATEMENT_TIMEOUT_MS}".strip()
        if others:
            options["options"] = others
        else:
            options.pop("options", None)
        connection.close()  # the next query connects with these options


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """The test databases are made and dropped without the statement timeout: DROP DATABASE
    waits for a checkpoint, which can take seconds on a busy machine."""
    use_statement_timeout(False)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """The tests run with a statement timeout, as requests do."""
    use_statement_timeout(True)
    yield
    use_statement_timeout(False)


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: cached rows of one test's database must not show
    in the next one."""
    cache.clear()


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    """Pages render afresh in every test: most tests never commit, so their changes could not
    make cached pages fresh. tests/test_page_cache.py turns the cache on, with real commits."""
    settings.NEWSROOM_PAGE_CACHE = False


@pytest.fixture(autouse=True)
def api_rate_limit_out_of_the_way(settings):
    """Tests that fire many API requests (leaks, fuzzing) are not refused with a 429; the rate
    limit's own tests (tests/test_api.py) set a small rate."""
    settings.NEWSROOM_API_RATE_LIMIT = "1000000/minute"


@pytest.fixture(autouse=True)
def temporary_media_root(settings, tmp_path):
    """Files a test stores (uploads, share images drawn by any page request) go to a folder of
    its own, never into the project's media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(db):
    """The demo story and its records, as `manage.py load_demo` records them."""
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", password="not-used", is_staff=True)
    user.groups.add(editorial_group("Editor"))
    return user


@pytest.fixture
def reporter(django_user_model):
    user = django_user_model.objects.create_user("reporter", password="not-used", is_staff=True)
    user.groups.add(editorial_group("Reporter"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def alice(django_user_model):
    """One of two editors working on the same record (edit conflicts, merges)."""
    return signed_in_editor(django_user_model, "alice")


@pytest.fixture
def bob(django_user_model):
    """The other of the two editors."""
    return signed_in_editor(django_user_model, "bob")
